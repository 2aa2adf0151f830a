package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
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

/**
 * A removal whose coordinator crashes is resumed by running removenode again, on real processes: 4 nodes
 * (RF 2), node4 dies; node3 is frozen (SIGSTOP, a partition) so the removal of node4 that node1 starts
 * waits at its progress barrier; node1 is killed there. The dead node stays REMOVING in the ring; once
 * node3 is thawed and node1 started again on its data, removenode run again on node1 finishes the
 * removal, and every QUORUM write made before reads back at QUORUM through the survivors.
 */
@Timeout(420)
class RemoveNodeResumeIntegrationTest {
    private static final int KEYS = 100;
    private static final String HEAP = "256m";
    /** Server flags that make gossip and the ring delay short, as 'ringdb server' takes them. */
    private static final List<String> FAST_SERVER = List.of("--gossip-interval-ms", "200", "--ring-delay-ms", "1000");

    private ClusterHarness cluster;
    private ProcessHandle frozen;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        if (frozen != null) {
            signal(frozen, "CONT");
        }
        started.forEach(Process::destroyForcibly);
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aRemovalWhoseCoordinatorCrashedFinishesWhenRunAgain() throws Exception {
        Path dir = Files.createTempDirectory("ringdb-removenode-resume-it-");
        cluster = new ClusterHarness(dir);
        List<String> start = new ArrayList<>(List.of("cluster", "start", "--dir", dir.toString(), "--nodes", "4",
                "--rf", "2", "--internode-port", "0", "--http-port", "0", "--wait-seconds", "180", "--heap", HEAP));
        for (int i = 0; i < FAST_SERVER.size(); i += 2) {
            start.add("--server-flag=" + FAST_SERVER.get(i) + "=" + FAST_SERVER.get(i + 1));
        }
        ClusterHarness.Run up = ClusterHarness.cli(start.toArray(String[]::new));
        assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
        List<LocalCluster.Member> members = cluster.members();
        LocalCluster.Member coordinator = members.get(0);
        String witness = members.get(1).httpAddress();
        String witnessId = members.get(1).internodeAddress();
        LocalCluster.Member partitioned = members.get(2);
        LocalCluster.Member dead = members.get(3);
        write(coordinator.httpAddress());

        dead.process().orElseThrow().destroyForcibly();
        assertThat(dead.process().get().onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
        frozen = partitioned.process().orElseThrow();
        signal(frozen, "STOP");
        for (LocalCluster.Member down : List.of(dead, partitioned)) {
            ClusterHarness.await(down.internodeAddress() + " seen down", Duration.ofSeconds(60),
                    () -> !member(coordinator.httpAddress(), down.internodeAddress()).path("up").asBoolean(true));
        }

        ClusterHarness.Run removal = ClusterHarness.cli("removenode", dead.internodeAddress(), "--host",
                coordinator.httpAddress(), "--no-wait");
        assertThat(removal.exitCode()).as(removal.out() + removal.err()).isZero();
        ClusterHarness.await("the removal announced", Duration.ofSeconds(60),
                () -> member(witness, dead.internodeAddress()).path("state").asText().equals("REMOVING"));
        ProcessHandle coordinatorProcess = coordinator.process().orElseThrow();
        coordinatorProcess.destroyForcibly(); // crashes while its removal waits at a barrier
        assertThat(coordinatorProcess.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
        assertThat(member(witness, dead.internodeAddress()).path("state").asText())
                .as("the removal neither finished nor went away with its coordinator").isEqualTo("REMOVING");

        signal(frozen, "CONT");
        frozen = null;
        Process restarted = new ProcessBuilder(LocalCluster.serverCommand(coordinator.directory(), HEAP, FAST_SERVER))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(coordinator.directory()
                        .resolve(LocalCluster.LOG_FILE).toFile())).start();
        started.add(restarted);
        ClusterHarness.await("the coordinator back up and seen up", Duration.ofSeconds(120),
                () -> member(witness, coordinator.internodeAddress()).path("up").asBoolean()
                        && member(witness, partitioned.internodeAddress()).path("up").asBoolean()
                        && member(coordinator.httpAddress(), witnessId).path("up").asBoolean());

        ClusterHarness.Run again = ClusterHarness.cli("removenode", dead.internodeAddress(), "--host",
                coordinator.httpAddress(), "--timeout-ms", "120000");
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("removed from the ring");
        for (String host : List.of(coordinator.httpAddress(), witness, partitioned.httpAddress())) {
            ClusterHarness.await(host + " holding the removal", Duration.ofSeconds(60),
                    () -> member(host, dead.internodeAddress()).path("state").asText().equals("REMOVED"));
            readBack(host);
        }
    }

    private JsonNode member(String host, String id) {
        for (JsonNode member : cluster.clusterAt(host).path("members")) {
            if (member.path("id").asText().equals(id)) {
                return member;
            }
        }
        throw new AssertionError(host + " does not list " + id);
    }

    private static void write(String host) {
        try (RingClient client = new RingClient(List.of(host), RingClient.Options.defaults())) {
            for (int i = 0; i < KEYS; i++) {
                client.put(("resume-" + i).getBytes(StandardCharsets.UTF_8), ("v" + i).getBytes(StandardCharsets.UTF_8),
                        "QUORUM");
            }
        }
    }

    private static void readBack(String host) {
        try (RingClient client = new RingClient(List.of(host), new RingClient.Options(5_000, 60_000, 1, false))) {
            for (int i = 0; i < KEYS; i++) {
                Optional<RingClient.Value> value = client.get(("resume-" + i).getBytes(StandardCharsets.UTF_8),
                        "QUORUM");
                assertThat(value).as("resume-" + i + " through " + host).isPresent();
                assertThat(new String(value.get().value(), StandardCharsets.UTF_8)).isEqualTo("v" + i);
            }
        }
    }

    private static void signal(ProcessHandle process, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -" + signal + " " + process.pid()).isZero();
    }
}
