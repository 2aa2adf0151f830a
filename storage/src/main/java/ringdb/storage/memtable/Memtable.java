package ringdb.storage.memtable;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import ringdb.core.Invariants;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.StorageKeys;
import ringdb.storage.rows.EntryKeys;

/**
 * The in-memory sorted table of recent writes, ordered by {@link DecoratedKey} (token, then key).
 *
 * <p>Two levels: an outer sorted map holds each key that is not a table entry (a key-value key, a
 * node-local store's key) with its cell directly, and each partition of a table (its token and
 * partition prefix, {@link EntryKeys#partitionEnd}) with an inner sorted map of its entries. A
 * partition's entries share their token and prefix and are exactly the keys from the prefix up to
 * (not including) the prefix with its last byte raised by one, so they follow one another in the
 * memtable's order and the inner maps, in the outer map's order, give every entry in order. A
 * row's dozen entries then walk one short list (a partition's) instead of the whole memtable's,
 * whose nodes are mostly other partitions' entries sharing long prefixes; the writer remembers
 * the last partition it wrote, so a row's entries find theirs without a lookup.
 *
 * <p>Point reads of key-value keys go through a hash index beside the sorted map: a lookup in the
 * sorted map walks about log2(n) nodes, each a likely cache miss, and was the largest cost of a read
 * served from memory. Partitions have a hash index too, which finds a table entry's partition (and
 * answers a slice of a partition the memtable holds nothing of, most partition reads once most of
 * the data is in table files) without walking the outer map.
 *
 * <p>A partition new to the memtable joins the outer map lazily: the writer publishes it to the hash
 * index and a list of partitions not yet ordered, and the first reader that walks the outer map in
 * order (an iterator, a slice across partitions) sorts that list and inserts it, in key order, which
 * walks the same few skip list nodes again and again. Inserted one by one at random places, as
 * partitions arrive, each walked a fresh path of cache misses, the largest cost of a row update.
 *
 * <p>Threading: one writer (the node's thread); any number of concurrent readers, which see each
 * key's newest reconciled cell. A partition is published (to both of its maps) only once it holds
 * its first entry, so a reader never meets an empty one. Size accounting is approximate but monotonic.
 */
public final class Memtable {
    /** Per-entry overhead of the skip list node, the hash index entry, key object and cell object, roughly. */
    private static final int ENTRY_OVERHEAD_BYTES = 144;
    /** Fewer partitions to order than this are inserted one by one even once frozen. */
    private static final int REBUILD_PARTITIONS_MIN = 64;

    /** Key (not a table entry) to its {@link Cell}; partition key (token, prefix) to its {@link Partition}. */
    private volatile ConcurrentSkipListMap<DecoratedKey, Object> outer = new ConcurrentSkipListMap<>();
    /** Set once no write will come ({@link #freeze}): ordering may then rebuild {@link #outer} whole. */
    private volatile boolean frozen;
    /** The key-value (and node-local) keys of {@link #outer}, for point reads. */
    private final ConcurrentHashMap<DecoratedKey, Cell> index;
    /**
     * The partitions of {@link #outer} by partition key. Not counted in {@link #sizeBytes()}: a
     * partition's entries' overhead already dominates it, and flushing stays where it was.
     */
    private final ConcurrentHashMap<PartitionId, Partition> partitions;
    /** The partition written last (a row's entries share it); the writer's alone. */
    private Partition lastPartition;
    /** Partitions of the hash index not yet in {@link #outer}, swapped out by {@link #order}. */
    private ArrayList<Partition> unordered = new ArrayList<>();
    private final Object unorderedLock = new Object();
    /** Held while partitions move from {@link #unordered} to {@link #outer}, so a reader waits for all of them. */
    private final ReentrantLock ordering = new ReentrantLock();
    /** Side index of the partition deletions and range tombstone open bounds, for {@link #deletions}. */
    private final ConcurrentSkipListMap<DecoratedKey, Cell> deletions = new ConcurrentSkipListMap<>();
    private volatile long sizeBytes;
    private volatile int entryCount; // ConcurrentSkipListMap.size() walks the whole map
    private volatile int indexedCount; // the keys of the hash index

