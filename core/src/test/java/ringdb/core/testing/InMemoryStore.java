package ringdb.core.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import ringdb.core.data.Cell;
import ringdb.core.data.Limits;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;
import ringdb.core.ring.Partitioner;

/**
 * A {@link LocalStore} in memory for tests: cells reconciled per key in (token, key) order. Every
 * write is durable at once unless a completion scheduler is given, which then decides when (and
 * whether) {@code onDurable} runs. Single-threaded, like the node that uses it.
 */
public class InMemoryStore implements LocalStore {
    private final TreeMap<DecoratedKey, Cell> cells = new TreeMap<>();
    private final Consumer<Runnable> completions;
    private int applyCount;

    /** Durable at once: {@code onDurable} runs before {@code apply} returns. */
    public InMemoryStore() {
        this(Runnable::run);
    }

    /** {@code completions} receives each durability completion to run later (or never). */
    public InMemoryStore(Consumer<Runnable> completions) {
        this.completions = completions;
    }

    @Override
    public void apply(byte[] key, Cell cell, Consumer<Throwable> onDurable) {
        Limits.checkKey(key);
        cells.merge(DecoratedKey.of(Partitioner.SHA1, key.clone()), cell, Cell::reconcile);
        applyCount++;
        completions.accept(() -> onDurable.accept(null));
    }

    /** Keeps each entry's own token (a table entry's is its partition's, not the token of its key bytes). */
    @Override
    public void applyBatch(List<Entry> entries, Consumer<Throwable> onDurable) {
        for (Entry entry : entries) {
            Limits.checkKey(entry.key().key());
        }
        for (Entry entry : entries) {
            DecoratedKey key = new DecoratedKey(entry.key().token(), entry.key().key().clone());
            cells.merge(key, entry.cell(), Cell::reconcile);
        }
        applyCount++;
        completions.accept(() -> onDurable.accept(null));
    }

    @Override
    public long purge(Predicate<DecoratedKey> keep) {
        long before = cells.size();
        cells.keySet().removeIf(key -> !keep.test(key));
        return before - cells.size();
    }

    @Override
    public Cell read(byte[] key) {
        return cells.get(DecoratedKey.of(Partitioner.SHA1, key));
    }

    @Override
    public List<Entry> scan(long startTokenExclusive, long endTokenInclusive, DecoratedKey after, int maxEntries) {
        List<Entry> out = new ArrayList<>();
        if (startTokenExclusive < endTokenInclusive) {
            collect(segment(startTokenExclusive, endTokenInclusive), after, maxEntries, out);
        } else if (after == null || after.token() > startTokenExclusive) {
            // wrapping: (start, MAX] first, then [MIN, end]; resuming inside the first part
            collect(segment(startTokenExclusive, Long.MAX_VALUE), after, maxEntries, out);
            collect(segmentFromMin(endTokenInclusive), null, maxEntries, out);
        } else {
            collect(segmentFromMin(endTokenInclusive), after, maxEntries, out);
        }
        return out;
    }

    /** Keys with start < token <= end (start < end). */
    private NavigableMap<DecoratedKey, Cell> segment(long start, long end) {
        if (start == Long.MAX_VALUE) {
            return new TreeMap<>();
        }
        DecoratedKey from = new DecoratedKey(start + 1, new byte[0]);
        if (end == Long.MAX_VALUE) {
            return cells.tailMap(from, true);
        }
        return cells.subMap(from, true, new DecoratedKey(end + 1, new byte[0]), false);
    }

    /** Keys with token <= end. */
    private NavigableMap<DecoratedKey, Cell> segmentFromMin(long end) {
        if (end == Long.MAX_VALUE) {
            return cells;
        }
        return cells.headMap(new DecoratedKey(end + 1, new byte[0]), false);
    }

    private static void collect(NavigableMap<DecoratedKey, Cell> segment, DecoratedKey after, int maxEntries,
                                List<Entry> out) {
        NavigableMap<DecoratedKey, Cell> view = segment;
        if (after != null && !segment.isEmpty()) {
            if (segment.lastKey().compareTo(after) <= 0) {
                return;
            }
            if (segment.firstKey().compareTo(after) <= 0) {
                view = segment.tailMap(after, false);
            }
        }
        for (Map.Entry<DecoratedKey, Cell> entry : view.entrySet()) {
            if (out.size() >= maxEntries) {
                return;
            }
            out.add(new Entry(entry.getKey(), entry.getValue()));
        }
    }

    @Override
    public Stats stats() {
        long bytes = 0;
        for (Map.Entry<DecoratedKey, Cell> entry : cells.entrySet()) {
            bytes += entry.getKey().key().length + entry.getValue().sizeBytes();
        }
        return new Stats(cells.size(), bytes, bytes, 0, 0, 0);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    /** Every cell, for assertions. */
    public Map<DecoratedKey, Cell> cells() {
        return Collections.unmodifiableMap(cells);
    }

    /** How many mutations were applied. */
    public int applyCount() {
        return applyCount;
    }
}
