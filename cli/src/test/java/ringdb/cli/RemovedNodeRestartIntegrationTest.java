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
 * A removal is final for real processes: a node stopped, removed with removenode, then started again
 * with its old data directory (same id, same records) is refused — its server exits with the status
 * documented for it and says why — and the cluster keeps it out: status shows it removed and QUORUM
 * writes and reads go on through the remaining nodes.
 */
@Timeout(300)
class RemovedNodeRestartIntegrationTest {
    private static final int KEYS = 100;
    private static final String HEAP = "256m";
    /** Server flags that make gossip and the ring delay short, as 'ringdb server' takes them. */
    private static final List<String> FAST_SERVER = List.of("--gossip-interval-ms", "200", "--ring-delay-ms", "1000");
    private static final Duration EXIT_WAIT = Duration.ofSeconds(120);

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
    void aRemovedNodeStartedAgainWithItsDataIsRefusedAndKeptOut() throws Exception {
        Path dir = Files.createTempDirectory("ringdb-removed-restart-it-");
        cluster = new ClusterHarness(dir);
        List<String> start = new ArrayList<>(List.of("cluster", "start", "--dir", dir.toString(), "--nodes", "3",
                "--rf", "2", "--internode-port", "0", "--http-port", "0", "--wait-seconds", "120", "--heap", HEAP));
        for (int i = 0; i < FAST_SERVER.size(); i += 2) {
            start.add("--server-flag=" + FAST_SERVER.get(i) + "=" + FAST_SERVER.get(i + 1));
        }
        ClusterHarness.Run up = ClusterHarness.cli(start.toArray(String[]::new));
        assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
        List<String> survivors = List.of(cluster.http(0), cluster.http(1));
        write("before-", survivors.get(0));

        LocalCluster.Member victim = cluster.members().get(2);
        ProcessHandle process = victim.process().orElseThrow();
        process.destroy(); // an orderly stop: it announces its shutdown
        assertThat(process.onExit().get(60, TimeUnit.SECONDS).isAlive()).isFalse();
        for (String host : survivors) {
            ClusterHarness.await(victim.internodeAddress() + " seen down by " + host, Duration.ofSeconds(60),
                    () -> !state(host, victim.internodeAddress()).path("up").asBoolean(true));
        }
        ClusterHarness.Run remove = ClusterHarness.cli("removenode", victim.internodeAddress(),
                "--host", survivors.get(0), "--timeout-ms", "120000");
        assertThat(remove.exitCode()).as(remove.out() + remove.err()).isZero();
        assertThat(remove.out()).contains("removed from the ring");
        for (String host : survivors) {
            ClusterHarness.await(host + " holding the removal", Duration.ofSeconds(60),
                    () -> state(host, victim.internodeAddress()).path("state").asText().equals("REMOVED"));
        }

        // Started again on its old data directory: it learns the removal from its seed and exits.
        Path firstErr = victim.directory().resolve("restart-1.err");
        Process restarted = restart(victim, firstErr);
        assertThat(restarted.waitFor(EXIT_WAIT.toSeconds(), TimeUnit.SECONDS))
                .as("the removed node exits within " + EXIT_WAIT.toSeconds() + " s").isTrue();
        assertThat(restarted.exitValue()).as(Files.readString(firstErr))
                .isEqualTo(ServerNode.REMOVED_EXIT_STATUS);
        assertThat(Files.readString(firstErr))
                .contains("this node was removed from the ring, exiting (status 72)")
                .contains(victim.internodeAddress() + " was removed from the ring (removenode)");

        // Its records now say REMOVED: a second start is refused the same way.
        Path secondErr = victim.directory().resolve("restart-2.err");
        Process again = restart(victim, secondErr);
        assertThat(again.waitFor(EXIT_WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(again.exitValue()).as(Files.readString(secondErr)).isEqualTo(ServerNode.REMOVED_EXIT_STATUS);
        assertThat(Files.readString(secondErr)).contains("this node was removed from the ring, exiting (status 72)");

        for (String host : survivors) {
            ClusterHarness.Run status = ClusterHarness.cli("status", "--host", host);
            assertThat(status.exitCode()).as(status.err()).isZero();
            List<String> lines = status.out().lines().filter(line -> line.contains(victim.internodeAddress()))
                    .toList();
            assertThat(lines).as(status.out()).hasSize(1);
            assertThat(lines.get(0)).as("the removed node as " + host + " sees it").startsWith("DR ");
            assertThat(state(host, victim.internodeAddress()).path("tokens")).as("its tokens, as " + host
                    + " sees them").isEmpty();
            assertThat(status.out().lines().filter(line -> line.startsWith("UN ")).count()).as(status.out())
                    .isEqualTo(2);
        }
        write("after-", survivors.get(1));
        for (String host : survivors) {
            readBack("before-", host);
            readBack("after-", host);
        }
    }

    private Process restart(LocalCluster.Member member, Path err) throws Exception {
        Process process = new ProcessBuilder(LocalCluster.serverCommand(member.directory(), HEAP, FAST_SERVER))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(member.directory().resolve(LocalCluster.LOG_FILE)
                        .toFile()))
                .redirectError(err.toFile()).start();
        started.add(process);
        return process;
    }

    private JsonNode state(String host, String id) {
        for (JsonNode member : cluster.clusterAt(host).path("members")) {
            if (member.path("id").asText().equals(id)) {
                return member;
            }
        }
        throw new AssertionError(host + " does not list " + id);
    }

    private static void write(String prefix, String host) {
        try (RingClient client = new RingClient(List.of(host), RingClient.Options.defaults())) {
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