    /**
     * A partition's key in the hash index: its token, already a hash of its partition key (so the
     * bytes are compared, never hashed), and its prefix, which a lookup takes from the first
     * {@code length} bytes of an entry's key without copying them.
     */
    private static final class PartitionId {
        final long token;
        final byte[] bytes;
        final int length;

        PartitionId(long token, byte[] bytes, int length) {
            this.token = token;
            this.bytes = bytes;
            this.length = length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PartitionId other && other.token == token
                    && Arrays.equals(bytes, 0, length, other.bytes, 0, other.length);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(token);
        }
    }

    /** A partition of a table: its key (token and partition prefix) and its entries. */
    private static final class Partition {
        final DecoratedKey key;
        final ConcurrentSkipListMap<DecoratedKey, Cell> cells = new ConcurrentSkipListMap<>();

        Partition(DecoratedKey key) {
            this.key = key;
        }

        /** Whether {@code entry} is of this partition: its token, and a key that begins with the prefix. */
        boolean holds(DecoratedKey entry) {
            byte[] prefix = key.key();
            byte[] bytes = entry.key();
            return entry.token() == key.token() && bytes.length >= prefix.length
                    && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
        }
    }

    public Memtable() {
        this(16, 16);
    }

    /**
     * A memtable expected to hold about {@code expectedEntries} key-value keys and {@code expectedPartitions}
     * partitions (the previous one's counts): the hash indexes are sized for them up front, since growing
     * one rehashes every entry, a cost the single writer pays inside a write.
     */
    public Memtable(int expectedEntries, int expectedPartitions) {
        index = new ConcurrentHashMap<>(Math.max(16, expectedEntries));
        partitions = new ConcurrentHashMap<>(Math.max(16, expectedPartitions));
    }

    /** Reconciles {@code cell} with what the memtable holds for {@code key}. Single writer; not once frozen. */
    public void put(DecoratedKey key, Cell cell) {
        Invariants.check(!frozen, "a frozen memtable takes no write");
        Partition partition = lastPartition;
        if (partition == null || !partition.holds(key)) {
            int end = EntryKeys.partitionEnd(key.key());
            if (end < 0) {
                putOuter(key, cell);
                return;
            }
            partition = partitions.get(new PartitionId(key.token(), key.key(), end));
            if (partition == null) {
                // Published with its first entry, to the hash index first, then to the partitions an
                // ordered reader inserts into the sorted map before it walks it (see order()).
                DecoratedKey partitionKey = new DecoratedKey(key.token(), Arrays.copyOf(key.key(), end));
                partition = new Partition(partitionKey);
                partition.cells.put(key, cell);
                partitions.put(new PartitionId(key.token(), partitionKey.key(), end), partition);
                synchronized (unorderedLock) {
                    unordered.add(partition);
                }
                lastPartition = partition;
                added(key, cell, end);
                return;
            }
            lastPartition = partition;
        }
        int end = partition.key.key().length;
        Cell previous = partition.cells.putIfAbsent(key, cell);
        if (previous == null) {
            added(key, cell, end);
            return;
        }
        Cell winner = Cell.reconcile(previous, cell);
        if (winner != previous) {
            Cell replaced = partition.cells.put(key, winner);
            Invariants.check(replaced == previous, "a partition's sorted map holds the cell it held a moment ago");
            replaced(key, previous, winner, end);
        }
    }

