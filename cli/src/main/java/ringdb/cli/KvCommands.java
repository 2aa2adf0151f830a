package ringdb.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import ringdb.client.RingClient;
import ringdb.client.RingClientException;

/** {@code ringdb put|get|delete} against a running cluster. */
final class KvCommands {
    private KvCommands() {
    }

    /** Runs a client call; prints the error the cluster gave and returns exit code 1 on failure. */
    static int guarded(Callable<Integer> call) {
        try {
            return call.call();
        } catch (RingClientException e) {
            System.err.println("error: " + e.getMessage() + (e.status() > 0 ? " (HTTP " + e.status() + ")" : ""));
            return e.status() == 404 ? 1 : e.status() >= 400 && e.status() < 500 ? 2 : 1;
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("error: " + e);
            return 1;
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true,
            description = "Writes a value: from the VALUE argument, from --file, "
                    + "or from standard input when neither is given.")
    static final class Put implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(index = "0", paramLabel = "KEY") String key;
        @Parameters(index = "1", paramLabel = "VALUE", arity = "0..1") String value;
        @Option(names = "--file", paramLabel = "FILE", description = "Read the value from this file") Path file;
        @Option(names = "--cl", defaultValue = "ONE",
                description = "Consistency level: ONE, TWO, THREE, QUORUM or ALL (default ${DEFAULT-VALUE})")
        String cl;
        @Option(names = "--timestamp",
                description = "Write timestamp in microseconds (default: the coordinator's clock)")
        Long timestamp;

        @Override
        public Integer call() {
            return guarded(() -> {
                if (value != null && file != null) {
                    System.err.println("error: give the value either as an argument or with --file, not both");
                    return 2;
                }
                byte[] bytes = value != null ? value.getBytes(StandardCharsets.UTF_8)
                        : file != null ? Files.readAllBytes(file) : System.in.readAllBytes();
                try (RingClient ring = client.client()) {
                    long written = ring.put(key.getBytes(StandardCharsets.UTF_8), bytes, cl, timestamp);
                    System.out.println("OK timestamp=" + written);
                    return 0;
                }
            });
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Reads a value and prints it (exit code 1 when not found).")
    static final class Get implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(index = "0", paramLabel = "KEY") String key;
        @Option(names = "--cl", defaultValue = "ONE",
                description = "Consistency level: ONE, TWO, THREE, QUORUM or ALL (default ${DEFAULT-VALUE})")
        String cl;
        @Option(names = "--output", paramLabel = "FILE",
                description = "Write the value to this file instead of standard output")
        Path output;
        @Option(names = "--verbose", description = "Also print the value's timestamp on standard error")
        boolean verbose;

        @Override
        public Integer call() {
            return guarded(() -> {
                Optional<RingClient.Value> found;
                try (RingClient ring = client.client()) {
                    found = ring.get(key.getBytes(StandardCharsets.UTF_8), cl);
                }
                if (found.isEmpty()) {
                    System.err.println("not found: " + key);
                    return 1;
                }
                if (verbose) {
                    System.err.println("timestamp=" + found.get().timestampMicros());
                }
                if (output != null) {
                    Files.write(output, found.get().value());
                } else {
                    PrintStream out = System.out;
                    out.write(found.get().value());
                    out.println();
                    out.flush();
                }
                return 0;
            });
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes a key (writes a tombstone).")
    static final class Delete implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(index = "0", paramLabel = "KEY") String key;
        @Option(names = "--cl", defaultValue = "ONE",
                description = "Consistency level: ONE, TWO, THREE, QUORUM or ALL (default ${DEFAULT-VALUE})")
        String cl;

        @Override
        public Integer call() {
            return guarded(() -> {
                try (RingClient ring = client.client()) {
                    long written = ring.delete(key.getBytes(StandardCharsets.UTF_8), cl);
                    System.out.println("OK timestamp=" + written);
                    return 0;
                }
            });
        }
    }
}
