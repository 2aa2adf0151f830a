package ringdb.storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ringdb.core.data.Cell;
import ringdb.core.store.LocalStore.Entry;
import ringdb.storage.rows.EntryKeys;

/**
 * A bounded cache of whole small partitions of tables, least recently used out first: for each, the
 * merged, reconciled entries of the partition exactly as {@link StorageEngine#slice} returns them
 * (tombstones, range tombstone bounds and expired cells as written; readers decide liveness at read
 * time, so an expiry needs no invalidation). It is filled by reads, merged with every entry the
 * engine applies ({@link Cell#reconcile}, as the memtable does), and emptied when a compaction or a
 * cleanup drops entries or a table is quarantined (the partition's answer changes without a write).
 * Memory only: an engine opens with it empty.
 *
 * <p>A partition of more than {@link #PARTITION_ENTRIES_MAX} entries, or more than an eighth of the
 * capacity, is remembered as too large (a few bytes) and read from the tables every time.
 *
 * <p>Threading: the engine's owner thread only, except {@link #stats()}.
 */
final class PartitionCache {
    /** Entries of the largest partition cached. */
    static final int PARTITION_ENTRIES_MAX = 256;
    /** Estimated heap bytes of one cached entry beyond its key and value bytes (objects and references). */
    static final int ENTRY_OVERHEAD_BYTES = 112;
    /** Estimated heap bytes of one cached partition beyond its entries and bounds. */
    static final int PARTITION_OVERHEAD_BYTES = 160;

    /** Hits, misses, bytes and partitions held, for stats. */
    record Stats(long hits, long misses, long sizeBytes, long partitions) {
    }

    private final long capacityBytes;
    private final long partitionBytesMax;
    private final LinkedHashMap<PartitionKey, Partition> partitions = new LinkedHashMap<>(1024, 0.75f, true);
    private long sizeBytes;
    private volatile long hits;
    private volatile long misses;
    /** {@link #sizeBytes} and the partition count as other threads may read them. */
    private volatile long published;
    private volatile long publishedPartitions;

