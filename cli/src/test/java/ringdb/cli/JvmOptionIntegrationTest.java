package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.cli.cluster.LocalCluster;

/** {@code ringdb cluster start --jvm-option}: the options reach every node's JVM, and a wrong one is refused. */
@Timeout(180)
class JvmOptionIntegrationTest {
    @TempDir
    Path dir;

    @Test
    void jvmOptionsReachTheNodeProcessAndAChosenCollectorReplacesTheDefault() throws IOException {
        try (ClusterHarness cluster = new ClusterHarness(dir)) {
            ClusterHarness.Run started = ClusterHarness.cli("cluster", "start", "--dir", dir.toString(), "--nodes",
                    "1", "--rf", "1", "--internode-port", "0", "--http-port", "0", "--wait-seconds", "90", "--heap",
                    ClusterHarness.HEAP, "--jvm-option=-XX:+UseSerialGC", "--jvm-option", "-Dringdb.test.marker=on");
            // two collectors would make the JVM refuse to start: the node is up only if ParallelGC was left out
            assertThat(started.exitCode()).as(started.out() + started.err()).isZero();
            LocalCluster.Member node = cluster.members().get(0);
            // the process's own command line, as Linux keeps it (ProcessHandle.Info may not carry a long one)
            List<String> arguments = List.of(Files.readString(Path.of("/proc", Long.toString(node.process()
                    .orElseThrow().pid()), "cmdline"), StandardCharsets.UTF_8).split("\0"));
            assertThat(arguments).contains("-XX:+UseSerialGC", "-Dringdb.test.marker=on", "-Xmx" + ClusterHarness.HEAP)
                    .doesNotContain("-XX:+UseParallelGC");
            assertThat(ClusterHarness.cli("status", "--host", node.httpAddress()).exitCode()).isZero();
        }
    }

    @Test
    void anOptionThatIsNotAJvmOptionIsRefusedBeforeAnythingStarts() {
        ClusterHarness.Run refused = ClusterHarness.cli("cluster", "start", "--dir", dir.toString(), "--nodes", "1",
                "--internode-port", "0", "--http-port", "0", "--jvm-option=UseG1GC");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("--jvm-option").contains("'UseG1GC'");
        assertThat(dir.resolve("node1")).doesNotExist();
    }
}
