package ringdb.storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import ringdb.core.data.Cell;
import ringdb.core.store.LocalStore.Entry;
import ringdb.core.store.PartitionRecords;
import ringdb.storage.rows.EntryKeys;

/**
 * A bounded cache of whole small partitions of tables, least recently used out first (approximately: a
 * partition read since eviction last passed it gets a second chance, see {@link #evict()}): for each, the
 * merged, reconciled entries of the partition exactly as {@link StorageEngine#slice} returns them
 * (tombstones, range tombstone bounds and expired cells as written; readers decide liveness at read
 * time, so an expiry needs no invalidation). It is filled by reads of whole partitions, merged with every entry the
 * engine applies ({@link Cell#reconcile}, as the memtable does), and forgets a partition whose answer
 * changes without a write: those a compaction dropped entries of (purged tombstones, entries a deletion
 * covers, a dropped table's), and every partition when a cleanup drops entries by token or a table is
 * quarantined.
 * Memory only: an engine opens with it empty.
 *
 * <p>Only a read of a whole partition that returned all of it fills the cache (so the cache costs a
 * read no extra entry), and only when the partition has at most {@link #PARTITION_ENTRIES_MAX}
 * entries and an eighth of the capacity; a cached partition a write grows past that is forgotten.
 * When the cache is full, a partition is admitted only if it was read more often lately than the one
 * eviction would take ({@link FrequencySketch}, as TinyLFU), so a long tail of rarely read partitions
 * does not push out the popular ones.
 *
 * <p>A partition is held compactly ({@link CompactEntries}: the partition prefix once, each entry's key
 * suffix, cell and value in one array), about 1.4 KB for a row of 10 columns of 100 bytes where the
 * entries as objects took 3.2 KB, and 7 long-lived objects per partition instead of about 70 for the
 * collector to trace; a slice decodes the entries it returns.
 *
 * <p>A look-up finds a partition by its token first ({@link TokenIndex}: the tokens in a primitive array,
 * open addressing), comparing the key bytes only of a partition whose token matches; the eviction queue is
 * linked through the partitions themselves, in the order they were first cached.
 *
 * <p>Threading: the engine's reads and writes run on its owner's thread; every method is synchronized
 * all the same (a write replaces a partition's compact entries whole, so a reader holds one version),
 * the hit and miss counters are safe to count and read from any thread, and a fill is dropped when any
 * write or invalidation came between the read it holds and the fill ({@link #writeSequence()}), so a
 * reader on another thread could not cache a stale answer.
 */
final class PartitionCache implements TableSet.EntriesDropped {
    /** Entries of the largest partition cached. */
    static final int PARTITION_ENTRIES_MAX = 256;
    /**
     * Estimated heap bytes of one cached partition beyond its compact entries and its prefix's bytes: the
     * partition with its queue links (56), its share of the token index (12 bytes a slot, between a quarter
     * and a half of the slots used: 24 to 48), the entries' holder (40) and the headers of its four arrays
     * (64); rounded up to what it was with a map's key, node and slot (224), so that what is cached and
     * evicted does not change with the index.
     */
    static final int PARTITION_OVERHEAD_BYTES = 224;

    /** Hits, misses, bytes and partitions held, for stats. */
    record Stats(long hits, long misses, long sizeBytes, long partitions) {
    }

