package ringdb.storage;

import ringdb.core.data.Limits;
import ringdb.core.ring.Partitioner;
import ringdb.storage.rows.TombstoneKinds;
import ringdb.storage.sstable.SSTableFormat;

/**
 * Settings of one storage engine. Sizes are in bytes, durations in microseconds; 0 disables a
 * periodic task. Built with {@link #builder()} (every setting starts at its default) or changed
 * with {@link #toBuilder()}; each setting's default and meaning are written once, on the
 * {@link Builder}'s field.
 */
public record StorageConfig(SyncMode syncMode, long periodicSyncMicros, long memtableSizeBytesMax,
                            long commitLogSizeBytesMax, long commitLogSegmentSizeBytes, long flushPeriodMicros,
                            long gcGraceMicros, int valueSizeBytesMax, int blockSizeBytes,
                            int compactionThresholdMin, int compactionThresholdMax,
                            boolean skipCorruptCommitLogRecords, boolean verifyTablesOnOpen,
                            long compactionThroughputBytesPerSecond, Partitioner partitioner,
                            TombstoneKinds tombstoneKinds, long partitionCacheSizeBytes) {

    public static final long MICROS_PER_SECOND = 1_000_000L;
    /**
     * The partition cache's default size: 64 MiB, fixed, so an engine's behaviour does not depend on the
     * heap of the JVM it runs in (a node's {@code partition_cache_size_bytes: auto} sizes it to its heap).
     */
    public static final long PARTITION_CACHE_SIZE_BYTES_DEFAULT = 64L << 20;

    public StorageConfig {
        requirePositive(periodicSyncMicros, "periodicSyncMicros");
        requirePositive(memtableSizeBytesMax, "memtableSizeBytesMax");
        requirePositive(commitLogSizeBytesMax, "commitLogSizeBytesMax");
        requirePositive(commitLogSegmentSizeBytes, "commitLogSegmentSizeBytes");
        if (flushPeriodMicros < 0 || gcGraceMicros < 0) {
            throw new IllegalArgumentException("flushPeriodMicros and gcGraceMicros must not be negative");
        }
        if (valueSizeBytesMax <= 0 || valueSizeBytesMax > Limits.STORED_VALUE_SIZE_BYTES_CEILING) {
            throw new IllegalArgumentException("valueSizeBytesMax must be in 1.."
                    + Limits.STORED_VALUE_SIZE_BYTES_CEILING + ", was " + valueSizeBytesMax);
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
        if (partitioner == null) {
            throw new IllegalArgumentException("partitioner is required");
        }
        if (partitionCacheSizeBytes < 0) {
            throw new IllegalArgumentException("partitionCacheSizeBytes must not be negative (0 disables the cache),"
                    + " was " + partitionCacheSizeBytes);
        }
        if (tombstoneKinds == null) {
            throw new IllegalArgumentException("tombstoneKinds is required (TombstoneKinds.UNKNOWN without a schema)");
        }
    }

    private static void requirePositive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    /** Every setting at its default (see the {@link Builder}'s fields). */
    public static StorageConfig defaults() {
        return builder().build();
    }

    /** A builder holding every default. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The settings of the hints engine of a node whose data engine has these: the same, except
     * that a value may be as large as a hint of a maximal mutation (the mutation's key and the
     * hint's header around a value of {@link #valueSizeBytesMax()}).
     */
    public StorageConfig forHints() {
        return toBuilder().valueSizeBytesMax(Limits.hintValueSizeBytesMax(valueSizeBytesMax))
                .partitionCacheSizeBytes(0).build(); // hints are written once and read once
    }

    /** A builder holding this configuration's settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.syncMode = syncMode;
        b.periodicSyncMicros = periodicSyncMicros;
        b.memtableSizeBytesMax = memtableSizeBytesMax;
        b.commitLogSizeBytesMax = commitLogSizeBytesMax;
        b.commitLogSegmentSizeBytes = commitLogSegmentSizeBytes;
        b.flushPeriodMicros = flushPeriodMicros;
        b.gcGraceMicros = gcGraceMicros;
        b.valueSizeBytesMax = valueSizeBytesMax;
        b.blockSizeBytes = blockSizeBytes;
        b.compactionThresholdMin = compactionThresholdMin;
        b.compactionThresholdMax = compactionThresholdMax;
        b.skipCorruptCommitLogRecords = skipCorruptCommitLogRecords;
        b.verifyTablesOnOpen = verifyTablesOnOpen;
        b.compactionThroughputBytesPerSecond = compactionThroughputBytesPerSecond;
        b.partitioner = partitioner;
        b.tombstoneKinds = tombstoneKinds;
        b.partitionCacheSizeBytes = partitionCacheSizeBytes;
        return b;
    }

    /** Mutable settings; {@link #build()} checks them. The initial values are the defaults. */
    public static final class Builder {
        /** When writes are acknowledged. */
        private SyncMode syncMode = SyncMode.GROUP;
        /** fsync interval in PERIODIC mode (10 ms). */
        private long periodicSyncMicros = 10_000;
        /** Flush once the memtable passes this (64 MiB). */
        private long memtableSizeBytesMax = 64L << 20;
        /** Flush once the live commit log passes this (256 MiB). */
        private long commitLogSizeBytesMax = 256L << 20;
        /** Start a new commit log segment past this (32 MiB). */
        private long commitLogSegmentSizeBytes = 32L << 20;
        /** Flush at this interval, the seed's periodic snapshot (60 s). */
        private long flushPeriodMicros = 60 * MICROS_PER_SECOND;
        /** Keep tombstones at least this long (10 days). */
        private long gcGraceMicros = 10 * 24 * 3600 * MICROS_PER_SECOND;
        /** Largest value accepted (1 MiB); a hints engine's is larger, see {@link StorageConfig#forHints()}. */
        private int valueSizeBytesMax = Limits.VALUE_SIZE_BYTES_DEFAULT;
        /** Target size of a table data block (4 KiB). */
        private int blockSizeBytes = SSTableFormat.BLOCK_SIZE_BYTES_DEFAULT;
        /** Tables of similar size that trigger a compaction. */
        private int compactionThresholdMin = 4;
        /** Most tables merged in one compaction. */
        private int compactionThresholdMax = 32;
        /** Replay skips (and counts) damaged records instead of stopping. */
        private boolean skipCorruptCommitLogRecords = false;
        /** Check every data block checksum when opening. */
        private boolean verifyTablesOnOpen = true;
        /**
         * Pace compactions' writing to this rate, shared by the engines of one disk (64 MiB/s, as
         * Cassandra's compaction_throughput; 0 = unthrottled).
         */
        private long compactionThroughputBytesPerSecond = 64L << 20;
        /**
         * The tokens of the keys (the node's partitioner): entries are ordered by token, in the
         * memtable and in every table file, so a store must always be opened with the same one.
         */
        private Partitioner partitioner = Partitioner.SHA1;
        /**
         * What row and collection deletions cover, from the tables' schema, so compaction drops
         * what they shadow and purges them after gc_grace (none: compaction keeps them and what they cover).
         */
        private TombstoneKinds tombstoneKinds = TombstoneKinds.UNKNOWN;
        private long partitionCacheSizeBytes = PARTITION_CACHE_SIZE_BYTES_DEFAULT;

        private Builder() {
        }

        public Builder syncMode(SyncMode value) {
            syncMode = value;
            return this;
        }

        public Builder periodicSyncMicros(long value) {
            periodicSyncMicros = value;
            return this;
        }

        public Builder memtableSizeBytesMax(long value) {
            memtableSizeBytesMax = value;
            return this;
        }

        /** The live commit log's flush threshold and one segment's size. */
        public Builder commitLogSizes(long totalBytesMax, long segmentSizeBytes) {
            commitLogSizeBytesMax = totalBytesMax;
            commitLogSegmentSizeBytes = segmentSizeBytes;
            return this;
        }

        public Builder flushPeriodMicros(long value) {
            flushPeriodMicros = value;
            return this;
        }

        public Builder gcGraceMicros(long value) {
            gcGraceMicros = value;
            return this;
        }

        public Builder valueSizeBytesMax(int value) {
            valueSizeBytesMax = value;
            return this;
        }

        public Builder blockSizeBytes(int value) {
            blockSizeBytes = value;
            return this;
        }

        public Builder compactionThresholds(int min, int max) {
            compactionThresholdMin = min;
            compactionThresholdMax = max;
            return this;
        }

        public Builder skipCorruptCommitLogRecords(boolean value) {
            skipCorruptCommitLogRecords = value;
            return this;
        }

        public Builder verifyTablesOnOpen(boolean value) {
            verifyTablesOnOpen = value;
            return this;
        }

        public Builder compactionThroughputBytesPerSecond(long value) {
            compactionThroughputBytesPerSecond = value;
            return this;
        }

        public Builder partitioner(Partitioner value) {
            partitioner = value;
            return this;
        }

        public Builder tombstoneKinds(TombstoneKinds value) {
            tombstoneKinds = value;
            return this;
        }

        /** Estimated heap bytes of whole small partitions kept for reads (docs/storage.md); 0 disables. */
        public Builder partitionCacheSizeBytes(long value) {
            partitionCacheSizeBytes = value;
            return this;
        }

        /** The configuration; throws {@link IllegalArgumentException} naming a setting out of its range. */
        public StorageConfig build() {
            return new StorageConfig(syncMode, periodicSyncMicros, memtableSizeBytesMax, commitLogSizeBytesMax,
                    commitLogSegmentSizeBytes, flushPeriodMicros, gcGraceMicros, valueSizeBytesMax, blockSizeBytes,
                    compactionThresholdMin, compactionThresholdMax, skipCorruptCommitLogRecords, verifyTablesOnOpen,
                    compactionThroughputBytesPerSecond, partitioner, tombstoneKinds, partitionCacheSizeBytes);
        }
    }
}
