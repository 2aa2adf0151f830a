package ringdb.core.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;

/**
 * A node's local storage engine as the node logic sees it. Implemented by the {@code storage}
 * module (commit log + memtable + sorted tables); the node never touches files itself.
 *
 * <p>Threading: called from the owning node's thread only. Completion callbacks may arrive on
 * another thread (the real runtime's sync thread); the runtime that wires a node re-posts them
 * onto the node's thread. In the simulator everything runs on the one simulation thread.
 */
public interface LocalStore {
    /**
     * Appends the mutation to the commit log and applies it to the memtable. Limits are checked
     * first: an oversized key or value throws {@link ringdb.core.data.InvalidRequestException}
     * before anything is written. {@code onDurable} runs exactly once: with {@code null} once the
     * record is as durable as the configured sync mode promises, or with the failure.
     */
    void apply(byte[] key, Cell cell, Consumer<Throwable> onDurable);

    /**
     * {@link #apply}, with the outcome as a message: {@code onDone} gets null once durable, else the
     * error's message (its class name when it has none), also when {@code apply} throws at once.
     */
    default void applyDescribingError(byte[] key, Cell cell, Consumer<String> onDone) {
        try {
            apply(key, cell, error -> onDone.accept(error == null ? null : describe(error)));
        } catch (RuntimeException e) {
            onDone.accept(describe(e));
        }
    }

    private static String describe(Throwable error) {
        return error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    }

    /**
     * Applies several mutations as one: one commit log record, so that after a crash either all of
     * them or none are replayed. Limits are checked for every entry before anything is written (an
     * {@link ringdb.core.data.InvalidRequestException} naming the limit). {@code onDurable} runs
     * exactly once, as for {@link #apply}. The default applies each entry on its own (not atomic
     * across a crash), for stores without batches; {@code onDurable} then runs once all are durable
     * or with the first failure.
     */
    default void applyBatch(List<Entry> entries, Consumer<Throwable> onDurable) {
        if (entries.isEmpty()) {
            onDurable.accept(null);
            return;
        }
        int[] pending = {entries.size()};
        boolean[] reported = {false};
        for (Entry entry : entries) {
            apply(entry.key().key(), entry.cell(), error -> {
                pending[0]--;
                if (!reported[0] && (error != null || pending[0] == 0)) {
                    reported[0] = true;
                    onDurable.accept(error);
                }
            });
        }
    }

    /**
     * {@link #applyBatch}, with the outcome as a message as {@link #applyDescribingError} gives it.
     */
    default void applyBatchDescribingError(List<Entry> entries, Consumer<String> onDone) {
        try {
            applyBatch(entries, error -> onDone.accept(error == null ? null : describe(error)));
        } catch (RuntimeException e) {
            onDone.accept(describe(e));
        }
    }

