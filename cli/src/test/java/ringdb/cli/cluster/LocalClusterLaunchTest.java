package ringdb.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How node processes and the launcher script start the JVM. */
class LocalClusterLaunchTest {
    @Test
    void nodeProcessesExitOnOutOfMemory() {
        assertThat(LocalCluster.nodeJvmOptions("256m")).contains("-Xmx256m", "-XX:+ExitOnOutOfMemoryError");
    }

    @Test
    void moreJvmOptionsComeAfterTheDefaultsAndACollectorReplacesParallelGc() {
        assertThat(LocalCluster.nodeJvmOptions("256m", List.of("-Xmx512m", "-XX:StartFlightRecording")))
                .containsExactly("-Xmx256m", "-XX:+UseParallelGC", "-XX:+ExitOnOutOfMemoryError", "-Xmx512m",
                        "-XX:StartFlightRecording");
        assertThat(LocalCluster.nodeJvmOptions("256m", List.of("-XX:+UseG1GC")))
                .containsExactly("-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseG1GC");
    }

    @Test
    void theLauncherScriptExitsOnOutOfMemory() throws IOException {
        Path script = Path.of(System.getProperty("user.dir")).resolveSibling("ringdb");
        assertThat(Files.readString(script, StandardCharsets.UTF_8))
                .contains("exec java -XX:+ExitOnOutOfMemoryError ");
    }
}
