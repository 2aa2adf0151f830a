package ringdb.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static ringdb.server.testing.Waits.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.core.ring.Partitioner;
import ringdb.server.config.ConfigException;
import ringdb.server.config.ServerConfig;
import ringdb.server.net.FreePorts;
import ringdb.server.testing.OneNode;

/**
 * The partitioner setting on real nodes: a node refuses a peer using another partitioner at the
 * internode handshake, a data directory keeps the partitioner it was written with, and a bad value
 * is refused naming the accepted ones.
 */
@Timeout(120)
class PartitionerSettingTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private ServerConfig config(String name, int internode, int seed, String partitioner) throws IOException {
        Map<String, String> settings = OneNode.settings(dir.resolve(name), internode);
        settings.put("native_transport_port", "0");
        settings.put("seeds", "127.0.0.1:" + seed);
        settings.put("partitioner", partitioner);
        return ServerConfig.load(null, settings);
    }

    private static ServerNode start(ServerConfig config) {
        return ServerNode.start(config, new FileStores(config), null);
    }

    @Test
    void aNodeOfAnotherPartitionerIsRefusedAtTheHandshake() throws Exception {
        int seed = FreePorts.loopback();
        ServerConfig murmur3 = config("a", seed, seed, "murmur3");
        ServerConfig sha1 = config("b", FreePorts.loopback(), seed, "sha1");
        try (ServerNode a = start(murmur3); ServerNode b = start(sha1)) {
            assertThat(a.node().config().partitioner()).isEqualTo(Partitioner.MURMUR3);
            await(WAIT, "the murmur3 node refuses the sha1 node's handshake",
                    () -> a.transportStats().handshakesRefused.sum() > 0);
            assertThat(a.nodeThread().call(() -> a.node().status().peers()).join()).isEmpty();
            assertThat(b.nodeThread().call(() -> b.node().status().peers()).join()).isEmpty();
        }
    }

    @Test
    void aDataDirectoryKeepsThePartitionerItWasWrittenWith() throws Exception {
        int port = FreePorts.loopback();
        try (ServerNode node = start(config("n", port, port, "murmur3"))) {
            assertThat(node.node().config().partitioner()).isEqualTo(Partitioner.MURMUR3);
        }
        assertThat(Files.readString(dir.resolve("n").resolve(PartitionerRecord.FILE_NAME)).trim()).isEqualTo("murmur3");
        ServerConfig sha1 = config("n", port, port, "sha1");
        assertThatThrownBy(() -> start(sha1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("placed by the murmur3 partitioner")
                .hasMessageContaining("configured with partitioner: sha1");
        try (ServerNode again = start(config("n", port, port, "murmur3"))) {
            assertThat(again.node().config().partitioner()).isEqualTo(Partitioner.MURMUR3);
        }
    }

    @Test
    void aDataDirectoryFromBeforeTheSettingHoldsSha1Data() throws Exception {
        Path old = dir.resolve("old");
        Files.createDirectories(old.resolve("data"));
        Files.writeString(old.resolve("data").resolve("commitlog-placeholder"), "x");
        assertThatThrownBy(() -> PartitionerRecord.check(old, Partitioner.MURMUR3))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("placed by the sha1 partitioner");
        PartitionerRecord.check(old, Partitioner.SHA1);
        assertThat(Files.readString(old.resolve(PartitionerRecord.FILE_NAME)).trim()).isEqualTo("sha1");
    }

    @Test
    void anUnknownPartitionerIsRefusedNamingTheAcceptedOnes() {
        assertThatThrownBy(() -> config("x", 7000, 7000, "random")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("partitioner").hasMessageContaining("murmur3");
    }
}
