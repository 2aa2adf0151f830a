package ringdb.cli.shell;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The CQL shell ({@code ringdb cql}): statements go to the node through the Java driver, results
 * come back as cqlsh prints them; the shell's own commands ({@code DESCRIBE}, {@code CONSISTENCY},
 * {@code PAGING}, {@code EXPAND}, {@code SOURCE}, {@code HELP}, {@code EXIT}) are answered here.
 * Errors print one line (cqlsh's wording, no stack trace) on the error stream, prefixed with
 * {@code origin:line:} when the statements come from a file or a pipe.
 *
 * <p>Not thread-safe: one shell per user. It does not own the session.
 */
public final class CqlShell {
    /** Rows per page when paging is on, as cqlsh. */
    public static final int PAGE_SIZE_DEFAULT = 100;
    /** Rows fetched per request when paging is off (the shell still fetches every page). */
    static final int FETCH_SIZE_UNPAGED = 5000;
    /** SOURCE may nest (a file sourcing a file) this deep. */
    static final int SOURCE_DEPTH_MAX = 8;

    private final CqlSession session;
    private final PrintStream out;
    private final PrintStream err;
    /** Asks "---MORE---" between pages; null when nobody is there to answer (file, pipe, -e). */
    private final LineSource pager;
    private final Describer describer;
    private ConsistencyLevel consistency = DefaultConsistencyLevel.ONE;
    private boolean paging = true;
    private int pageSize = PAGE_SIZE_DEFAULT;
    private boolean expanded;
    private boolean exitRequested;
    private int sourceDepth;

    public CqlShell(CqlSession session, PrintStream out, PrintStream err, LineSource pager) {
        this.session = session;
        this.out = out;
        this.err = err;
        this.pager = pager;
        this.describer = new Describer(session, out);
    }

    /** The prompt cqlsh would show: {@code ringdb>} or {@code ringdb:ks>}. */
    public String prompt() {
        return session.getKeyspace().map(k -> "ringdb:" + k.asInternal() + "> ").orElse("ringdb> ");
    }

    /** Reads statements from a person at a terminal until EXIT, QUIT or the end of input. */
    public void interact(LineSource input) {
        StatementSplitter splitter = new StatementSplitter();
        while (!exitRequested) {
            String line;
            try {
                line = input.readLine(splitter.hasPending() ? "   ... " : prompt());
            } catch (LineSource.Interrupted e) {
                splitter.drain();
                continue;
            }
            if (line == null) {
                out.println();
                return;
            }
            for (StatementSplitter.Statement statement : feed(splitter, line, null)) {
                execute(statement.text(), null, statement.line());
                if (exitRequested) {
                    return;
                }
            }
        }
    }

    /**
     * Runs every statement of {@code input} (a file or a pipe), going on after errors as cqlsh does;
     * an unfinished statement at the end is an error. Returns false when any statement failed.
     */
    public boolean runScript(LineSource input, String origin) {
        StatementSplitter splitter = new StatementSplitter();
        boolean ok = true;
        String line;
        while (!exitRequested && (line = input.readLine("")) != null) {
            List<StatementSplitter.Statement> statements = feed(splitter, line, origin);
            if (statements == null) {
                ok = false;
                continue;
            }
            for (StatementSplitter.Statement statement : statements) {
                ok &= execute(statement.text(), origin, statement.line());
                if (exitRequested) {
                    break;
                }
            }
        }
        StatementSplitter.Statement unfinished = splitter.drain();
        if (unfinished != null && !exitRequested) {
            error(origin, unfinished.line(), "Incomplete statement at end of input (a ';' is missing): "
                    + abbreviate(unfinished.text()));
            ok = false;
        }
        return ok;
    }

    /** Runs the statements of one piece of text ({@code -e}); its last statement may omit the ';'. */
    public boolean runText(String text, String origin) {
        StatementSplitter splitter = new StatementSplitter();
        boolean ok = true;
        for (String line : text.split("\n", -1)) {
            List<StatementSplitter.Statement> statements = feed(splitter, line, origin);
            if (statements == null) {
                return false;
            }
            for (StatementSplitter.Statement statement : statements) {
                ok &= execute(statement.text(), origin, statement.line());
            }
        }
        StatementSplitter.Statement last = splitter.drain();
        if (last != null) {
            ok &= execute(last.text(), origin, last.line());
        }
        return ok;
    }

    /** True once EXIT or QUIT ran. */
    public boolean exitRequested() {
        return exitRequested;
    }

    private List<StatementSplitter.Statement> feed(StatementSplitter splitter, String line, String origin) {
        try {
            return splitter.feed(line);
        } catch (IllegalArgumentException e) {
            error(origin, 0, e.getMessage());
            return origin == null ? List.of() : null;
        }
    }

    /** Runs one statement or shell command; prints its result or its error. False on error. */
    boolean execute(String text, String origin, int line) {
        String word = StatementSplitter.firstWord(text);
        String rest = text.strip().substring(Math.min(text.strip().length(), word.length())).strip();
        try {
            switch (word) {
                case "help", "?" -> ShellHelp.print(out, rest);
                case "exit", "quit" -> exitRequested = true;
                case "consistency" -> consistency(rest);
                case "paging" -> paging(rest);
                case "expand" -> expand(rest);
                case "describe", "desc" -> describer.describe(rest);
                case "source" -> {
                    return source(rest);
                }
                case "show" -> show(rest);
                case "clear", "cls" -> out.print(pager == null ? "" : "\033[H\033[2J");
                default -> cql(text);
            }
            return true;
        } catch (DriverException e) {
            error(origin, line, ShellErrors.describe(e));
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            error(origin, line, e.getMessage());
        }
        return false;
    }

    private void error(String origin, int line, String message) {
        err.println((origin == null ? "" : origin + ":" + line + ":") + message);
    }

    private void cql(String text) {
        SimpleStatement statement = SimpleStatement.newInstance(text).setConsistencyLevel(consistency)
                .setPageSize(paging ? pageSize : FETCH_SIZE_UNPAGED);
        ResultSet result = session.execute(statement);
        if (!result.getExecutionInfo().isSchemaInAgreement()) {
            // as cqlsh: the driver waited for every live node to report the changed schema, and gave up
            err.println("Warning: schema version mismatch detected; check the schema versions of your nodes in "
                    + "system.local and system.peers.");
        }
        List<String> warnings = result.getExecutionInfo().getWarnings();
        if (!warnings.isEmpty()) {
            err.println("Warnings :");
            warnings.forEach(err::println);
            err.println();
        }
        if (result.getColumnDefinitions().size() == 0) {
            return;
        }
        List<String> names = new ArrayList<>();
        for (ColumnDefinition column : result.getColumnDefinitions()) {
            names.add(column.getName().asInternal());
        }
        boolean askBetweenPages = paging && pager != null;
        long total = 0;
        do {
            List<List<String>> rows = new ArrayList<>();
            Row row = result.one(); // fetches the next page when this one is used up
            if (row != null) {
                rows.add(format(row, names.size()));
                int more = askBetweenPages ? result.getAvailableWithoutFetching() : Integer.MAX_VALUE;
                for (int i = 0; i < more && (row = result.one()) != null; i++) {
                    rows.add(format(row, names.size()));
                }
            }
            ResultPrinter.print(out, names, rows, expanded, (int) total + 1);
            total += rows.size();
        } while (askBetweenPages && !result.isFullyFetched() && more());
        ResultPrinter.printCount(out, total);
    }

    private boolean more() {
        try {
            return pager.readLine("---MORE---") != null;
        } catch (LineSource.Interrupted e) {
            return false;
        }
    }

    private static List<String> format(Row row, int columns) {
        List<String> values = new ArrayList<>(columns);
        for (int c = 0; c < columns; c++) {
            // a null collection decodes as an empty one; cqlsh shows null
            values.add(row.isNull(c) ? "null" : ValueFormatter.format(row.getObject(c)));
        }
        return values;
    }

    private void consistency(String level) {
        if (level.isEmpty()) {
            out.println("Current consistency level is " + consistency.name() + ".");
            return;
        }
        try {
            consistency = DefaultConsistencyLevel.valueOf(level.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Improper CONSISTENCY command: '" + level + "' is not a level ("
                    + Arrays.stream(DefaultConsistencyLevel.values()).map(Enum::name)
                    .collect(Collectors.joining(", ")) + ")", e);
        }
        out.println("Consistency level set to " + consistency.name() + ".");
    }

    private void paging(String argument) {
        String value = argument.toLowerCase(Locale.ROOT);
        if (value.isEmpty()) {
            out.println(paging ? "Query paging is currently enabled. Use PAGING OFF to disable\nPage size: " + pageSize
                    : "Query paging is currently disabled. Use PAGING ON to enable.");
        } else if (value.equals("on")) {
            paging = true;
            out.println("Now Query paging is enabled\nPage size: " + pageSize);
        } else if (value.equals("off")) {
            paging = false;
            out.println("Disabled Query paging.");
        } else {
            int size;
            try {
                size = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                size = 0;
            }
            if (size < 1) {
                throw new IllegalArgumentException(
                        "Improper PAGING command: PAGING [ON | OFF | rows per page > 0], got '" + argument + "'");
            }
            paging = true;
            pageSize = size;
            out.println("Page size: " + pageSize);
        }
    }

    private void expand(String argument) {
        switch (argument.toLowerCase(Locale.ROOT)) {
            case "" -> out.println(expanded ? "Expanded output is currently enabled. Use EXPAND OFF to disable"
                    : "Expanded output is currently disabled. Use EXPAND ON to enable.");
            case "on" -> {
                expanded = true;
                out.println("Now Expanded output is enabled");
            }
            case "off" -> {
                expanded = false;
                out.println("Disabled Expanded output.");
            }
            default -> throw new IllegalArgumentException("Improper EXPAND command: EXPAND [ON | OFF], got '"
                    + argument + "'");
        }
    }

    private void show(String argument) {
        switch (argument.toLowerCase(Locale.ROOT)) {
            case "host" -> out.println("Connected to " + session.getMetadata().getClusterName().orElse("(unknown)")
                    + " at " + connectedTo() + ".");
            case "version" -> out.println(versionLine());
            default -> throw new IllegalArgumentException("Improper SHOW command: SHOW HOST | SHOW VERSION");
        }
    }

    /** The second line of the banner: {@code [ringdb cql | release 4.0.x | Native protocol v5]}. */
    public String versionLine() {
        String release = session.getMetadata().getNodes().values().stream().findFirst()
                .map(n -> String.valueOf(n.getCassandraVersion())).orElse("unknown");
        return "[ringdb cql | release " + release + " | Native protocol "
                + session.getContext().getProtocolVersion().name().toLowerCase(Locale.ROOT) + "]";
    }

    /** The node the shell's control connection talks to. */
    public String connectedTo() {
        return session.getMetadata().getNodes().values().stream().findFirst()
                .map(n -> n.getEndPoint().toString()).orElse("(unknown)").replaceFirst("^/", "");
    }

    private boolean source(String argument) {
        String name = argument.strip();
        if (name.length() >= 2 && name.startsWith("'") && name.endsWith("'")) {
            name = name.substring(1, name.length() - 1).replace("''", "'");
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("Improper SOURCE command: SOURCE 'file'");
        }
        if (name.startsWith("~/")) {
            name = System.getProperty("user.home") + name.substring(1);
        }
        if (sourceDepth >= SOURCE_DEPTH_MAX) {
            throw new IllegalStateException("SOURCE nested more than " + SOURCE_DEPTH_MAX + " deep; not reading "
                    + name);
        }
        BufferedReader reader;
        try {
            reader = Files.newBufferedReader(Path.of(name), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("Could not open '" + name + "': No such file or directory", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("Could not open '" + name + "': " + e.getMessage(), e);
        }
        sourceDepth++;
        try (reader) {
            return runScript(LineSource.of(reader), name);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read '" + name + "': " + e.getMessage(), e);
        } finally {
            sourceDepth--;
        }
    }

    private static String abbreviate(String text) {
        String flat = text.replaceAll("\\s+", " ");
        return flat.length() <= 60 ? flat : flat.substring(0, 57) + "...";
    }
}
