package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import ringdb.cli.cluster.LocalCluster;
import ringdb.client.RingClient;
import ringdb.server.runtime.ServerNode;

/**
 * abort-bootstrap with real processes: a third node joining two (RF 2) with a long ring delay is
 * killed mid-join; its join, refused while it is alive, is aborted from node 1. Both nodes then drop
 * it (status shows no joining node, only two UN), QUORUM writes and reads go on, and the killed node,
 * started again on its data directory, learns its join was aborted, says so and exits.
 */
@Timeout(300)
class AbortBootstrapIntegrationTest {
    private static final int KEYS = 50;
    private static final String HEAP = ClusterHarness.HEAP;
    private static final List<String> FAST_SERVER = ClusterHarness.FAST_SERVER;
    /** The joining node's flags: it announces JOINING after 15 s and would stream 15 s later. */
    private static final List<String> SLOW_JOIN = List.of("--gossip-interval-ms", "200", "--ring-delay-ms", "15000");
    private static final Duration WAIT = Duration.ofSeconds(120);

    private ClusterHarness cluster;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        started.forEach(Process::destroyForcibly);
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theJoinOfANodeKilledMidJoinIsAbortedAndItCannotComeBack() throws Exception {
        Path dir = Files.createTempDirectory("ringdb-abort-bootstrap-it-");
        cluster = new ClusterHarness(dir);
        List<String> start = new ArrayList<>(List.of("cluster", "start", "--dir", dir.toString(), "--nodes", "2",
                "--rf", "2", "--internode-port", "0", "--http-port", "0", "--wait-seconds", "120", "--heap", HEAP));
        addFlags(start, FAST_SERVER);
        ClusterHarness.Run up = ClusterHarness.cli(start.toArray(String[]::new));
        assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
        List<String> survivors = List.of(cluster.http(0), cluster.http(1));
        write("before-", survivors.get(0));

        // 'cluster add' gives up waiting after 2 s (the join takes 30 s); the node goes on joining.
        List<String> add = new ArrayList<>(List.of("cluster", "add", "--dir", dir.toString(), "--wait-seconds", "2",
                "--heap", HEAP));
        addFlags(add, SLOW_JOIN);
        ClusterHarness.Run added = ClusterHarness.cli(add.toArray(String[]::new));
        assertThat(added.exitCode()).as(added.out() + added.err()).isEqualTo(1);
        LocalCluster.Member joining = cluster.members().get(2);
        String id = joining.internodeAddress();
        ProcessHandle process = joining.process().orElseThrow();
        for (String host : survivors) {
            ClusterHarness.await(id + " joining as " + host + " sees it", WAIT,
                    () -> "JOINING".equals(stateOf(host, id)));
        }
        ClusterHarness.Run refused = ClusterHarness.cli("abort-bootstrap", id, "--host", survivors.get(0));
        assertThat(refused.exitCode()).as(refused.out() + refused.err()).isEqualTo(2);
        assertThat(refused.out() + refused.err()).contains("cannot abort the join of " + id + ": it is alive");

        process.destroyForcibly();
        assertThat(process.onExit().get(60, TimeUnit.SECONDS).isAlive()).isFalse();
        for (String host : survivors) {
            ClusterHarness.await(id + " seen down by " + host, WAIT, () -> {
                JsonNode member = member(host, id);
                return member != null && !member.path("up").asBoolean(true);
            });
        }
        ClusterHarness.Run abort = ClusterHarness.cli("abort-bootstrap", id, "--host", survivors.get(0));
        assertThat(abort.exitCode()).as(abort.out() + abort.err()).isZero();
        assertThat(abort.out()).contains("join of " + id + " aborted");
        ClusterHarness.await("both nodes dropping the join, with equal rings", WAIT, () ->
                survivors.stream().allMatch(host -> "REMOVED".equals(stateOf(host, id)))
                        && cluster.clusterAt(survivors.get(0)).path("ring_digest").asText()
                        .equals(cluster.clusterAt(survivors.get(1)).path("ring_digest").asText()));
        for (String host : survivors) {
            ClusterHarness.Run status = ClusterHarness.cli("status", "--host", host);
            assertThat(status.exitCode()).as(status.err()).isZero();
            assertThat(status.out().lines().filter(line -> line.contains(id))).as(status.out())
                    .allMatch(line -> line.startsWith("DR "));
            assertThat(status.out().lines().filter(line -> line.startsWith("UN ")).count()).as(status.out())
                    .isEqualTo(2);
            assertThat(status.out()).as(status.out()).doesNotContain("UJ ").doesNotContain("DJ ");
        }
        write("after-", survivors.get(1));
        for (String host : survivors) {
            readBack("before-", host);
            readBack("after-", host);
        }

        Path err = joining.directory().resolve("restart.err");
        Process restarted = new ProcessBuilder(LocalCluster.serverCommand(joining.directory(), HEAP, SLOW_JOIN))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(joining.directory().resolve(LocalCluster.LOG_FILE)
                        .toFile()))
                .redirectError(err.toFile()).start();
        started.add(restarted);
        assertThat(restarted.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
                .as("the aborted node exits within " + WAIT.toSeconds() + " s").isTrue();
        assertThat(restarted.exitValue()).as(Files.readString(err)).isEqualTo(ServerNode.REMOVED_EXIT_STATUS);
        assertThat(Files.readString(err)).contains(id + "'s join was aborted (abort-bootstrap)")
                .contains("wipe its data directory").as("no stack trace, whenever during its start it learns it")
                .doesNotContain("Exception");
    }

    private static void addFlags(List<String> command, List<String> flags) {
        for (int i = 0; i < flags.size(); i += 2) {
            command.add("--server-flag=" + flags.get(i) + "=" + flags.get(i + 1));
        }
    }

    private String stateOf(String host, String id) {
        JsonNode member = member(host, id);
        return member == null ? null : member.path("state").asText();
    }

    private JsonNode member(String host, String id) {
        for (JsonNode member : cluster.clusterAt(host).path("members")) {
            if (member.path("id").asText().equals(id)) {
                return member;
            }
        }
        return null;
    }

    private static void write(String prefix, String host) {
        try (RingClient client = new RingClient(List.of(host), new RingClient.Options(5_000, 60_000, 1, false))) {
            for (int i = 0; i < KEYS; i++) {
                client.put((prefix + i).getBytes(StandardCharsets.UTF_8), ("v" + i).getBytes(StandardCharsets.UTF_8),
                        "QUORUM");
            }
        }
    }

    private static void readBack(String prefix, String host) {
        try (RingClient client = new RingClient(List.of(host), new RingClient.Options(5_000, 60_000, 1, false))) {
            for (int i = 0; i < KEYS; i++) {
                Optional<RingClient.Value> value = client.get((prefix + i).getBytes(StandardCharsets.UTF_8), "QUORUM");
                assertThat(value).as(prefix + i + " through " + host).isPresent();
                assertThat(new String(value.get().value(), StandardCharsets.UTF_8)).isEqualTo("v" + i);
            }
        }
    }
}
