package ringdb.storage.memtable;

import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;

/**
 * The in-memory sorted table of recent writes, ordered by {@link DecoratedKey} (token, then key).
 *
 * <p>Threading: one writer (the node's thread); any number of concurrent readers, which see each
 * key's newest reconciled cell. Size accounting is approximate but monotonic.
 */
public final class Memtable {
    /** Per-entry overhead of the skip list node, key object and cell object, roughly. */
    private static final int ENTRY_OVERHEAD_BYTES = 96;

    private final ConcurrentSkipListMap<DecoratedKey, Cell> cells = new ConcurrentSkipListMap<>();
    private volatile long sizeBytes;
    private volatile int entryCount; // ConcurrentSkipListMap.size() walks the whole map

    /** Reconciles {@code cell} with what the memtable holds for {@code key}. Single writer. */
    public void put(DecoratedKey key, Cell cell) {
        Cell previous = cells.putIfAbsent(key, cell); // one traversal for the common case, a new key
        if (previous == null) {
            entryCount++;
            sizeBytes += ENTRY_OVERHEAD_BYTES + key.key().length + cell.sizeBytes();
            return;
        }
        Cell winner = Cell.reconcile(previous, cell);
        if (winner != previous) {
            cells.put(key, winner);
            sizeBytes += winner.sizeBytes() - previous.sizeBytes();
        }
    }

    public Cell get(DecoratedKey key) {
        return cells.get(key);
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

    /** Number of keys. Any thread. */
    public int size() {
        return entryCount;
    }

    public boolean isEmpty() {
        return entryCount == 0;
    }
}
