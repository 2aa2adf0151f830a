package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code ringdb bench bootstrap}: refuses bad settings before starting anything; a tiny run measures a real join. */
class BenchBootstrapCommandTest {

    @Test
    void refusesSettingsThatCannotRunBeforeStartingAnyNode() {
        ClusterHarness.Run replication = ClusterHarness.cli("bench", "bootstrap", "--nodes", "3", "--rf", "4");
        assertThat(replication.exitCode()).isEqualTo(2);
        assertThat(replication.err()).contains("--rf must be between 1 and --nodes (3), got 4");
        assertThat(replication.out()).doesNotContain("started node");

        ClusterHarness.Run data = ClusterHarness.cli("bench", "bootstrap", "--data-mib", "0");
        assertThat(data.exitCode()).isEqualTo(2);
        assertThat(data.err()).contains("--data-mib must be between 1 and");

        ClusterHarness.Run level = ClusterHarness.cli("bench", "bootstrap", "--write-cl", "SOME");
        assertThat(level.exitCode()).isEqualTo(2);
        assertThat(level.err()).contains("SOME");
    }

    @Test
    @Timeout(120)
    void tinyRunJoinsANodeThatServesTheKeysItStreamedAndCleansUp() throws Exception {
        Path parent = Files.createTempDirectory("ringdb-bootbench-test-");
        Path dir = parent.resolve("cluster");
        ClusterHarness.Run run = ClusterHarness.cli("bench", "bootstrap", "--nodes", "2", "--data-mib", "1",
                "--threads", "8", "--heap", "256m", "--ring-delay-ms", "1000", "--server-flag=--gossip-interval-ms=200",
                "--settle-seconds", "0", "--verify-keys", "300", "--dir", dir.toString());
        try {
            assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
            assertThat(run.out()).contains("1,024 keys x 1024 B")
                    .contains("verify:     300 keys read at QUORUM through the new node: 0 missing, 0 wrong")
                    .containsPattern("streamed: +[0-9.]+ MB \\([0-9.]+ MiB\\), [1-9][0-9,]* entries")
                    .contains("2 -> 3 nodes").contains("stopped node3");
            assertThat(dir).doesNotExist();
        } finally {
            new ClusterHarness(dir).close();
            Files.deleteIfExists(parent);
        }
    }
}
