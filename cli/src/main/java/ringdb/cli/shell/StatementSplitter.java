package ringdb.cli.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cuts the lines a user types (or a file holds) into statements, as cqlsh does: a CQL statement
 * ends with {@code ;} outside strings ({@code '...'}, {@code $$...$$}), quoted names and comments
 * ({@code --}, {@code //}, {@code /* *}{@code /}), so it may span lines and a line may hold several;
 * a {@code BEGIN BATCH} runs until {@code APPLY BATCH;}; a shell command ({@code DESCRIBE},
 * {@code CONSISTENCY}, {@code EXIT}, ...) ends at the end of its line, with or without {@code ;}.
 *
 * <p>Not thread-safe: one splitter per input.
 */
public final class StatementSplitter {
    /** Commands that end at the end of their line, as in cqlsh. */
    static final Set<String> SHELL_COMMANDS = Set.of("help", "?", "consistency", "describe", "desc", "source",
            "paging", "expand", "exit", "quit", "show", "clear", "cls");
    /** A statement held back longer than this (unterminated) is refused: it is most likely a missing quote. */
    static final int STATEMENT_CHARS_MAX = 1 << 20;

    /** One complete statement and the line (1-based) of the input it started on. */
    public record Statement(String text, int line) {
    }

    private final StringBuilder pending = new StringBuilder();
    private int pendingLine;
    private int lineNumber;
    /** Lexical state carried across lines. */
    private boolean inString;
    private boolean inDollarString;
    private boolean inQuotedName;
    private boolean inBlockComment;

    /** Feeds one line (without its line terminator); returns the statements it completed. */
    public List<Statement> feed(String line) {
        lineNumber++;
        List<Statement> done = new ArrayList<>();
        if (pending.toString().isBlank() && !inBlockComment && isShellCommand(line)) {
            pending.setLength(0);
            String command = line.strip();
            while (command.endsWith(";")) {
                command = command.substring(0, command.length() - 1).strip();
            }
            done.add(new Statement(command, lineNumber));
            return done;
        }
        if (pending.toString().isBlank()) {
            pending.setLength(0);
            pendingLine = lineNumber;
        } else {
            pending.append('\n');
        }
        scan(line, done);
        if (pending.length() > STATEMENT_CHARS_MAX) {
            pending.setLength(0);
            resetLexicalState();
            throw new IllegalArgumentException("statement longer than " + STATEMENT_CHARS_MAX
                    + " characters without an ending ';' (an unclosed quote?); discarded");
        }
        return done;
    }

    /** True while a statement has been started but not ended. */
    public boolean hasPending() {
        return !stripComments(pending.toString()).isBlank() || inString || inDollarString || inQuotedName;
    }

    /** The unfinished statement (null when there is none) and forgets it. */
    public Statement drain() {
        String text = pending.toString().strip();
        boolean meaningful = hasPending();
        pending.setLength(0);
        resetLexicalState();
        return meaningful ? new Statement(text, pendingLine) : null;
    }

    private void resetLexicalState() {
        inString = false;
        inDollarString = false;
        inQuotedName = false;
        inBlockComment = false;
    }

    private void scan(String line, List<Statement> done) {
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            char next = i + 1 < line.length() ? line.charAt(i + 1) : 0;
            if (inBlockComment) {
                pending.append(c);
                if (c == '*' && next == '/') {
                    pending.append(next);
                    i++;
                    inBlockComment = false;
                }
            } else if (inString) {
                pending.append(c);
                inString = c != '\'' || quoteEscaped(line, i);
                if (c == '\'' && inString) {
                    pending.append(next);
                    i++;
                }
            } else if (inDollarString) {
                pending.append(c);
                if (c == '$' && next == '$') {
                    pending.append(next);
                    i++;
                    inDollarString = false;
                }
            } else if (inQuotedName) {
                pending.append(c);
                inQuotedName = c != '"' || quoteEscaped(line, i);
                if (c == '"' && inQuotedName) {
                    pending.append(next);
                    i++;
                }
            } else if ((c == '-' && next == '-') || (c == '/' && next == '/')) {
                pending.append(line, i, line.length());
                return;
            } else if (c == ';') {
                endStatement(done);
            } else {
                pending.append(c);
                if (c == '/' && next == '*') {
                    pending.append(next);
                    i++;
                    inBlockComment = true;
                } else if (c == '$' && next == '$') {
                    pending.append(next);
                    i++;
                    inDollarString = true;
                } else {
                    inString = c == '\'';
                    inQuotedName = c == '"';
                }
            }
            i++;
        }
    }

    /** A quote at {@code i} followed by the same quote is a doubled (escaped) quote. */
    private static boolean quoteEscaped(String line, int i) {
        return i + 1 < line.length() && line.charAt(i + 1) == line.charAt(i);
    }

    private void endStatement(List<Statement> done) {
        String text = pending.toString().strip();
        String words = stripComments(text).strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        if (words.startsWith("begin ") && !words.endsWith("apply batch")) {
            pending.append(';');
            return;
        }
        if (!words.isEmpty()) {
            done.add(new Statement(text, pendingLine));
        }
        pending.setLength(0);
        pendingLine = lineNumber;
    }

    static boolean isShellCommand(String line) {
        String first = firstWord(line);
        return SHELL_COMMANDS.contains(first);
    }

    static String firstWord(String text) {
        String stripped = text.strip();
        int end = 0;
        while (end < stripped.length() && !Character.isWhitespace(stripped.charAt(end)) && stripped.charAt(end) != ';'
                && stripped.charAt(end) != '\'') {
            end++;
        }
        return stripped.substring(0, end).toLowerCase(Locale.ROOT);
    }

    /** The text without its comments (strings are kept as they are; good enough to look at keywords). */
    static String stripComments(String text) {
        return text.replaceAll("(?s)/\\*.*?(\\*/|$)", " ").replaceAll("(?m)(--|//).*$", " ");
    }
}
