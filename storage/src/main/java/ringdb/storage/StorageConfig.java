package ringdb.storage;

import ringdb.core.data.Limits;
import ringdb.storage.sstable.SSTableFormat;

/**
 * Settings of one storage engine. Sizes are in bytes, durations in microseconds; 0 disables a
 * periodic task. {@link #defaults()} gives the documented defaults; the {@code with…} methods
 * return modified copies.
 *
 * @param syncMode                     when writes are acknowledged (default GROUP)
 * @param periodicSyncMicros           fsync interval in PERIODIC mode (default 10 ms)
 * @param memtableSizeBytesMax         flush once the memtable passes this (default 64 MiB)
 * @param commitLogSizeBytesMax        flush once the live commit log passes this (default 256 MiB)
 * @param commitLogSegmentSizeBytes    start a new segment past this (default 32 MiB)
 * @param flushPeriodMicros            flush at this interval, the seed's periodic snapshot (default 60 s)
 * @param gcGraceMicros                keep tombstones at least this long (default 10 days)
 * @param valueSizeBytesMax            largest value accepted (default 1 MiB, at most 64 MiB)
 * @param blockSizeBytes               target size of a table data block (default 4 KiB)
 * @param compactionThresholdMin       tables of similar size that trigger a compaction (default 4)
 * @param compactionThresholdMax       most tables merged in one compaction (default 32)
 * @param skipCorruptCommitLogRecords  replay skips (and counts) damaged records instead of stopping
 * @param verifyTablesOnOpen           check every data block checksum when opening (default true)
 * @param compactionThroughputBytesPerSecond  pace compactions' writing to this rate, shared by the
 *                                     engines of one disk (default 64 MiB/s, as Cassandra's
 *                                     compaction_throughput; 0 = unthrottled)
 */
