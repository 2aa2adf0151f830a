package ringdb.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import ringdb.core.data.Limits;
import ringdb.server.config.ServerConfig;
import ringdb.storage.StorageConfig;
import ringdb.storage.SyncMode;

/** The node's storage settings come from its configuration keys. */
class FileStoresTest {
    @Test
    void defaultsAreTheStorageEnginesExceptWhereTheServerDecides() {
        StorageConfig config = FileStores.storageConfig(ServerConfig.defaults());
        assertThat(config.syncMode()).isEqualTo(SyncMode.GROUP);
        assertThat(config.compactionThroughputBytesPerSecond()).isEqualTo(64L << 20);
        assertThat(config.skipCorruptCommitLogRecords()).isFalse();
    }

    @Test
    void theLargestAllowedValueLimitGivesAValidNodeAndStorageConfigurationAndAHintsStoreThatHoldsItsHints() {
        ServerConfig server = ServerConfig.load(null, Map.of(
                "max_value_size_bytes", String.valueOf(Limits.VALUE_SIZE_BYTES_CEILING)));
        assertThat(ServerNode.nodeConfig(server).valueSizeBytesMax()).isEqualTo(Limits.VALUE_SIZE_BYTES_CEILING);
        StorageConfig data = FileStores.storageConfig(server);
        assertThat(data.valueSizeBytesMax()).isEqualTo(Limits.VALUE_SIZE_BYTES_CEILING);
        assertThat(data.forHints().valueSizeBytesMax())
                .isEqualTo(Limits.HINT_HEADER_BYTES + Limits.STORAGE_KEY_BYTES_MAX + Limits.VALUE_SIZE_BYTES_CEILING);
    }

    @Test
    void compactionThroughputAndSkippingCorruptRecordsAreConfigurable() {
        ServerConfig server = ServerConfig.load(null, Map.of(
                "compaction_throughput_bytes_per_second", "0",
                "skip_corrupt_commit_log_records", "true",
                "commitlog_sync", "periodic"));
        StorageConfig config = FileStores.storageConfig(server);
        assertThat(config.compactionThroughputBytesPerSecond()).isZero();
        assertThat(config.skipCorruptCommitLogRecords()).isTrue();
        assertThat(config.syncMode()).isEqualTo(SyncMode.PERIODIC);
    }

    @Test
    void anAutoPartitionCacheTakesAnEighthOfTheMaximumHeapUpTo1GiBAndANumberIsTakenAsItIs() {
        long gib = 1L << 30;
        assertThat(FileStores.storageConfig(ServerConfig.defaults(), gib).partitionCacheSizeBytes())
                .isEqualTo(128L << 20);
        assertThat(FileStores.storageConfig(ServerConfig.defaults(), 128L << 20).partitionCacheSizeBytes())
                .isEqualTo(16L << 20);
        assertThat(FileStores.storageConfig(ServerConfig.defaults(), 8 * gib).partitionCacheSizeBytes())
                .isEqualTo(gib);
        // a large heap is not an eighth given to the cache: 31 GiB would be almost 4 GiB of it
        assertThat(FileStores.storageConfig(ServerConfig.defaults(), 31 * gib).partitionCacheSizeBytes())
                .isEqualTo(gib);
        assertThat(FileStores.storageConfig(ServerConfig.defaults(), 64 * gib).partitionCacheSizeBytes())
                .isEqualTo(gib);
        ServerConfig large = ServerConfig.load(null, Map.of("partition_cache_size_bytes", Long.toString(4 * gib)));
        assertThat(FileStores.storageConfig(large, 31 * gib).partitionCacheSizeBytes()).as("a number is not capped")
                .isEqualTo(4 * gib);
        ServerConfig fixed = ServerConfig.load(null, Map.of("partition_cache_size_bytes", "268435456"));
        assertThat(FileStores.storageConfig(fixed, gib).partitionCacheSizeBytes()).isEqualTo(256L << 20);
        ServerConfig off = ServerConfig.load(null, Map.of("partition_cache_size_bytes", "0"));
        assertThat(FileStores.storageConfig(off, gib).partitionCacheSizeBytes()).isZero();
        assertThat(FileStores.storageConfig(off, gib).forHints().partitionCacheSizeBytes()).isZero();
    }

    @Test
    void theNodesStoresTellThePartitionCacheSizeTheirDataStoreGets() {
        ServerConfig fixed = ServerConfig.load(null, Map.of("partition_cache_size_bytes", "1000000"));
        try (FileStores stores = new FileStores(fixed)) {
            assertThat(stores.partitionCacheSizeBytes()).isEqualTo(1_000_000L);
        }
        try (FileStores stores = new FileStores(ServerConfig.defaults())) {
            assertThat(stores.partitionCacheSizeBytes())
                    .isEqualTo(Math.min(Runtime.getRuntime().maxMemory() / 8, 1L << 30));
        }
    }
}
