package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import ringdb.cli.cluster.LocalCluster;
import ringdb.client.RingClient;
import ringdb.client.RingClientException;

/** Drives a local cluster through the CLI for integration tests; every wait is bounded. */
final class ClusterHarness implements AutoCloseable {
    /** What a CLI invocation printed and returned. */
    record Run(int exitCode, String out, String err) {
    }

    /** The heap of each server the membership tests start. */
    static final String HEAP = "256m";
    /** Server flags that make gossip and the ring delay short, as 'ringdb server' takes them. */
    static final List<String> FAST_SERVER = List.of("--gossip-interval-ms", "200", "--ring-delay-ms", "1000");

    final Path dir;

    ClusterHarness(Path dir) {
        this.dir = dir;
    }

    /**
     * Starts {@code nodes} servers with RF 2 on free ports with {@link #HEAP} and {@link #FAST_SERVER}
     * through {@code ringdb cluster start}, waiting up to {@code waitSeconds} for them; fails unless it
     * exits with 0.
     */
    void start(int nodes, int waitSeconds) {
        List<String> start = new ArrayList<>(List.of("cluster", "start", "--dir", dir.toString(), "--nodes",
                Integer.toString(nodes), "--rf", "2", "--internode-port", "0", "--http-port", "0", "--wait-seconds",
                Integer.toString(waitSeconds), "--heap", HEAP));
        for (int i = 0; i < FAST_SERVER.size(); i += 2) {
            start.add("--server-flag=" + FAST_SERVER.get(i) + "=" + FAST_SERVER.get(i + 1));
        }
        Run up = cli(start.toArray(String[]::new));
        assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
    }

    /**
     * Starts {@code member}'s server again on its data directory ({@link #HEAP}, {@link #FAST_SERVER}),
     * its output appended to its log, its standard error to {@code err} (null: to the log too). The
     * caller kills it.
     */
    static Process restart(LocalCluster.Member member, Path err) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(LocalCluster.serverCommand(member.directory(), HEAP, FAST_SERVER))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(member.directory().resolve(LocalCluster.LOG_FILE)
                        .toFile()));
        if (err == null) {
            builder.redirectErrorStream(true);
        } else {
            builder.redirectError(err.toFile());
        }
        return builder.start();
    }

    /** Member {@code id} of the cluster as {@code host} describes it in {@code GET /v1/cluster}. */
    JsonNode member(String host, String id) {
        for (JsonNode member : clusterAt(host).path("members")) {
            if (member.path("id").asText().equals(id)) {
                return member;
            }
        }
        throw new AssertionError(host + " does not list " + id);
    }

    /** Writes {@code keys} keys {@code prefix + i} = {@code "v" + i} at QUORUM through {@code host}. */
    static void writeAtQuorum(String host, String prefix, int keys) {
        try (RingClient client = new RingClient(List.of(host), RingClient.Options.defaults())) {
            for (int i = 0; i < keys; i++) {
                client.put((prefix + i).getBytes(StandardCharsets.UTF_8), ("v" + i).getBytes(StandardCharsets.UTF_8),
                        "QUORUM");
            }
        }
    }

    /** Reads back at QUORUM through {@code host} every key {@link #writeAtQuorum} wrote; fails on one missing. */
    static void readBackAtQuorum(String host, String prefix, int keys) {
        try (RingClient client = new RingClient(List.of(host), new RingClient.Options(5_000, 60_000, 1, false))) {
            for (int i = 0; i < keys; i++) {
                Optional<RingClient.Value> value = client.get((prefix + i).getBytes(StandardCharsets.UTF_8), "QUORUM");
                assertThat(value).as(prefix + i + " through " + host).isPresent();
                assertThat(new String(value.get().value(), StandardCharsets.UTF_8)).isEqualTo("v" + i);
            }
        }
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

    /** Runs {@code ringdb cql --host host args...} with connect and request timeouts of 30 s. */
    static Run cql(String host, String... args) {
        List<String> all = new ArrayList<>(List.of("cql", "--host", host, "--connect-timeout", "30",
                "--request-timeout", "30"));
        all.addAll(List.of(args));
        return cli(all.toArray(String[]::new));
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
