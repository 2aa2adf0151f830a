package ringdb.server.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ringdb.core.Clock;
import ringdb.core.Timers;
import ringdb.core.store.LocalStore;
import ringdb.server.config.ConfigKeys;
import ringdb.server.config.ServerConfig;
import ringdb.storage.StorageConfig;
import ringdb.storage.StorageEngine;
import ringdb.storage.SyncMode;
import ringdb.storage.disk.file.FileDisk;
import ringdb.storage.rows.TombstoneKinds;

/**
 * Storage engines on the real file system. One {@link FileDisk} per node, so the data and hints
 * engines share its sync thread and the group-commit window: concurrent writes wait together for
 * one fsync and their completions come back as events on the node's thread.
 */
public final class FileStores implements StoreFactory {
    private static final Logger log = LoggerFactory.getLogger(FileStores.class);
    /**
     * The share of the maximum heap an {@code auto} partition cache takes: an eighth. With YCSB's rows of
     * 10 x 100 bytes (about 1.4 KB each in the cache), 128 MiB of a 1 GiB node holds the 67k rows a node of 3
     * with RF 2 keeps, and its collections paused no longer than with the former fixed 64 MiB; a 128 MiB node
     * keeps 16 MiB, leaving its heap to the memtable (64 MiB by default) under writes, where a fixed 64 MiB
     * was half of it.
     */
    static final int PARTITION_CACHE_HEAP_SHARE = 8;
    /**
     * The most an {@code auto} partition cache takes: 1 GiB, reached with an 8 GiB heap. It holds about
     * 720,000 of those rows, the hot set of most nodes; a larger heap is usually given for more requests
     * in flight and larger memtables, not a larger cache, and each extra GiB of long-lived cache is more
     * for every old-generation collection to mark and, in a full collection, to move. A larger cache is a
     * number in {@code partition_cache_size_bytes}.
     */
    static final long PARTITION_CACHE_AUTO_BYTES_MAX = 1L << 30;

    private final StorageConfig storageConfig;
    private final FileDisk disk;

    public FileStores(ServerConfig config) {
        this.storageConfig = storageConfig(config);
        log.info("partition cache: {} bytes{}", storageConfig.partitionCacheSizeBytes(),
                config.numberOrAuto(ConfigKeys.PARTITION_CACHE_SIZE_BYTES).isPresent() ? ""
                        : " (auto: 1/" + PARTITION_CACHE_HEAP_SHARE + " of the maximum heap, "
                        + Runtime.getRuntime().maxMemory() + " bytes, at most "
                        + PARTITION_CACHE_AUTO_BYTES_MAX + ")");
        boolean group = storageConfig.syncMode() == SyncMode.GROUP;
        long windowMicros = group ? config.number(ConfigKeys.COMMITLOG_SYNC_GROUP_WINDOW_MICROS) : 0;
        long busyWindowMicros = group ? config.number(ConfigKeys.COMMITLOG_SYNC_GROUP_BUSY_WINDOW_MICROS) : 0;
        this.disk = new FileDisk(windowMicros, busyWindowMicros, System::nanoTime); // the clock paces compactions
    }

    static StorageConfig storageConfig(ServerConfig config) {
        return storageConfig(config, Runtime.getRuntime().maxMemory());
    }

    /**
     * The storage settings {@code config} gives a node whose maximum heap is {@code maxHeapBytes} (the
     * partition cache's size follows it when {@code auto}).
     */
    static StorageConfig storageConfig(ServerConfig config, long maxHeapBytes) {
        long segmentSizeBytes = config.number(ConfigKeys.COMMITLOG_SEGMENT_SIZE_BYTES);
        long commitLogSizeBytesMax = Math.max(StorageConfig.defaults().commitLogSizeBytesMax(), 4 * segmentSizeBytes);
        return StorageConfig.builder()
                .syncMode(SyncMode.valueOf(config.text(ConfigKeys.COMMITLOG_SYNC).toUpperCase(Locale.ROOT)))
                .periodicSyncMicros(TimeUnit.MILLISECONDS.toMicros(config.number(ConfigKeys.COMMITLOG_SYNC_PERIOD_MS)))
                .memtableSizeBytesMax(config.number(ConfigKeys.MEMTABLE_FLUSH_THRESHOLD_BYTES))
                .commitLogSizes(commitLogSizeBytesMax, segmentSizeBytes)
                .flushPeriodMicros(TimeUnit.MILLISECONDS.toMicros(config.number(ConfigKeys.FLUSH_PERIOD_MS)))
                .compactionThroughputBytesPerSecond(config.number(ConfigKeys.COMPACTION_THROUGHPUT_BYTES_PER_SECOND))
                .skipCorruptCommitLogRecords(config.bool(ConfigKeys.SKIP_CORRUPT_COMMIT_LOG_RECORDS))
                .valueSizeBytesMax(config.integer(ConfigKeys.MAX_VALUE_SIZE_BYTES))
                .partitionCacheSizeBytes(partitionCacheSizeBytes(config, maxHeapBytes))
                .partitioner(ServerNode.partitioner(config)).build();
    }

    /**
     * The partition cache's size: as configured, or with {@code auto} a share of {@code maxHeapBytes}, at
     * most {@link #PARTITION_CACHE_AUTO_BYTES_MAX}.
     */
    static long partitionCacheSizeBytes(ServerConfig config, long maxHeapBytes) {
        return config.numberOrAuto(ConfigKeys.PARTITION_CACHE_SIZE_BYTES)
                .orElse(Math.min(maxHeapBytes / PARTITION_CACHE_HEAP_SHARE, PARTITION_CACHE_AUTO_BYTES_MAX));
    }

    @Override
    public long partitionCacheSizeBytes() {
        return storageConfig.partitionCacheSizeBytes();
    }

    @Override
    public LocalStore open(Path directory, Clock clock, Timers timers) {
        return open(directory, storageConfig, clock, timers);
    }

    @Override
    public LocalStore open(Path directory, Clock clock, Timers timers, TombstoneKinds kinds) {
        return open(directory, storageConfig.toBuilder().tombstoneKinds(kinds).build(), clock, timers);
    }

    @Override
    public LocalStore openHints(Path directory, Clock clock, Timers timers) {
        return open(directory, storageConfig.forHints(), clock, timers);
    }

    private LocalStore open(Path directory, StorageConfig config, Clock clock, Timers timers) {
        try {
            StorageEngine engine = StorageEngine.open(disk, directory.toString(), config, clock, timers);
            log.info("storage {}: {}", directory, engine.recoveryReport().summary());
            return engine;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot open storage in " + directory.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        disk.close();
    }
}
