package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
        cluster.start(3, 120);
        List<String> survivors = List.of(cluster.http(0), cluster.http(1));
        ClusterHarness.writeAtQuorum(survivors.get(0), "before-", KEYS);

        LocalCluster.Member victim = cluster.members().get(2);
        ProcessHandle process = victim.process().orElseThrow();
        process.destroy(); // an orderly stop: it announces its shutdown
        assertThat(process.onExit().get(60, TimeUnit.SECONDS).isAlive()).isFalse();
        for (String host : survivors) {
            ClusterHarness.await(victim.internodeAddress() + " seen down by " + host, Duration.ofSeconds(60),
                    () -> !cluster.member(host, victim.internodeAddress()).path("up").asBoolean(true));
        }
        ClusterHarness.Run remove = ClusterHarness.cli("removenode", victim.internodeAddress(),
                "--host", survivors.get(0), "--timeout-ms", "120000");
        assertThat(remove.exitCode()).as(remove.out() + remove.err()).isZero();
        assertThat(remove.out()).contains("removed from the ring");
        for (String host : survivors) {
            ClusterHarness.await(host + " holding the removal", Duration.ofSeconds(60),
                    () -> cluster.member(host, victim.internodeAddress()).path("state").asText().equals("REMOVED"));
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
            assertThat(cluster.member(host, victim.internodeAddress()).path("tokens")).as("its tokens, as " + host
                    + " sees them").isEmpty();
            assertThat(status.out().lines().filter(line -> line.startsWith("UN ")).count()).as(status.out())
                    .isEqualTo(2);
        }
        ClusterHarness.writeAtQuorum(survivors.get(1), "after-", KEYS);
        for (String host : survivors) {
            ClusterHarness.readBackAtQuorum(host, "before-", KEYS);
            ClusterHarness.readBackAtQuorum(host, "after-", KEYS);
        }
    }

    private Process restart(LocalCluster.Member member, Path err) throws Exception {
        Process process = ClusterHarness.restart(member, err);
        started.add(process);
        return process;
    }
}