    private final long capacityBytes;
    private final long partitionBytesMax;
    private final TokenIndex partitions = new TokenIndex();
    /** The eviction queue, oldest first: linked through {@link Partition#newer} and {@link Partition#older}. */
    private Partition oldest;
    private Partition newest;
    private long sizeBytes;
    /** Counts writes merged and invalidations: a fill is kept only if none came after its read began. */
    private long writeSequence;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    /** Reads of partitions lately, cached or not, for admission. */
    private final FrequencySketch frequencies;
    /** A partition a declined read from memory built, valid while {@link #writeSequence} is its sequence. */
    private Partition setAside;
    private long setAsideSequence;
    /** The partition a read from memory found too large to hold, when no write came since: its token and prefix. */
    private long tooLargeToken;
    private byte[] tooLargeStart;
    private long tooLargeSequence;
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
        // one counter per 64 bytes of cache (sixteen per partition of 1 KiB it could hold, few collisions
        // among the partitions read but not cached), at least 1 Ki, at most 4 Mi (4 MiB)
        this.frequencies = new FrequencySketch((int) Math.min(1 << 22, Math.max(1024, capacityBytes / 64)));
    }

    boolean enabled() {
        return capacityBytes > 0;
    }

    /** The cached partition of {@code token} whose key begins with {@code key[0, partitionEnd)}, or null. */
    synchronized Partition get(long token, byte[] key, int partitionEnd) {
        if (partitions.isEmpty()) {
            return null;
        }
        return partitions.get(token, key, partitionEnd);
    }

    /** Counts a read {@code partition} answered (for eviction and admission too); any thread. */
    void hit(Partition partition) {
        hits.increment();
        synchronized (this) {
            partition.referenced = true;
            frequencies.increment(partition.hash);
        }
    }

    /** Counts a whole-partition read the cache could not answer; any thread. */
    void miss() {
        misses.increment();
    }

    /**
     * Caches the partition {@code [start, end)} of {@code token} whose entries, read in full, are
     * {@code entries} (in key order, or reversed when {@code reversed}), read when {@link #writeSequence()}
     * was {@code readSequence} (else nothing is cached: a write may have come after it), unless it holds more than
     * {@link #PARTITION_ENTRIES_MAX} entries or more than an eighth of the capacity, or it would evict a
     * partition read more often lately ({@link #admits}). Returns the partition built from {@code entries}
     * (cached, or, when not admitted, only for the caller to answer its read from), or null.
     */
    synchronized Partition fill(long token, byte[] start, byte[] end, List<Entry> entries, boolean reversed,
                                long readSequence) {
        if (entries.size() > PARTITION_ENTRIES_MAX || readSequence != writeSequence) {
            return null;
        }
        List<Entry> inOrder = entries;
        if (reversed) {
            inOrder = new ArrayList<>(entries);
            Collections.reverse(inOrder);
        }
        byte[] prefix = start.clone();
        Partition partition = new Partition(token, prefix, CompactEntries.of(prefix, inOrder));
        if (partition.sizeBytes > partitionBytesMax) {
            return null;
        }
        partition.hash = keyHash(token, partition.start);
        frequencies.increment(partition.hash); // the read that missed
        Partition previous = partitions.get(token, partition.start, partition.start.length);
        if (sizeBytes + partition.sizeBytes > capacityBytes && previous == null && !admits(partition.hash)) {
            return partition;
        }
        partition.referenced = true; // just read: it outlasts the partitions no read marked since
        if (previous != null) { // takes its place in the index and in the queue
            partitions.replace(previous, partition);
            replaceInQueue(previous, partition);
            sizeBytes -= previous.sizeBytes;
        } else {
            partitions.add(partition);
            enqueue(partition);
        }
        sizeBytes += partition.sizeBytes;
        evict();
        return partition;
    }

    /**
     * Keeps {@code partition}, built by a read that began at {@code readSequence} and not admitted (or
     * admitted and already evicted: it is not looked up then), for the next read of it as long as no write
     * or invalidation came since ({@link #takeSetAside}): a read from memory that declined it leaves the
     * read to the general way, which then need not read the tables again. One at a time.
     */
    synchronized void setAside(Partition partition, long readSequence) {
        setAside = partition;
        setAsideSequence = readSequence;
    }

    /**
     * The partition {@link #setAside} kept, when it is of {@code token} and begins with
     * {@code key[0, partitionEnd)} and no write or invalidation came since its read began; forgotten then.
     */
    synchronized Partition takeSetAside(long token, byte[] key, int partitionEnd) {
        Partition kept = setAside;
        if (kept == null) {
            return null;
        }
        setAside = null;
        return setAsideSequence == writeSequence && kept.token == token
                && Arrays.equals(kept.start, 0, kept.start.length, key, 0, partitionEnd) ? kept : null;
    }

    /**
     * Notes that the partition of {@code token} beginning with {@code start}, read by a read that began at
     * {@code readSequence}, holds more entries than the cache takes ({@link #isTooLarge}): until a write or
     * an invalidation comes, a read from memory of it and the general reads that follow read only their
     * slices, not the partition again. One at a time.
     */
    synchronized void setAsideTooLarge(long token, byte[] start, long readSequence) {
        tooLargeToken = token;
        tooLargeStart = start;
        tooLargeSequence = readSequence;
    }

    /** Whether {@link #setAsideTooLarge} noted the partition of {@code token} beginning with {@code start}. */
    synchronized boolean isTooLarge(long token, byte[] start) {
        return tooLargeStart != null && tooLargeSequence == writeSequence && tooLargeToken == token
                && Arrays.equals(tooLargeStart, start);
    }

    /** Taken before an uncached read whose answer may fill the cache. */
    synchronized long writeSequence() {
        return writeSequence;
    }

    /** Whether {@code [from, to)} is a whole partition of a table: its partition prefix and that prefix's end. */
    static boolean isWholePartition(byte[] from, byte[] to) {
        int length = from.length;
        return EntryKeys.partitionEnd(from) == length && to.length == length
                && Arrays.equals(from, 0, length - 1, to, 0, length - 1) && to[length - 1] == from[length - 1] + 1;
    }

    /** Merges an entry just applied to the engine into its partition, if cached. */
    void written(Entry entry) {
        written(List.of(entry));
    }

    /**
     * Merges entries just applied to the engine into their partitions, if cached; the partition of a
     * run of entries of one partition (a mutation's) is looked up once.
     */
    synchronized void written(List<Entry> entries) {
        writeSequence++;
        if (partitions.isEmpty()) {
            return;
        }
        Partition partition = null;
        byte[] previous = null;
        int previousEnd = -1;
        long previousToken = 0;
        for (Entry entry : entries) {
            byte[] key = entry.key().key();
            long token = entry.key().token();
            boolean samePartition = previous != null && token == previousToken && key.length > previousEnd
                    && Arrays.equals(key, 0, previousEnd, previous, 0, previousEnd)
                    && key[previousEnd - 2] == 0 && key[previousEnd - 1] == 2;
            if (!samePartition) {
                int partitionEnd = EntryKeys.partitionEnd(key);
                if (partitionEnd < 0) {
                    previous = null;
                    continue;
                }
                partition = partitions.get(token, key, partitionEnd);
                previous = key;
                previousEnd = partitionEnd;
                previousToken = token;
            }
            if (partition != null && !merge(partition, entry)) {
                remove(partition);
                partition = null; // the rest of its entries: not cached any more
            }
        }
        evict();
    }

    /** Merges {@code entry} into {@code partition}; false when the partition grew too large to stay. */
    private boolean merge(Partition partition, Entry entry) {
        long before = partition.sizeBytes;
        // spare room for the partition's next writes only out of room the cache has free: it never evicts
        partition.merge(entry, capacityBytes - sizeBytes);
        sizeBytes += partition.sizeBytes - before;
        return partition.size() <= PARTITION_ENTRIES_MAX && partition.sizeBytes <= partitionBytesMax;
    }

    /** Forgets every partition (entries were dropped without a write: cleanup, quarantine). */
    @Override
    public void everywhere() {
        clear();
    }

    /** Forgets the partitions of {@code tokens} (a compaction dropped entries of them, and of no other). */
    @Override
    public synchronized void inPartitions(long[] tokens) {
        writeSequence++;
        for (long token : tokens) {
            for (Partition cached = partitions.anyOf(token); cached != null; cached = partitions.anyOf(token)) {
                remove(cached);
            }
        }
        publish();
    }

    /** Forgets every partition. */
    synchronized void clear() {
        writeSequence++;
        partitions.clear();
        oldest = null;
        newest = null;
        sizeBytes = 0;
        publish();
    }

    Stats stats() {
        return new Stats(hits.sum(), misses.sum(), published, publishedPartitions);
    }

    /**
     * Evicts down to the capacity, oldest first, giving a partition read since it was last passed over a
     * second chance (to the back of the queue, unmarked): least recently used first, approximately, without
     * relinking the queue on every read (which wrote to the map's nodes, all long-lived, on each hit).
     */
    private void evict() {
        while (sizeBytes > capacityBytes && !partitions.isEmpty()) {
            remove(nextVictim());
        }
        publish();
    }

    /** Drops {@code partition}, cached, from the index, the queue and the size. */
    private void remove(Partition partition) {
        partitions.remove(partition);
        unlink(partition);
        sizeBytes -= partition.sizeBytes;
    }

    /**
     * Whether a partition of {@code hash} that needs room may have it: only when it was read more often
     * lately than the partition eviction would take first (so a partition read once does not push out
     * one read again and again, as a long tail of rarely read partitions would under least recently used).
     */
    private boolean admits(int hash) {
        return partitions.isEmpty()
                || frequencies.frequency(hash) > frequencies.frequency(nextVictim().hash);
    }

    /** The partition eviction takes next, after moving those marked read to the back, unmarked. */
    private Partition nextVictim() {
        while (true) {
            Partition eldest = oldest;
            if (!eldest.referenced) {
                return eldest;
            }
            eldest.referenced = false;
            unlink(eldest);
            enqueue(eldest);
        }
    }

    /** Puts {@code partition} at the back of the eviction queue. */
    private void enqueue(Partition partition) {
        partition.older = newest;
        partition.newer = null;
        if (newest == null) {
            oldest = partition;
        } else {
            newest.newer = partition;
        }
        newest = partition;
    }

    /** Takes {@code partition} out of the eviction queue. */
    private void unlink(Partition partition) {
        Partition older = partition.older;
        Partition newer = partition.newer;
        if (older == null) {
            oldest = newer;
        } else {
            older.newer = newer;
        }
        if (newer == null) {
            newest = older;
        } else {
            newer.older = older;
        }
        partition.older = null;
        partition.newer = null;
    }

    /** Puts {@code replacement} where {@code replaced} was in the eviction queue. */
    private void replaceInQueue(Partition replaced, Partition replacement) {
        replacement.older = replaced.older;
        replacement.newer = replaced.newer;
        if (replaced.older == null) {
            oldest = replacement;
        } else {
            replaced.older.newer = replacement;
        }
        if (replaced.newer == null) {
            newest = replacement;
        } else {
            replaced.newer.older = replacement;
        }
        replaced.older = null;
        replaced.newer = null;
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

    /**
     * The hash of a partition's token and key prefix the frequency sketch counts reads under (the one its
     * look-up key had when the cache was a map: the same partitions collide in the sketch as before).
     */
    private static int keyHash(long token, byte[] start) {
        int h = Long.hashCode(token);
        for (byte b : start) {
            h = 31 * h + b;
        }
        return h;
    }

    /**
     * The cached partitions by token, then key: open addressing with linear probing over a primitive array
     * of tokens beside the partitions, so a probe compares tokens in one array and reads a partition's key
     * bytes only when its token matches (two partitions may share a token: each is found by its key).
     * Between a quarter and a half of the slots are used (at least {@link #INITIAL_SLOTS}); under the cache's
     * lock.
     */
    static final class TokenIndex {
        static final int INITIAL_SLOTS = 2048;
        private long[] tokens = new long[INITIAL_SLOTS];
        private Partition[] slots = new Partition[INITIAL_SLOTS];
        private int size;

        int size() {
            return size;
        }

        boolean isEmpty() {
            return size == 0;
        }

        /** The partition of {@code token} whose key is {@code key[0, length)}, or null. */
        Partition get(long token, byte[] key, int length) {
            int mask = slots.length - 1;
            for (int i = home(token, mask); ; i = (i + 1) & mask) {
                Partition partition = slots[i];
                if (partition == null) {
                    return null;
                }
                if (tokens[i] == token && Arrays.equals(partition.start, 0, partition.start.length, key, 0, length)) {
                    return partition;
                }
            }
        }

        /** A partition of {@code token}, or null when none is cached. */
        Partition anyOf(long token) {
            if (size == 0) {
                return null;
            }
            int mask = slots.length - 1;
            for (int i = home(token, mask); slots[i] != null; i = (i + 1) & mask) {
                if (tokens[i] == token) {
                    return slots[i];
                }
            }
            return null;
        }

        /** Adds {@code partition}, whose key is not in the index. */
        void add(Partition partition) {
            if (2 * (size + 1) > slots.length) {
                resize(slots.length * 2);
            }
            place(partition);
            size++;
        }

        /** Puts {@code replacement} (same token and key) in the slot of {@code replaced}. */
        void replace(Partition replaced, Partition replacement) {
            slots[slotOf(replaced)] = replacement;
        }

        /** Removes {@code partition}, which is in the index, moving back the probes that passed its slot. */
        void remove(Partition partition) {
            int mask = slots.length - 1;
            int hole = slotOf(partition);
            slots[hole] = null;
            size--;
            for (int i = (hole + 1) & mask; slots[i] != null; i = (i + 1) & mask) {
                int home = home(tokens[i], mask);
                // the entry at i may fill the hole if its home is not cyclically within (hole, i]
                if (((i - home) & mask) >= ((i - hole) & mask)) {
                    slots[hole] = slots[i];
                    tokens[hole] = tokens[i];
                    slots[i] = null;
                    hole = i;
                }
            }
        }

        void clear() {
            Arrays.fill(slots, null);
            size = 0;
        }

        private int slotOf(Partition partition) {
            int mask = slots.length - 1;
            int i = home(partition.token, mask);
            while (slots[i] != partition) {
                i = (i + 1) & mask;
            }
            return i;
        }

        private void place(Partition partition) {
            int mask = slots.length - 1;
            int i = home(partition.token, mask);
            while (slots[i] != null) {
                i = (i + 1) & mask;
            }
            slots[i] = partition;
            tokens[i] = partition.token;
        }

        private void resize(int length) {
            Partition[] old = slots;
            tokens = new long[length];
            slots = new Partition[length];
            for (Partition partition : old) {
                if (partition != null) {
                    place(partition);
                }
            }
        }

        /** The first slot probed for {@code token}: its bits mixed, as a token's low bits need not vary. */
        private static int home(long token, int mask) {
            int h = Long.hashCode(token) * 0x9E3779B9;
            return (h ^ (h >>> 16)) & mask;
        }
    }

    /**
     * The reconciled entries of one partition, in key order, held compactly ({@link CompactEntries}): the
     * partition prefix once, each entry's key suffix, cell and value in one array. A slice or a deletions
     * lookup decodes the entries it returns. A write replaces the contents as a whole, so a reader holds one
     * consistent version.
     */
    static final class Partition {
        private final long token;
        private final byte[] start;
        private volatile CompactEntries entries;
        /** Estimated heap bytes; changed under the cache's lock. */
        private long sizeBytes;
        /** Read since eviction last passed over it; under the cache's lock. */
        private boolean referenced;
        /** Its token and key's hash, for the frequency sketch. */
        private int hash;
        /** Its neighbours in the eviction queue, toward the back and toward the front; under the cache's lock. */
        private Partition newer;
        private Partition older;

        Partition(long token, byte[] start, CompactEntries entries) {
            this.token = token;
            this.start = start;
            this.entries = entries;
            this.sizeBytes = estimate(entries);
        }

        int size() {
            return entries.size();
        }

        /** Whether {@code [from, to)} lies inside this partition (same token assumed). */
        boolean covers(byte[] from, byte[] to) {
            return Arrays.compareUnsigned(from, start) >= 0 && !afterEnd(to);
        }

        /** Whether {@code key} sorts after the partition's end, its prefix with the last byte (0x02) raised. */
        private boolean afterEnd(byte[] key) {
            int last = start.length - 1;
            int common = Math.min(key.length, last);
            int order = Arrays.compareUnsigned(key, 0, common, start, 0, common);
            if (order != 0 || key.length <= last) {
                return order > 0;
            }
            int end = (start[last] & 0xFF) + 1;
            int at = key[last] & 0xFF;
            return at > end || at == end && key.length > start.length;
        }

        private void merge(Entry written, long spareMax) {
            CompactEntries current = entries;
            CompactEntries merged = current.merge(written.key().key(), written.cell(), spareMax);
            if (merged != current) {
                entries = merged;
                sizeBytes = estimate(merged);
            }
        }

        /** The entries in {@code [from, to)}, in key order or reversed, at most {@code max}. */
        List<Entry> slice(byte[] from, byte[] to, boolean reversed, int max) {
            return entries.slice(token, from, to, reversed, max);
        }

        /** Its entries as they are now, read in place. */
        PartitionRecords records() {
            return entries;
        }

        /** The partition deletion and range tombstone open bounds in {@code [from, to)}, in key order. */
        List<Entry> deletions(byte[] from, byte[] to) {
            return entries.deletions(token, from, to);
        }

        private long estimate(CompactEntries held) {
            return PARTITION_OVERHEAD_BYTES + start.length + held.heapBytes();
        }
    }
}
