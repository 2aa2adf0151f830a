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

    private final StorageConfig storageConfig;
    private final FileDisk disk;

    public FileStores(ServerConfig config) {
        this.storageConfig = storageConfig(config);
        long windowMicros = storageConfig.syncMode() == SyncMode.GROUP
                ? config.number(ConfigKeys.COMMITLOG_SYNC_GROUP_WINDOW_MICROS) : 0;
        this.disk = new FileDisk(windowMicros, System::nanoTime); // the clock paces compactions
    }

    static StorageConfig storageConfig(ServerConfig config) {
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
                .partitionCacheSizeBytes(config.number(ConfigKeys.PARTITION_CACHE_SIZE_BYTES))
                .partitioner(ServerNode.partitioner(config)).build();
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