    /** A key that is not a table entry's: its cell is in the outer map, and in the index unless tagged a table's. */
    private void putOuter(DecoratedKey key, Cell cell) {
        boolean indexed = !StorageKeys.isTable(key.key());
        Object previous = indexed ? index.putIfAbsent(key, cell) : outer.putIfAbsent(key, cell);
        if (previous == null) {
            if (indexed) {
                Object displaced = outer.put(key, cell);
                // The hash index and the sorted map hold the same keys: they disagree when a key's equals
                // and compareTo disagree, or when a caller changed a key's bytes after handing it over.
                Invariants.check(displaced == null, "a key new to the memtable's index is new to its sorted map");
                indexedCount++;
            }
            added(key, cell, -1);
            return;
        }
        Invariants.check(previous instanceof Cell, "a key that is no table entry's is held with its cell");
        Cell winner = Cell.reconcile((Cell) previous, cell);
        if (winner != previous) {
            Object replaced = outer.put(key, winner);
            Invariants.check(replaced == previous, "the memtable's sorted map holds the cell its index holds");
            if (indexed) {
                index.put(key, winner);
            }
            replaced(key, (Cell) previous, winner, -1);
        }
    }

    /** Accounts for a new entry; {@code partitionEnd} is its partition's prefix length, or -1 outside a partition. */
    private void added(DecoratedKey key, Cell cell, int partitionEnd) {
        entryCount++;
        sizeBytes += ENTRY_OVERHEAD_BYTES + key.key().length + cell.sizeBytes();
        indexDeletion(key, cell, partitionEnd);
    }

    private void replaced(DecoratedKey key, Cell previous, Cell winner, int partitionEnd) {
        sizeBytes += winner.sizeBytes() - previous.sizeBytes();
        indexDeletion(key, winner, partitionEnd);
    }

    /**
     * Inserts the partitions published so far but not yet ordered into {@link #outer}, sorted: a
     * reader calls this before it walks the outer map, and then finds every partition published
     * before. Any thread; the writer waits only for the swap of the list.
     */
    private void order() {
        ordering.lock();
        try {
            ArrayList<Partition> batch;
            synchronized (unorderedLock) {
                if (unordered.isEmpty()) {
                    return;
                }
                batch = unordered;
                unordered = new ArrayList<>();
            }
            Partition[] sorted = sortedByKey(batch);
            if (frozen && sorted.length >= REBUILD_PARTITIONS_MIN) {
                outer = new ConcurrentSkipListMap<>(new MergedRun(outer, sorted));
                return;
            }
            for (Partition partition : sorted) {
                Object displaced = outer.putIfAbsent(partition.key, partition);
                Invariants.check(displaced == null, "a partition new to the memtable's index is new to its sorted map");
            }
        } finally {
            ordering.unlock();
        }
    }