public record StorageConfig(SyncMode syncMode, long periodicSyncMicros, long memtableSizeBytesMax,
                            long commitLogSizeBytesMax, long commitLogSegmentSizeBytes, long flushPeriodMicros,
                            long gcGraceMicros, int valueSizeBytesMax, int blockSizeBytes,
                            int compactionThresholdMin, int compactionThresholdMax,
                            boolean skipCorruptCommitLogRecords, boolean verifyTablesOnOpen,
                            long compactionThroughputBytesPerSecond) {

    public static final long MICROS_PER_SECOND = 1_000_000L;

    public StorageConfig {
        requirePositive(periodicSyncMicros, "periodicSyncMicros");
        requirePositive(memtableSizeBytesMax, "memtableSizeBytesMax");
        requirePositive(commitLogSizeBytesMax, "commitLogSizeBytesMax");
        requirePositive(commitLogSegmentSizeBytes, "commitLogSegmentSizeBytes");
        if (flushPeriodMicros < 0 || gcGraceMicros < 0) {
            throw new IllegalArgumentException("flushPeriodMicros and gcGraceMicros must not be negative");
        }
        if (valueSizeBytesMax <= 0 || valueSizeBytesMax > Limits.VALUE_SIZE_BYTES_CEILING) {
            throw new IllegalArgumentException("valueSizeBytesMax must be in 1.." + Limits.VALUE_SIZE_BYTES_CEILING
                    + ", was " + valueSizeBytesMax);
        }
        requirePositive(blockSizeBytes, "blockSizeBytes");
        if (compactionThresholdMin < 2 || compactionThresholdMax < compactionThresholdMin) {
            throw new IllegalArgumentException("compaction thresholds need 2 <= min <= max, were "
                    + compactionThresholdMin + " and " + compactionThresholdMax);
        }
        if (compactionThroughputBytesPerSecond < 0) {
            throw new IllegalArgumentException("compactionThroughputBytesPerSecond must not be negative, was "
                    + compactionThroughputBytesPerSecond);
        }
        if (syncMode == null) {
            throw new IllegalArgumentException("syncMode is required");
        }
    }

    private static void requirePositive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    public static StorageConfig defaults() {
        return new StorageConfig(SyncMode.GROUP, 10_000, 64L << 20, 256L << 20, 32L << 20, 60 * MICROS_PER_SECOND,
                10 * 24 * 3600 * MICROS_PER_SECOND, Limits.VALUE_SIZE_BYTES_DEFAULT,
                SSTableFormat.BLOCK_SIZE_BYTES_DEFAULT, 4, 32, false, true, 64L << 20);
    }

    public StorageConfig withSyncMode(SyncMode mode) {
        return new StorageConfig(mode, periodicSyncMicros, memtableSizeBytesMax, commitLogSizeBytesMax,
                commitLogSegmentSizeBytes, flushPeriodMicros, gcGraceMicros, valueSizeBytesMax, blockSizeBytes,
                compactionThresholdMin, compactionThresholdMax, skipCorruptCommitLogRecords, verifyTablesOnOpen,
                compactionThroughputBytesPerSecond);
    }

    public StorageConfig withPeriodicSyncMicros(long micros) {
        return new StorageConfig(syncMode, micros, memtableSizeBytesMax, commitLogSizeBytesMax,
                commitLogSegmentSizeBytes, flushPeriodMicros, gcGraceMicros, valueSizeBytesMax, blockSizeBytes,
                compactionThresholdMin, compactionThresholdMax, skipCorruptCommitLogRecords, verifyTablesOnOpen,
                compactionThroughputBytesPerSecond);
    }

    public StorageConfig withMemtableSizeBytesMax(long bytes) {
        return new StorageConfig(syncMode, periodicSyncMicros, bytes, commitLogSizeBytesMax,
                commitLogSegmentSizeBytes, flushPeriodMicros, gcGraceMicros, valueSizeBytesMax, blockSizeBytes,
                compactionThresholdMin, compactionThresholdMax, skipCorruptCommitLogRecords, verifyTablesOnOpen,
                compactionThroughputBytesPerSecond);
    }

    public StorageConfig withCommitLogSizes(long totalBytesMax, long segmentSizeBytes) {
        return new StorageConfig(syncMode, periodicSyncMicros, memtableSizeBytesMax, totalBytesMax,
                segmentSizeBytes, flushPeriodMicros, gcGraceMicros, valueSizeBytesMax, blockSizeBytes,
                compactionThresholdMin, compactionThresholdMax, skipCorruptCommitLogRecords, verifyTablesOnOpen,
                compactionThroughputBytesPerSecond);
    }

    public StorageConfig withFlushPeriodMicros(long micros) {
        return new StorageConfig(syncMode, periodicSyncMicros, memtableSizeBytesMax, commitLogSizeBytesMax,
                commitLogSegmentSizeBytes, micros, gcGraceMicros, valueSizeBytesMax, blockSizeBytes,
                compactionThresholdMin, compactionThresholdMax, skipCorruptCommitLogRecords, verifyTablesOnOpen,
                compactionThroughputBytesPerSecond);
    }

    public StorageConfig withGcGraceMicros(long micros) {
        return new StorageConfig(syncMode, periodicSyncMicros, memtableSizeBytesMax, commitLogSizeBytesMax,
                commitLogSegmentSizeBytes, flushPeriodMicros, micros, valueSizeBytesMax, blockSizeBytes,
                compactionThresholdMin, compactionThresholdMax, skipCorruptCommitLogRecords, verifyTablesOnOpen,
                compactionThroughputBytesPerSecond);
    }

    public StorageConfig withValueSizeBytesMax(int bytes) {
        return new StorageConfig(syncMode, periodicSyncMicros, memtableSizeBytesMax, commitLogSizeBytesMax,
                commitLogSegmentSizeBytes, flushPeriodMicros, gcGraceMicros, bytes, blockSizeBytes,
                compactionThresholdMin, compactionThresholdMax, skipCorruptCommitLogRecords, verifyTablesOnOpen,
                compactionThroughputBytesPerSecond);
    }

    public StorageConfig withCompactionThresholds(int min, int max) {
        return new StorageConfig(syncMode, periodicSyncMicros, memtableSizeBytesMax, commitLogSizeBytesMax,
                commitLogSegmentSizeBytes, flushPeriodMicros, gcGraceMicros, valueSizeBytesMax, blockSizeBytes,
                min, max, skipCorruptCommitLogRecords, verifyTablesOnOpen, compactionThroughputBytesPerSecond);
    }

    public StorageConfig withSkipCorruptCommitLogRecords(boolean skip) {
        return new StorageConfig(syncMode, periodicSyncMicros, memtableSizeBytesMax, commitLogSizeBytesMax,
                commitLogSegmentSizeBytes, flushPeriodMicros, gcGraceMicros, valueSizeBytesMax, blockSizeBytes,
                compactionThresholdMin, compactionThresholdMax, skip, verifyTablesOnOpen,
                compactionThroughputBytesPerSecond);
    }

    public StorageConfig withVerifyTablesOnOpen(boolean verify) {
        return new StorageConfig(syncMode, periodicSyncMicros, memtableSizeBytesMax, commitLogSizeBytesMax,
                commitLogSegmentSizeBytes, flushPeriodMicros, gcGraceMicros, valueSizeBytesMax, blockSizeBytes,
                compactionThresholdMin, compactionThresholdMax, skipCorruptCommitLogRecords, verify,
                compactionThroughputBytesPerSecond);
    }

    public StorageConfig withCompactionThroughputBytesPerSecond(long bytesPerSecond) {
        return new StorageConfig(syncMode, periodicSyncMicros, memtableSizeBytesMax, commitLogSizeBytesMax,
                commitLogSegmentSizeBytes, flushPeriodMicros, gcGraceMicros, valueSizeBytesMax, blockSizeBytes,
                compactionThresholdMin, compactionThresholdMax, skipCorruptCommitLogRecords, verifyTablesOnOpen,
                bytesPerSecond);
    }
}
