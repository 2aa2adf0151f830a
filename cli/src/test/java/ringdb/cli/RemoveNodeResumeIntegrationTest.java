package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import ringdb.cli.cluster.LocalCluster;

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
        cluster.start(4, 180);
        List<LocalCluster.Member> members = cluster.members();
        LocalCluster.Member coordinator = members.get(0);
        String witness = members.get(1).httpAddress();
        String witnessId = members.get(1).internodeAddress();
        LocalCluster.Member partitioned = members.get(2);
        LocalCluster.Member dead = members.get(3);
        ClusterHarness.writeAtQuorum(coordinator.httpAddress(), "resume-", KEYS);

        dead.process().orElseThrow().destroyForcibly();
        assertThat(dead.process().get().onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
        frozen = partitioned.process().orElseThrow();
        signal(frozen, "STOP");
        for (LocalCluster.Member down : List.of(dead, partitioned)) {
            ClusterHarness.await(down.internodeAddress() + " seen down", Duration.ofSeconds(60),
                    () -> !cluster.member(coordinator.httpAddress(), down.internodeAddress()).path("up")
                            .asBoolean(true));
        }

        ClusterHarness.Run removal = ClusterHarness.cli("removenode", dead.internodeAddress(), "--host",
                coordinator.httpAddress(), "--no-wait");
        assertThat(removal.exitCode()).as(removal.out() + removal.err()).isZero();
        ClusterHarness.await("the removal announced", Duration.ofSeconds(60),
                () -> cluster.member(witness, dead.internodeAddress()).path("state").asText().equals("REMOVING"));
        ProcessHandle coordinatorProcess = coordinator.process().orElseThrow();
        coordinatorProcess.destroyForcibly(); // crashes while its removal waits at a barrier
        assertThat(coordinatorProcess.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
        assertThat(cluster.member(witness, dead.internodeAddress()).path("state").asText())
                .as("the removal neither finished nor went away with its coordinator").isEqualTo("REMOVING");

        signal(frozen, "CONT");
        frozen = null;
        Process restarted = ClusterHarness.restart(coordinator, null);
        started.add(restarted);
        ClusterHarness.await("the coordinator back up and seen up", Duration.ofSeconds(120),
                () -> cluster.member(witness, coordinator.internodeAddress()).path("up").asBoolean()
                        && cluster.member(witness, partitioned.internodeAddress()).path("up").asBoolean()
                        && cluster.member(coordinator.httpAddress(), witnessId).path("up").asBoolean());

        ClusterHarness.Run again = ClusterHarness.cli("removenode", dead.internodeAddress(), "--host",
                coordinator.httpAddress(), "--timeout-ms", "120000");
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("removed from the ring");
        for (String host : List.of(coordinator.httpAddress(), witness, partitioned.httpAddress())) {
            ClusterHarness.await(host + " holding the removal", Duration.ofSeconds(60),
                    () -> cluster.member(host, dead.internodeAddress()).path("state").asText().equals("REMOVED"));
            ClusterHarness.readBackAtQuorum(host, "resume-", KEYS);
        }
    }

    private static void signal(ProcessHandle process, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -" + signal + " " + process.pid()).isZero();
    }
}
