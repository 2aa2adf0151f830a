package ringdb.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** How node processes and the launcher script start the JVM. */
class LocalClusterLaunchTest {
    @Test
    void nodeProcessesExitOnOutOfMemory() {
        assertThat(LocalCluster.nodeJvmOptions("256m")).contains("-Xmx256m", "-XX:+ExitOnOutOfMemoryError");
    }

    @Test
    void theLauncherScriptExitsOnOutOfMemory() throws IOException {
        Path script = Path.of(System.getProperty("user.dir")).resolveSibling("ringdb");
        assertThat(Files.readString(script, StandardCharsets.UTF_8))
                .contains("exec java -XX:+ExitOnOutOfMemoryError ");
    }
}