    /** A cache of at most {@code capacityBytes} (estimated heap bytes); 0 disables it. */
    PartitionCache(long capacityBytes) {
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("the partition cache size must not be negative, was " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
        this.partitionBytesMax = capacityBytes / 8;
    }

    boolean enabled() {
        return capacityBytes > 0;
    }

    /**
     * The cached partition of {@code token} whose key begins with {@code key[0, partitionEnd)}, or null.
     * A partition remembered as too large is returned too ({@link Partition#tooLarge()}).
     */
    Partition get(long token, byte[] key, int partitionEnd) {
        if (partitions.isEmpty()) {
            return null;
        }
        return partitions.get(new PartitionKey(token, key, partitionEnd));
    }

    void hit() {
        hits++;
    }

    void miss() {
        misses++;
    }

    /**
     * Caches the partition {@code [start, end)} of {@code token} whose entries, read in full and in
     * order, are {@code entries}; when it holds more than {@link #PARTITION_ENTRIES_MAX} entries or too
     * many bytes, remembers it as too large. Returns the partition, or null when it is too large.
     */
    Partition fill(long token, byte[] start, byte[] end, List<Entry> entries) {
        Partition partition = new Partition(start, end);
        if (entries.size() > PARTITION_ENTRIES_MAX) {
            partition.markTooLarge();
        } else {
            for (Entry entry : entries) {
                partition.append(entry);
            }
            if (partition.sizeBytes > partitionBytesMax) {
                partition.markTooLarge();
            }
        }
        Partition previous = partitions.put(new PartitionKey(token, start, start.length), partition);
        if (previous != null) {
            sizeBytes -= previous.sizeBytes;
        }
        sizeBytes += partition.sizeBytes;
        evict();
        return partition.tooLarge ? null : partition;
    }

    /** Merges an entry just applied to the engine into its partition, if cached. */
    void written(Entry entry) {
        if (partitions.isEmpty()) {
            return;
        }
        byte[] key = entry.key().key();
        int partitionEnd = EntryKeys.partitionEnd(key);
        if (partitionEnd < 0) {
            return;
        }
        Partition partition = partitions.get(new PartitionKey(entry.key().token(), key, partitionEnd));
        if (partition == null || partition.tooLarge) {
            return;
        }
        long before = partition.sizeBytes;
        partition.merge(entry);
        if (partition.size() > PARTITION_ENTRIES_MAX || partition.sizeBytes > partitionBytesMax) {
            partition.markTooLarge();
        }
        sizeBytes += partition.sizeBytes - before;
        evict();
    }

    /** Forgets every partition (entries were dropped without a write: compaction, cleanup, quarantine). */
    void clear() {
        partitions.clear();
        sizeBytes = 0;
        publish();
    }

    Stats stats() {
        return new Stats(hits, misses, published, publishedPartitions);
    }

    private void evict() {
        Iterator<Map.Entry<PartitionKey, Partition>> eldest = partitions.entrySet().iterator();
        while (sizeBytes > capacityBytes && eldest.hasNext()) {
            sizeBytes -= eldest.next().getValue().sizeBytes;
            eldest.remove();
        }
        publish();
    }

    private void publish() {
        published = sizeBytes;
        publishedPartitions = partitions.size();
    }

    /** The end (exclusive) of the partition whose entries begin with {@code start} (which ends 0x00 0x02). */
    static byte[] endOf(byte[] start) {
        byte[] end = Arrays.copyOf(start, start.length);
        end[end.length - 1]++;
        return end;
    }

    /** A partition's token and key prefix; a probe may point into a longer key. */
    private static final class PartitionKey {
        private final long token;
        private final byte[] bytes;
        private final int length;
        private final int hash;

        PartitionKey(long token, byte[] bytes, int length) {
            this.token = token;
            this.bytes = bytes;
            this.length = length;
            int h = Long.hashCode(token);
            for (int i = 0; i < length; i++) {
                h = 31 * h + bytes[i];
            }
            this.hash = h;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof PartitionKey that && token == that.token && hash == that.hash
                    && Arrays.equals(bytes, 0, length, that.bytes, 0, that.length);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** The reconciled entries of one partition, in key order, and those of them a deletions lookup returns. */
    static final class Partition {
        private final byte[] start;
        private final byte[] end;
        private final ArrayList<Entry> entries = new ArrayList<>();
        private final ArrayList<Entry> deletions = new ArrayList<>(0);
        private long sizeBytes;
        private boolean tooLarge;

        Partition(byte[] start, byte[] end) {
            this.start = start;
            this.end = end;
            this.sizeBytes = PARTITION_OVERHEAD_BYTES + 2L * start.length;
        }

        boolean tooLarge() {
            return tooLarge;
        }

        int size() {
            return entries.size();
        }

        /** Whether {@code [from, to)} lies inside this partition (same token assumed). */
        boolean covers(byte[] from, byte[] to) {
            return Arrays.compareUnsigned(from, start) >= 0 && Arrays.compareUnsigned(to, end) <= 0;
        }

        private void markTooLarge() {
            tooLarge = true;
            entries.clear();
            entries.trimToSize();
            deletions.clear();
            deletions.trimToSize();
            sizeBytes = PARTITION_OVERHEAD_BYTES + 2L * start.length;
        }

        private void append(Entry entry) {
            entries.add(entry);
            sizeBytes += entryBytes(entry);
            if (EntryKeys.isDeletionIndexed(entry.key().key())) {
                deletions.add(entry);
            }
        }

        private void merge(Entry written) {
            int at = indexOf(entries, written.key().key());
            Entry merged = written;
            if (at >= 0) {
                Entry old = entries.get(at);
                Cell winner = Cell.reconcile(old.cell(), written.cell());
                if (winner == old.cell()) {
                    return;
                }
                merged = winner == written.cell() ? written : new Entry(old.key(), winner);
                entries.set(at, merged);
                sizeBytes += entryBytes(merged) - entryBytes(old);
            } else {
                entries.add(-at - 1, merged);
                sizeBytes += entryBytes(merged);
            }
            if (EntryKeys.isDeletionIndexed(merged.key().key())) {
                int d = indexOf(deletions, merged.key().key());
                if (d >= 0) {
                    deletions.set(d, merged);
                } else {
                    deletions.add(-d - 1, merged);
                }
            }
        }

        /** The entries in {@code [from, to)}, in key order or reversed, at most {@code max}. */
        List<Entry> slice(byte[] from, byte[] to, boolean reversed, int max) {
            return range(entries, from, to, reversed, max);
        }

        /** The partition deletion and range tombstone open bounds in {@code [from, to)}, in key order. */
        List<Entry> deletions(byte[] from, byte[] to) {
            if (deletions.isEmpty()) {
                return new ArrayList<>(0);
            }
            return range(deletions, from, to, false, Integer.MAX_VALUE);
        }

        private static List<Entry> range(List<Entry> sorted, byte[] from, byte[] to, boolean reversed, int max) {
            int low = insertionPoint(sorted, from);
            int high = insertionPoint(sorted, to);
            int count = Math.min(Math.max(high - low, 0), max);
            List<Entry> found = new ArrayList<>(count);
            if (reversed) {
                for (int i = high - 1; i >= high - count; i--) {
                    found.add(sorted.get(i));
                }
            } else {
                for (int i = low; i < low + count; i++) {
                    found.add(sorted.get(i));
                }
            }
            return found;
        }

        private static int insertionPoint(List<Entry> sorted, byte[] key) {
            int at = indexOf(sorted, key);
            return at >= 0 ? at : -at - 1;
        }

        /** Binary search by key bytes: the index, or {@code -(insertion point) - 1}. */
        private static int indexOf(List<Entry> sorted, byte[] key) {
            int low = 0;
            int high = sorted.size() - 1;
            while (low <= high) {
                int mid = (low + high) >>> 1;
                int order = Arrays.compareUnsigned(sorted.get(mid).key().key(), key);
                if (order < 0) {
                    low = mid + 1;
                } else if (order > 0) {
                    high = mid - 1;
                } else {
                    return mid;
                }
            }
            return -(low + 1);
        }

        private static long entryBytes(Entry entry) {
            byte[] value = entry.cell().value();
            return ENTRY_OVERHEAD_BYTES + entry.key().key().length + (value == null ? 0 : value.length);
        }
    }
}
