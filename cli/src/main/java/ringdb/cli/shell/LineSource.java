package ringdb.cli.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Where the shell's lines come from: a terminal (with editing and history) or a plain stream. */
public interface LineSource {
    /** Thrown by {@link #readLine} when the user interrupts the line being typed (Ctrl-C). */
    final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Interrupted() {
            super("interrupted", null, false, false);
        }
    }

    /** The next line without its terminator, after showing {@code prompt} where that applies; null at the end. */
    String readLine(String prompt);

    /** Lines of a reader; prompts are not shown. */
    static LineSource of(BufferedReader reader) {
        return prompt -> {
            try {
                return reader.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
