package ringdb.cli.shell;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * Lines typed at a terminal, read with JLine: line editing, and a history kept across sessions in
 * {@code historyFile} (up and down arrows, Ctrl-R). Ctrl-C drops the line being typed, Ctrl-D ends.
 */
public final class TerminalLines implements LineSource, AutoCloseable {
    private static final int HISTORY_LINES_MAX = 2000;

    private final Terminal terminal;
    private final LineReader reader;

    public TerminalLines(Path historyFile) {
        try {
            terminal = TerminalBuilder.builder().system(true).build();
            if (historyFile.getParent() != null) {
                Files.createDirectories(historyFile.getParent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the terminal: " + e.getMessage(), e);
        }
        DefaultParser parser = new DefaultParser();
        parser.setEofOnUnclosedQuote(false);
        parser.setEscapeChars(new char[0]);
        reader = LineReaderBuilder.builder().terminal(terminal).appName("ringdb-cql").parser(parser)
                .variable(LineReader.HISTORY_FILE, historyFile)
                .variable(LineReader.HISTORY_SIZE, HISTORY_LINES_MAX)
                .variable(LineReader.HISTORY_FILE_SIZE, HISTORY_LINES_MAX)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .option(LineReader.Option.HISTORY_IGNORE_DUPS, true)
                .build();
    }

    @Override
    public String readLine(String prompt) {
        try {
            return reader.readLine(prompt);
        } catch (UserInterruptException e) {
            throw new LineSource.Interrupted();
        } catch (EndOfFileException e) {
            return null;
        }
    }

    @Override
    public void close() {
        try {
            reader.getHistory().save();
            terminal.close();
        } catch (IOException e) {
            // the history of this session is lost; nothing else is
        }
    }
}
