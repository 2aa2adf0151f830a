package ringdb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import ringdb.cli.cluster.LocalCluster;
import ringdb.client.RingClient;
import ringdb.client.RingClientException;

/** Drives a local cluster through the CLI for integration tests; every wait is bounded. */
final class ClusterHarness implements AutoCloseable {
    /** What a CLI invocation printed and returned. */
    record Run(int exitCode, String out, String err) {
    }

    final Path dir;

    ClusterHarness(Path dir) {
        this.dir = dir;
    }

    /** Runs {@code ringdb args...} in this JVM, capturing standard output and error. */
    static synchronized Run cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    List<LocalCluster.Member> members() {
        return new LocalCluster(dir, System.out).members();
    }

    String http(int index) {
        return members().get(index).httpAddress();
    }

    String internode(int index) {
        return members().get(index).internodeAddress();
    }

    List<String> httpAddresses() {
        return members().stream().map(LocalCluster.Member::httpAddress).toList();
    }

    JsonNode clusterAt(String http) {
        try (RingClient client = new RingClient(List.of(http), new RingClient.Options(2_000, 60_000, 1, false))) {
            return client.cluster();
        }
    }

    /** Polls {@code condition} every 100 ms until true or {@code timeout}; fails with {@code what}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RingClientException e) {
                // not ready yet
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
    }

    /** Kills every process of the cluster, whatever state it is in. */
    @Override
    public void close() {
        new LocalCluster(dir, System.out).stop(Duration.ofSeconds(10));
    }
}