    /**
     * The reconciled entries (tombstones and expired cells included: readers decide liveness with
     * {@link Cell#isLiveAt}) whose token is {@code token} and whose key lies in [{@code fromInclusive},
     * {@code toExclusive}), in key order, or in reverse key order when {@code reversed}; at most
     * {@code maxEntries}. A store with tables streams them, so a partition of any size can be read
     * page by page. The default pages through {@link #scan} (and holds the range in memory when reversed).
     */
    default List<Entry> slice(long token, byte[] fromInclusive, byte[] toExclusive, boolean reversed,
                              int maxEntries) {
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries must be positive, was " + maxEntries);
        }
        ArrayList<Entry> found = new ArrayList<>();
        DecoratedKey after = null;
        long start = token == Long.MIN_VALUE ? Long.MAX_VALUE : token - 1;
        while (true) {
            List<Entry> page = scan(start, token, after, 1024);
            for (Entry entry : page) {
                byte[] key = entry.key().key();
                if (Arrays.compareUnsigned(key, toExclusive) >= 0) {
                    return finishSlice(found, reversed, maxEntries);
                }
                if (Arrays.compareUnsigned(key, fromInclusive) >= 0) {
                    found.add(entry);
                    if (!reversed && found.size() == maxEntries) {
                        return found;
                    }
                }
            }
            if (page.size() < 1024) {
                return finishSlice(found, reversed, maxEntries);
            }
            after = page.get(page.size() - 1).key();
        }
    }

    private static List<Entry> finishSlice(List<Entry> found, boolean reversed, int maxEntries) {
        if (!reversed) {
            return found;
        }
        Collections.reverse(found);
        return found.size() > maxEntries ? new ArrayList<>(found.subList(0, maxEntries)) : found;
    }

    /**
     * The partition deletion and the range tombstone open bound entries (docs/formats/rows.md) of the
     * partition whose keys lie in [{@code partitionStart}, {@code partitionEnd}), reconciled, in key
     * order: what a reader of a slice that starts inside a range tombstone must also apply. Stores with
     * tables keep them indexed, so this is cheap for a large partition. The default (stores without
     * such an index) returns every tombstone of the partition, found by {@link #slice}: a superset, as
     * a reader applies each tombstone to what it covers.
     */
    default List<Entry> rangeTombstones(long token, byte[] partitionStart, byte[] partitionEnd) {
        List<Entry> out = new ArrayList<>();
        for (Entry entry : slice(token, partitionStart, partitionEnd, false, Integer.MAX_VALUE)) {
            if (entry.cell().isTombstone()) {
                out.add(entry);
            }
        }
        return out;
    }

    /** The entries of a slice of one partition and the partition's deletions ({@link #sliceOfPartition}). */
    record PartitionSlice(List<Entry> entries, List<Entry> rangeTombstones) {
    }

    /**
     * {@link #slice} of [{@code fromInclusive}, {@code toExclusive}) and then {@link #rangeTombstones} of
     * the partition [{@code partitionStart}, {@code partitionEnd}) holding it, in one call: what a row read
     * asks a replica. The answers are those of the two calls; a store may find both with one lookup.
     */
    default PartitionSlice sliceOfPartition(long token, byte[] fromInclusive, byte[] toExclusive, boolean reversed,
                                            int maxEntries, byte[] partitionStart, byte[] partitionEnd) {
        List<Entry> entries = slice(token, fromInclusive, toExclusive, reversed, maxEntries);
        return new PartitionSlice(entries, rangeTombstones(token, partitionStart, partitionEnd));
    }

    /**
     * Reads the partition [{@code partitionStart}, {@code partitionEnd}) of {@code token} in place when the
     * store holds all of it in memory, or can read all of it into that form (a store with a partition cache
     * reads a small partition it misses so): {@code reader}'s answer, or null when the store cannot or
     * the reader gives none (it may decline a partition it cannot read this way; the caller then reads
     * it by {@link #sliceOfPartition}, which answers the same). The default holds nothing in memory.
     */
    default <T> T readInMemory(long token, byte[] partitionStart, byte[] partitionEnd,
                               Function<PartitionRecords, T> reader) {
        return null;
    }

    /** The reconciled newest version of {@code key}, a tombstone included; null if never written. */
    Cell read(byte[] key);

    /**
     * Entries whose token lies in (startTokenExclusive, endTokenInclusive], in (token, key) order,
     * tombstones included. When {@code startTokenExclusive >= endTokenInclusive} the range wraps
     * around the ring (start == end means the whole ring). Resumes strictly after {@code after}
     * (null = from the range start). Returns at most {@code maxEntries}; fewer means the end.
     */
    List<Entry> scan(long startTokenExclusive, long endTokenInclusive, DecoratedKey after, int maxEntries);

    /** Sizes and counts for status, metrics and the dashboard. */
    Stats stats();

    /** Writes the memtable out to a table now (the seed's snapshot); completes synchronously. */
    void flush();

    /**
     * {@link #flush()} without waiting: the table is written off the caller's thread where the store
     * has threads, and the memtable being written stays readable until its table is installed.
     * {@code done} runs exactly once, on the node's thread (as durability callbacks do), with the
     * memtable bytes flushed, or with the failure; a store without threads may run it before
     * returning. The default waits, as {@link #flush()} does.
     */
    default void flushAsync(Completion<Long> done) {
        long bytes = stats().memtableBytes();
        try {
            flush();
        } catch (RuntimeException e) {
            done.done(null, e);
            return;
        }
        done.done(bytes, null);
    }

    /**
     * Flushes, then keeps a point-in-time copy of the tables under the name (as {@code nodetool
     * snapshot} does); returns how many tables it holds. Completes synchronously. Throws
     * {@link IllegalArgumentException} for a bad or taken name; stores that cannot do it throw
     * {@link UnsupportedOperationException} with the reason.
     */
    default int snapshot(String name) {
        throw new UnsupportedOperationException("this store keeps no snapshots");
    }

    /**
     * {@link #snapshot(String)} without waiting: the flush and the linking run off the caller's thread
     * where the store has threads; {@code done} runs exactly once, on the node's thread, with the
     * tables linked or the failure. A bad or taken name throws {@link IllegalArgumentException} at
     * once, a store that keeps no snapshots {@link UnsupportedOperationException}. The default waits.
     */
    default void snapshotAsync(String name, Completion<Integer> done) {
        int tables;
        try {
            tables = snapshot(name);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            throw e;
        } catch (RuntimeException e) {
            done.done(null, e);
            return;
        }
        done.done(tables, null);
    }

    /** Flushes nothing; releases files. Data not yet durable per the sync mode may be lost. */
    void close();

    /**
     * Removes, without writing tombstones, every entry whose key {@code keep} rejects: the data of
     * ranges this node no longer replicates (cleanup after a ring change, or of a keyspace whose
     * replication factor was lowered). Nothing is removed for a key {@code keep} accepts. Completes
     * synchronously; returns the number of entries removed.
     * Stores that cannot do it throw {@link UnsupportedOperationException} with the reason.
     */
    default long purge(Predicate<DecoratedKey> keep) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot purge ranges");
    }

    /**
     * Registers where the store reports failures the node's policies act on (a commit log that
     * cannot append or sync, a flush or compaction that cannot write, a table that cannot be read):
     * once per failure, on the node's thread (the runtime re-posts reports from other threads), possibly
     * from inside a call into the store. The failed operation still fails as it always did (a write
     * is not acknowledged, a read throws). Stores that detect no such failures ignore it.
     */
    default void onFailure(Consumer<StoreFailure> listener) {
    }

    /**
     * Takes {@code table} (as a {@link StoreFailure} named it) out of the tables read, and moves its
     * file aside into the store's quarantine directory, never deleting it. Returns false when no
     * live table has that name (already compacted away or quarantined). Stores without tables
     * return false.
     */
    default boolean quarantine(String table, String reason) {
        return false;
    }

    /** The tables this store holds in quarantine (file names), oldest first; empty when none. */
    default List<String> quarantinedTables() {
        return List.of();
    }

    /**
     * {@link #purge} without waiting: the flush and the rewrite run off the caller's thread where the
     * store has threads, and the tables are replaced at once when the rewrite is done (reads see the
     * old tables until then). {@code done} runs exactly once, on the node's thread, with the number of
     * entries removed or the failure; a store that cannot purge fails it with {@link
     * UnsupportedOperationException}. The default waits, as {@link #purge} does.
     */
    default void purgeAsync(Predicate<DecoratedKey> keep, Completion<Long> done) {
        long removed;
        try {
            removed = purge(keep);
        } catch (RuntimeException e) {
            done.done(null, e);
            return;
        }
        done.done(removed, null);
    }

    /**
     * The long operations the store runs now (flushes, cleanup rewrites, snapshots asked for through
     * the asynchronous calls), with their progress, for operators; empty when none. Any thread.
     */
    default List<Activity> activities() {
        return List.of();
    }

    /** The outcome of an operation the store runs without waiting: a result, or a failure (then result is null). */
    @FunctionalInterface
    interface Completion<T> {
        void done(T result, Throwable failure);
    }

    /**
     * A long store operation as it runs: {@code kind} (flush, cleanup, snapshot), {@code phase} in words,
     * and {@code done} of {@code total} {@code unit} where it can count (total 0 when it cannot).
     */
    record Activity(String kind, String phase, long done, long total, String unit) {
        /** "cleanup: rewriting 3 tables (120 of 4000 entries)". */
        public String describe() {
            return kind + ": " + phase + (total > 0 ? " (" + done + " of " + total + " " + unit + ")" : "");
        }
    }

    record Entry(DecoratedKey key, Cell cell) {
    }

    /**
     * What the store holds, and how its partition cache serves reads (hits and misses of whole-partition
     * reads since start, and the estimated bytes it holds; zero for a store without one).
     */
    record Stats(long keysEstimate, long liveBytes, long memtableBytes, int tableCount,
                 long commitLogBytes, long tablesBytes, long partitionCacheHits, long partitionCacheMisses,
                 long partitionCacheBytes) {
        /** A store without a partition cache. */
        public Stats(long keysEstimate, long liveBytes, long memtableBytes, int tableCount, long commitLogBytes,
                     long tablesBytes) {
            this(keysEstimate, liveBytes, memtableBytes, tableCount, commitLogBytes, tablesBytes, 0, 0, 0);
        }
    }
}
