package ringdb.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ringdb.core.NodeId;
import ringdb.core.data.Limits;

class ServerConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsBindLoopbackOnTheStandardPortsWithDataUnderDotData() {
        ServerConfig config = ServerConfig.defaults();
        assertThat(config.internodeAddress()).hasToString("127.0.0.1:7000");
        assertThat(config.httpAddress()).hasToString("127.0.0.1:8080");
        assertThat(config.dataDirectory()).isEqualTo(Path.of("./data"));
        assertThat(config.nodeId()).isEqualTo(NodeId.of("127.0.0.1:7000"));
        assertThat(config.integer(ConfigKeys.REPLICATION_FACTOR)).isEqualTo(2);
        assertThat(config.text(ConfigKeys.COMMITLOG_SYNC)).isEqualTo("group");
    }

    @Test
    void fileValuesApplyAndFlagsOverrideThem() throws Exception {
        Path file = write("http_port: 9000\nseeds:\n  - 127.0.0.1:7001\n  - 127.0.0.1:7002\n"
                + "commitlog_sync: PERIODIC\n");
        ServerConfig config =
                ServerConfig.load(file, ConfigFlags.parse(List.of("--http-port", "9100", "--num-tokens=4")));
        assertThat(config.integer(ConfigKeys.HTTP_PORT)).isEqualTo(9100);
        assertThat(config.integer(ConfigKeys.NUM_TOKENS)).isEqualTo(4);
        assertThat(config.text(ConfigKeys.COMMITLOG_SYNC)).isEqualTo("periodic");
        assertThat(config.seeds()).containsExactly(NodeId.of("127.0.0.1:7001"), NodeId.of("127.0.0.1:7002"));
    }

    @Test
    void badValueIsRefusedWithTheKeyTheSourceAndTheReason() throws Exception {
        Path file = write("http_port: 70000\n");
        assertThatThrownBy(() -> ServerConfig.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'http_port'").hasMessageContaining(file.toString())
                .hasMessageContaining("between 1 and 65535, got 70000");
        assertThatThrownBy(() -> ServerConfig.load(null, ConfigFlags.parse(List.of("--replication-factor", "two"))))
                .hasMessageContaining("'replication_factor'").hasMessageContaining("flag --replication-factor")
                .hasMessageContaining("whole number, got 'two'");
        assertThatThrownBy(() -> ServerConfig.load(null, ConfigFlags.parse(List.of("--commitlog-sync", "sometimes"))))
                .hasMessageContaining("must be one of [group, periodic, batch], got 'sometimes'");
        assertThatThrownBy(() -> ServerConfig.load(null, ConfigFlags.parse(List.of("--seeds", "127.0.0.1"))))
                .hasMessageContaining("'seeds'").hasMessageContaining("expected host:port, got '127.0.0.1'");
    }

    @Test
    void thePartitionCacheSizeIsAutoByDefaultOrABoundedNumberFromTheFileOrAFlag() throws Exception {
        assertThat(ServerConfig.defaults().numberOrAuto(ConfigKeys.PARTITION_CACHE_SIZE_BYTES)).isEmpty();
        assertThat(ServerConfig.load(write("partition_cache_size_bytes: 268435456\n"), Map.of())
                .numberOrAuto(ConfigKeys.PARTITION_CACHE_SIZE_BYTES)).hasValue(268_435_456L);
        assertThat(ServerConfig.load(write("partition_cache_size_bytes: 0\n"),
                ConfigFlags.parse(List.of("--partition-cache-size-bytes", "AUTO")))
                .numberOrAuto(ConfigKeys.PARTITION_CACHE_SIZE_BYTES)).isEmpty();
        assertThat(ServerConfig.load(null, ConfigFlags.parse(List.of("--partition-cache-size-bytes", "0")))
                .numberOrAuto(ConfigKeys.PARTITION_CACHE_SIZE_BYTES)).hasValue(0L);
        assertThatThrownBy(() -> ServerConfig.load(null, ConfigFlags.parse(List.of("--partition-cache-size-bytes",
                "lots")))).hasMessageContaining("'partition_cache_size_bytes'")
                .hasMessageContaining("must be auto or a whole number, got 'lots'");
        assertThatThrownBy(() -> ServerConfig.load(write("partition_cache_size_bytes: -1\n"), Map.of()))
                .hasMessageContaining("'partition_cache_size_bytes'")
                .hasMessageContaining("must be auto or between 0 and 17179869184, got -1");
    }

    @Test
    void unknownKeysAndFlagsAreRefusedNotIgnored() throws Exception {
        Path file = write("htp_port: 8081\n");
        assertThatThrownBy(() -> ServerConfig.load(file, Map.of()))
                .hasMessageContaining("unknown configuration key 'htp_port'").hasMessageContaining("http_port");
        assertThatThrownBy(() -> ConfigFlags.parse(List.of("--no-such-thing", "1")))
                .hasMessageContaining("unknown flag --no-such-thing");
        assertThatThrownBy(() -> ConfigFlags.parse(List.of("--http-port")))
                .hasMessageContaining("flag --http-port needs a value");
    }

    @Test
    void malformedYamlAndMissingFileSayWhichFile() throws Exception {
        Path file = write("http_port: [unclosed\n");
        assertThatThrownBy(() -> ServerConfig.load(file, Map.of())).hasMessageContaining(file.toString())
                .hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> ServerConfig.load(dir.resolve("absent.yaml"), Map.of()))
                .hasMessageContaining("absent.yaml does not exist");
    }

    @Test
    void aWildcardListenAddressIsRefusedAndAWildcardHttpAddressIsAdvertisedAsTheListenAddress() {
        assertThatThrownBy(() -> ServerConfig.load(null, Map.of("listen_address", "0.0.0.0")))
                .hasMessageContaining("'listen_address' must be an address peers can reach");
        ServerConfig config = ServerConfig.load(null, Map.of("listen_address", "10.0.0.5", "http_address", "0.0.0.0"));
        assertThat(config.advertisedHttpAddress()).hasToString("10.0.0.5:8080");
        assertThat(config.httpAddress()).hasToString("0.0.0.0:8080");
    }

    @Test
    void sameInternodeAndHttpPortIsRefused() {
        assertThatThrownBy(() -> ServerConfig.load(null, Map.of("http_port", "7000")))
                .hasMessageContaining("'internode_port' and 'http_port' must differ");
    }

    @Test
    void shippedExampleConfigurationLoadsAndMatchesTheDefaults() {
        Path example = Path.of("..", "conf", "ringdb.yaml");
        ServerConfig config = ServerConfig.load(example, Map.of());
        ServerConfig defaults = ServerConfig.defaults();
        assertThat(config.asMap()).isEqualTo(defaults.asMap());
    }

    @Test
    void aValueLimitThatCouldNotBeReplicatedIsRefusedAtStartWithTheKeyAndTheReason() {
        String sixtyFourMib = String.valueOf(64 * 1024 * 1024);
        assertThatThrownBy(() -> ServerConfig.load(null, Map.of("max_value_size_bytes", sixtyFourMib)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'max_value_size_bytes'")
                .hasMessageContaining("between 1 and " + Limits.VALUE_SIZE_BYTES_CEILING + ", got 67108864")
                .hasMessageContaining("would not fit an internode frame of " + Limits.FRAME_SIZE_BYTES_MAX + " bytes");
        ServerConfig largest = ServerConfig.load(null,
                Map.of("max_value_size_bytes", String.valueOf(Limits.VALUE_SIZE_BYTES_CEILING)));
        assertThat(largest.integer(ConfigKeys.MAX_VALUE_SIZE_BYTES)).isEqualTo(Limits.VALUE_SIZE_BYTES_CEILING);
    }

    @Test
    void aSendQueueThatCannotHoldOneMaximalMutationIsRefusedAtStart() {
        assertThatThrownBy(() -> ServerConfig.load(null, Map.of("internode_send_queue_bytes_max", "1048576")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'internode_send_queue_bytes_max'")
                .hasMessageContaining("max_value_size_bytes 1048576")
                .hasMessageContaining("would be dropped");
        ServerConfig smallValues = ServerConfig.load(null,
                Map.of("internode_send_queue_bytes_max", "1048576", "max_value_size_bytes", "524288"));
        assertThat(smallValues.number(ConfigKeys.INTERNODE_SEND_QUEUE_BYTES_MAX)).isEqualTo(1_048_576L);
    }

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("ringdb.yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
