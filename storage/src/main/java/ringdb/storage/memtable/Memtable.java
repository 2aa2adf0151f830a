package ringdb.storage.memtable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import ringdb.core.Invariants;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.StorageKeys;
import ringdb.storage.rows.EntryKeys;

/**
 * The in-memory sorted table of recent writes, ordered by {@link DecoratedKey} (token, then key).
 *
 * <p>Point reads of key-value keys go through a hash index beside the sorted map: a lookup in the
 * sorted map walks about log2(n) nodes, each a likely cache miss, and was the largest cost of a read
 * served from memory. Table entries are read by slices of the sorted map, so they stay out of the
 * hash index (a row is a dozen entries: indexing each would double the cost of writing it). Instead
 * the memtable keeps the set of tokens its table entries have: a slice of a partition it holds
 * nothing of (most partition reads, once most of the data is in table files) returns at once
 * instead of walking the sorted map to find that out.
 *
 * <p>Threading: one writer (the node's thread); any number of concurrent readers, which see each
 * key's newest reconciled cell. Size accounting is approximate but monotonic.
 */
public final class Memtable {
    /** Per-entry overhead of the skip list node, the hash index entry, key object and cell object, roughly. */
    private static final int ENTRY_OVERHEAD_BYTES = 144;

    private final ConcurrentSkipListMap<DecoratedKey, Cell> cells = new ConcurrentSkipListMap<>();
    private final ConcurrentHashMap<DecoratedKey, Cell> index;
    /**
     * The tokens of the table entries held (a token goes in before its first entry, so a reader that
     * finds a token absent finds no entry of it either). Not counted in {@link #sizeBytes()}: a
     * partition's entries' overhead already dominates it, and flushing stays where it was.
     */
    private final Set<Long> tableTokens = ConcurrentHashMap.newKeySet();
    /** The token added to {@link #tableTokens} last (the entries of a row share it); the writer's alone. */
    private long lastTableToken;
    private boolean anyTableToken;
    /** Side index of the partition deletions and range tombstone open bounds, for {@link #deletions}. */
    private final ConcurrentSkipListMap<DecoratedKey, Cell> deletions = new ConcurrentSkipListMap<>();
    private volatile long sizeBytes;
    private volatile int entryCount; // ConcurrentSkipListMap.size() walks the whole map
    private volatile int indexedCount; // the keys of the hash index

    public Memtable() {
        this(16);
    }

    /**
     * A memtable expected to hold about {@code expectedEntries} key-value keys (the previous one's count):
     * the hash index is sized for them up front, since growing it rehashes every entry, a cost
     * the single writer pays inside a write.
     */
    public Memtable(int expectedEntries) {
        index = new ConcurrentHashMap<>(Math.max(16, expectedEntries));
    }

    /** Reconciles {@code cell} with what the memtable holds for {@code key}. Single writer. */
    public void put(DecoratedKey key, Cell cell) {
        boolean indexed = !StorageKeys.isTable(key.key());
        if (!indexed && (!anyTableToken || key.token() != lastTableToken)) {
            tableTokens.add(key.token());
            lastTableToken = key.token();
            anyTableToken = true;
        }
        Cell previous = indexed ? index.putIfAbsent(key, cell) : cells.putIfAbsent(key, cell);
        if (previous == null) {
            if (indexed) {
                Cell displaced = cells.put(key, cell);
                // The hash index and the sorted map hold the same keys: they disagree when a key's equals
                // and compareTo disagree, or when a caller changed a key's bytes after handing it over.
                Invariants.check(displaced == null, "a key new to the memtable's index is new to its sorted map");
                indexedCount++;
            }
            entryCount++;
            sizeBytes += ENTRY_OVERHEAD_BYTES + key.key().length + cell.sizeBytes();
            indexDeletion(key, cell);
            return;
        }
        Cell winner = Cell.reconcile(previous, cell);
        if (winner != previous) {
            Cell replaced = cells.put(key, winner);
            Invariants.check(replaced == previous, "the memtable's sorted map holds the cell its index holds");
            if (indexed) {
                index.put(key, winner);
            }
            sizeBytes += winner.sizeBytes() - previous.sizeBytes();
            indexDeletion(key, winner);
        }
    }

    private void indexDeletion(DecoratedKey key, Cell cell) {
        if (EntryKeys.isDeletionIndexed(key.key())) {
            deletions.put(key, cell);
        }
    }

    /** The partition deletions and open bounds with {@code token} and a key in [from, to). */
    public NavigableMap<DecoratedKey, Cell> deletions(long token, byte[] fromInclusive, byte[] toExclusive) {
        if (holdsNothingIn(token, fromInclusive, toExclusive)) {
            return Collections.emptyNavigableMap();
        }
        return deletions.subMap(new DecoratedKey(token, fromInclusive), true, new DecoratedKey(token, toExclusive),
                false);
    }

    /** Entries in [from, to), in key order or reversed. */
    public Iterator<Map.Entry<DecoratedKey, Cell>> slice(DecoratedKey fromInclusive, DecoratedKey toExclusive,
                                                         boolean reversed) {
        if (fromInclusive.token() == toExclusive.token()
                && holdsNothingIn(fromInclusive.token(), fromInclusive.key(), toExclusive.key())) {
            return Collections.emptyIterator();
        }
        NavigableMap<DecoratedKey, Cell> range = cells.subMap(fromInclusive, true, toExclusive, false);
        return (reversed ? range.descendingMap() : range).entrySet().iterator();
    }

    /**
     * True when the memtable surely holds no entry with {@code token} and a key in [from, to): both
     * bounds are table keys (so is every key between them) and no table entry has that token.
     */
    private boolean holdsNothingIn(long token, byte[] fromInclusive, byte[] toExclusive) {
        return StorageKeys.isTable(fromInclusive) && StorageKeys.isTable(toExclusive) && !tableTokens.contains(token);
    }

    /** Whether an entry with {@code token} and a timestamp at or before {@code timestampMicros} is held. */
    public boolean holdsTokenAtOrBefore(long token, long timestampMicros) {
        DecoratedKey first = new DecoratedKey(token, new byte[0]);
        NavigableMap<DecoratedKey, Cell> partition = token == Long.MAX_VALUE ? cells.tailMap(first, true)
                : cells.subMap(first, true, new DecoratedKey(token + 1, new byte[0]), false);
        for (Cell cell : partition.values()) {
            if (cell.timestampMicros() <= timestampMicros) {
                return true;
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
            Memtable memtable = new Memtable(sorted.size());
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
        return StorageKeys.isTable(key.key()) ? cells.get(key) : index.get(key);
    }

    /** Entries after {@code fromExclusive} (null = from the start), in order. */
    public Iterator<Map.Entry<DecoratedKey, Cell>> iterator(DecoratedKey fromExclusive) {
        NavigableMap<DecoratedKey, Cell> view = fromExclusive == null ? cells : cells.tailMap(fromExclusive, false);
        return view.entrySet().iterator();
    }

    public NavigableMap<DecoratedKey, Cell> view() {
        return cells;
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    /** Number of key-value keys (those of the hash index), what the next memtable's index is sized for. */
    public int indexedSize() {
        return indexedCount;
    }

    /** Number of keys. Any thread. */
    public int size() {
        return entryCount;
    }

    public boolean isEmpty() {
        return entryCount == 0;
    }
}