    /**
     * {@code batch} in key order. Sorting the partitions with their keys' comparator read each one's key
     * (a likely cache miss) at every comparison; instead each one's token, as an unsigned number, is
     * sorted as a primitive with its index in the low bits of one long, and only a run of partitions whose
     * tokens agree in the bits kept (rare: tokens are hashes) is sorted again by the keys themselves.
     */
    private static Partition[] sortedByKey(List<Partition> batch) {
        int count = batch.size();
        int indexBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(count - 1));
        long tokenMask = -1L << indexBits;
        long[] order = new long[count];
        for (int i = 0; i < count; i++) {
            // flipping the sign bit maps signed order to unsigned, then to signed again once sorted as longs
            long token = batch.get(i).key.token() ^ Long.MIN_VALUE;
            order[i] = ((token & tokenMask) ^ Long.MIN_VALUE) | i;
        }
        Arrays.sort(order);
        Partition[] sorted = new Partition[count];
        long indexMask = ~tokenMask;
        for (int i = 0; i < count; i++) {
            sorted[i] = batch.get((int) (order[i] & indexMask));
        }
        for (int run = 0; run < count; ) {
            int end = run + 1;
            while (end < count && (order[end] & tokenMask) == (order[run] & tokenMask)) {
                end++;
            }
            if (end - run > 1) {
                Arrays.sort(sorted, run, end, (a, b) -> a.key.compareTo(b.key));
            }
            run = end;
        }
        return sorted;
    }

    /**
     * Marks that no write will come any more (the memtable was swapped out to be flushed): a walk in
     * order may then build the sorted map anew from the old one and the partitions it lacks, in one
     * pass, instead of inserting each of those partitions on a path from the top of the skip list
     * (about 600 ns each, most of a flush's cost). Readers of the old map keep it whole.
     */
    public void freeze() {
        frozen = true;
    }

    /**
     * The entries of a sorted map followed, in key order, by partitions it lacks, as a sorted map whose
     * only use is to be copied by a constructor that walks {@link #entrySet()} (a skip list built from
     * sorted entries in one pass).
     */
    private static final class MergedRun extends AbstractMap<DecoratedKey, Object>
            implements SortedMap<DecoratedKey, Object> {
        private final NavigableMap<DecoratedKey, Object> held;
        private final Partition[] added;

        MergedRun(NavigableMap<DecoratedKey, Object> held, Partition[] added) {
            this.held = held;
            this.added = added;
        }

        @Override
        public Set<Map.Entry<DecoratedKey, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Map.Entry<DecoratedKey, Object>> iterator() {
                    return merged();
                }

                @Override
                public int size() {
                    return held.size() + added.length;
                }
            };
        }

        private Iterator<Map.Entry<DecoratedKey, Object>> merged() {
            Iterator<Map.Entry<DecoratedKey, Object>> old = held.entrySet().iterator();
            return new Iterator<>() {
                private Map.Entry<DecoratedKey, Object> pending = old.hasNext() ? old.next() : null;
                private int next;

                @Override
                public boolean hasNext() {
                    return pending != null || next < added.length;
                }

                @Override
                public Map.Entry<DecoratedKey, Object> next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    if (next < added.length && (pending == null || added[next].key.compareTo(pending.getKey()) < 0)) {
                        Partition partition = added[next++];
                        return new AbstractMap.SimpleImmutableEntry<>(partition.key, partition);
                    }
                    Map.Entry<DecoratedKey, Object> entry = pending;
                    Invariants.check(next >= added.length || added[next].key.compareTo(entry.getKey()) != 0,
                            "a partition new to the memtable's index is new to its sorted map");
                    pending = old.hasNext() ? old.next() : null;
                    return entry;
                }
            };
        }

        @Override
        public Comparator<? super DecoratedKey> comparator() {
            return null; // the keys' natural order, as the memtable's sorted map
        }

        @Override
        public SortedMap<DecoratedKey, Object> subMap(DecoratedKey fromKey, DecoratedKey toKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SortedMap<DecoratedKey, Object> headMap(DecoratedKey toKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SortedMap<DecoratedKey, Object> tailMap(DecoratedKey fromKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public DecoratedKey firstKey() {
            throw new UnsupportedOperationException();
        }

        @Override
        public DecoratedKey lastKey() {
            throw new UnsupportedOperationException();
        }
    }

    private void indexDeletion(DecoratedKey key, Cell cell, int partitionEnd) {
        if (EntryKeys.isDeletionIndexed(key.key(), partitionEnd)) {
            deletions.put(key, cell);
        }
    }

    /** The partition deletions and open bounds with {@code token} and a key in [from, to). */
    public NavigableMap<DecoratedKey, Cell> deletions(long token, byte[] fromInclusive, byte[] toExclusive) {
        int end = partitionHolding(fromInclusive, toExclusive);
        if (end > 0 && !partitions.containsKey(new PartitionId(token, fromInclusive, end))) {
            return Collections.emptyNavigableMap();
        }
        return deletions.subMap(new DecoratedKey(token, fromInclusive), true, new DecoratedKey(token, toExclusive),
                false);
    }

    /** Entries in [from, to), in key order or reversed. */
    public Iterator<Map.Entry<DecoratedKey, Cell>> slice(DecoratedKey fromInclusive, DecoratedKey toExclusive,
                                                         boolean reversed) {
        if (fromInclusive.token() == toExclusive.token()) {
            int end = partitionHolding(fromInclusive.key(), toExclusive.key());
            if (end > 0) { // one partition's: its inner map alone
                Partition partition = partitions.get(new PartitionId(fromInclusive.token(), fromInclusive.key(), end));
                if (partition == null) {
                    return Collections.emptyIterator();
                }
                NavigableMap<DecoratedKey, Cell> range = partition.cells.subMap(fromInclusive, true, toExclusive,
                        false);
                return (reversed ? range.descendingMap() : range).entrySet().iterator();
            }
        }
        order();
        ConcurrentSkipListMap<DecoratedKey, Object> sorted = outer;
        DecoratedKey floor = sorted.floorKey(fromInclusive); // the partition fromInclusive may fall in
        NavigableMap<DecoratedKey, Object> range = sorted.subMap(floor == null ? fromInclusive : floor, true,
                toExclusive, false);
        return new Entries((reversed ? range.descendingMap() : range).entrySet().iterator(), fromInclusive,
                toExclusive, reversed);
    }

    /**
     * The end of the partition prefix of {@code from} when every key in [from, to) begins with it
     * (to is at most the prefix with its last byte, 0x02, raised by one), else -1.
     */
    private static int partitionHolding(byte[] from, byte[] to) {
        int end = EntryKeys.partitionEnd(from);
        if (end < 0) {
            return -1;
        }
        int head = end - 1;
        int common = Math.min(to.length, head);
        int byHead = Arrays.compareUnsigned(to, 0, common, from, 0, common);
        if (byHead != 0) {
            return byHead < 0 ? end : -1;
        }
        if (to.length <= head) {
            return end;
        }
        int byLast = (to[head] & 0xFF) - ((from[head] & 0xFF) + 1);
        return byLast < 0 || byLast == 0 && to.length == end ? end : -1;
    }

    /** Whether an entry with {@code token} and a timestamp at or before {@code timestampMicros} is held. */
    public boolean holdsTokenAtOrBefore(long token, long timestampMicros) {
        order();
        DecoratedKey first = new DecoratedKey(token, new byte[0]);
        ConcurrentSkipListMap<DecoratedKey, Object> sorted = outer;
        NavigableMap<DecoratedKey, Object> range = token == Long.MAX_VALUE ? sorted.tailMap(first, true)
                : sorted.subMap(first, true, new DecoratedKey(token + 1, new byte[0]), false);
        for (Object held : range.values()) {
            if (held instanceof Cell cell) {
                if (cell.timestampMicros() <= timestampMicros) {
                    return true;
                }
                continue;
            }
            for (Cell cell : ((Partition) held).cells.values()) {
                if (cell.timestampMicros() <= timestampMicros) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Builds a memtable from many cells at once (commit log replay): repeats of a key are
     * reconciled in a hash map first, then the keys go into the sorted map in order, which walks
     * the same few nodes again and again instead of a random path per insert.
     */
    public static final class Loader {
        private final HashMap<DecoratedKey, Cell> cells = new HashMap<>();

        public void put(DecoratedKey key, Cell cell) {
            cells.merge(key, cell, Cell::reconcile);
        }

        public Memtable build() {
            List<Map.Entry<DecoratedKey, Cell>> sorted = new ArrayList<>(cells.entrySet());
            sorted.sort(Map.Entry.comparingByKey());
            Memtable memtable = new Memtable(sorted.size(), 16);
            DecoratedKey last = null;
            for (Map.Entry<DecoratedKey, Cell> entry : sorted) {
                Invariants.check(last == null || last.compareTo(entry.getKey()) < 0,
                        "keys loaded into a memtable are strictly increasing once sorted");
                last = entry.getKey();
                memtable.put(last, entry.getValue());
            }
            return memtable;
        }
    }

    public Cell get(DecoratedKey key) {
        byte[] bytes = key.key();
        if (!StorageKeys.isTable(bytes)) {
            return index.get(key);
        }
        int end = EntryKeys.partitionEnd(bytes);
        if (end < 0) {
            return outer.get(key) instanceof Cell cell ? cell : null;
        }
        Partition partition = partitions.get(new PartitionId(key.token(), bytes, end));
        return partition == null ? null : partition.cells.get(key);
    }

    /** Entries after {@code fromExclusive} (null = from the start), in order. */
    public Iterator<Map.Entry<DecoratedKey, Cell>> iterator(DecoratedKey fromExclusive) {
        order();
        ConcurrentSkipListMap<DecoratedKey, Object> sorted = outer;
        if (fromExclusive == null) {
            return new Entries(sorted.entrySet().iterator(), null, null, false);
        }
        DecoratedKey floor = sorted.floorKey(fromExclusive); // the partition fromExclusive may fall in
        NavigableMap<DecoratedKey, Object> view = floor == null ? sorted : sorted.tailMap(floor, true);
        return new Entries(view.entrySet().iterator(), fromExclusive, null, false);
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    /** Number of key-value keys (those of the hash index), what the next memtable's index is sized for. */
    public int indexedSize() {
        return indexedCount;
    }

    /** Number of partitions of tables, what the next memtable's partition index is sized for. Any thread. */
    public int partitionCount() {
        return partitions.size();
    }

    /** Number of keys. Any thread. */
    public int size() {
        return entryCount;
    }

    public boolean isEmpty() {
        return entryCount == 0;
    }

    /**
     * The entries of a run of the outer map, each partition's in turn, inside optional bounds: after
     * {@code lower} (inclusive when an upper bound is given, as slices ask, exclusive otherwise, as
     * iterators do) and before {@code upperExclusive}. Only a partition whose key is not above the
     * lower bound, or one that reaches the upper bound, walks its inner map to a bound.
     */
    private static final class Entries implements Iterator<Map.Entry<DecoratedKey, Cell>> {
        private final Iterator<Map.Entry<DecoratedKey, Object>> partitions;
        private final DecoratedKey lower;
        private final boolean lowerInclusive;
        private final DecoratedKey upperExclusive;
        private final boolean reversed;
        private Iterator<Map.Entry<DecoratedKey, Cell>> inner = Collections.emptyIterator();
        private Map.Entry<DecoratedKey, Cell> next;

        Entries(Iterator<Map.Entry<DecoratedKey, Object>> partitions, DecoratedKey lower,
                DecoratedKey upperExclusive, boolean reversed) {
            this.partitions = partitions;
            this.lower = lower;
            this.lowerInclusive = upperExclusive != null;
            this.upperExclusive = upperExclusive;
            this.reversed = reversed;
        }

        @Override
        public boolean hasNext() {
            while (next == null) {
                if (inner.hasNext()) {
                    next = inner.next();
                } else if (partitions.hasNext()) {
                    advance(partitions.next());
                } else {
                    return false;
                }
            }
            return true;
        }

        @Override
        public Map.Entry<DecoratedKey, Cell> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Map.Entry<DecoratedKey, Cell> entry = next;
            next = null;
            return entry;
        }

        @SuppressWarnings("unchecked")
        private void advance(Map.Entry<DecoratedKey, Object> held) {
            DecoratedKey key = held.getKey();
            if (held.getValue() instanceof Cell) {
                if (aboveLower(key) && (upperExclusive == null || key.compareTo(upperExclusive) < 0)) {
                    // An immutable snapshot of the outer map's entry, whose value is a Cell.
                    next = (Map.Entry<DecoratedKey, Cell>) (Map.Entry<DecoratedKey, ?>) held;
                }
                return;
            }
            ConcurrentSkipListMap<DecoratedKey, Cell> cells = ((Partition) held.getValue()).cells;
            NavigableMap<DecoratedKey, Cell> range = cells;
            if (lower != null && key.compareTo(lower) <= 0) {
                range = range.tailMap(lower, lowerInclusive);
            }
            if (upperExclusive != null) {
                range = range.headMap(upperExclusive, false);
            }
            inner = (reversed ? range.descendingMap() : range).entrySet().iterator();
        }

        private boolean aboveLower(DecoratedKey key) {
            if (lower == null) {
                return true;
            }
            int byLower = key.compareTo(lower);
            return byLower > 0 || byLower == 0 && lowerInclusive;
        }
    }
}
