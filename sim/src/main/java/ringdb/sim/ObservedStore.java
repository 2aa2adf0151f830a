package ringdb.sim;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;
import ringdb.core.store.StoreFailure;

/**
 * A simulated node's data store as its {@link ringdb.core.node.Node} sees it: every call goes to
 * the storage engine unchanged; an apply that becomes durable is also reported to
 * {@code onDurable} (which decides whether the node's incarnation still counts). Simulation thread
 * only.
 */
final class ObservedStore implements LocalStore {
    /** Told of every write the engine made durable: key bytes and the cell. */
    interface DurableWrites {
        /** Whether anybody listens; when not, applies are passed through untouched. */
        boolean wanted();

        void durable(byte[] key, Cell cell);
    }

    private final LocalStore engine;
    private final DurableWrites onDurable;

    ObservedStore(LocalStore engine, DurableWrites onDurable) {
        this.engine = engine;
        this.onDurable = onDurable;
    }

    @Override
    public void apply(byte[] key, Cell cell, Consumer<Throwable> whenDurable) {
        if (!onDurable.wanted()) {
            engine.apply(key, cell, whenDurable);
            return;
        }
        engine.apply(key, cell, error -> {
            if (error == null) {
                onDurable.durable(key, cell);
            }
            whenDurable.accept(error);
        });
    }

    @Override
    public void applyBatch(List<Entry> entries, Consumer<Throwable> whenDurable) {
        if (!onDurable.wanted()) {
            engine.applyBatch(entries, whenDurable);
            return;
        }
        engine.applyBatch(entries, error -> {
            if (error == null) {
                for (Entry entry : entries) {
                    onDurable.durable(entry.key().key(), entry.cell());
                }
            }
            whenDurable.accept(error);
        });
    }

    @Override
    public List<Entry> slice(long token, byte[] fromInclusive, byte[] toExclusive, boolean reversed,
                             int maxEntries) {
        return engine.slice(token, fromInclusive, toExclusive, reversed, maxEntries);
    }

    @Override
    public PartitionSlice sliceOfPartition(long token, byte[] fromInclusive, byte[] toExclusive, boolean reversed,
                                           int maxEntries, byte[] partitionStart, byte[] partitionEnd) {
        return engine.sliceOfPartition(token, fromInclusive, toExclusive, reversed, maxEntries, partitionStart,
                partitionEnd);
    }

    @Override
    public List<Entry> rangeTombstones(long token, byte[] partitionStart, byte[] partitionEnd) {
        return engine.rangeTombstones(token, partitionStart, partitionEnd);
    }

    @Override
    public Cell read(byte[] key) {
        return engine.read(key);
    }

    @Override
    public List<Entry> scan(long startTokenExclusive, long endTokenInclusive, DecoratedKey after, int maxEntries) {
        return engine.scan(startTokenExclusive, endTokenInclusive, after, maxEntries);
    }

    @Override
    public Stats stats() {
        return engine.stats();
    }

    @Override
    public void flush() {
        engine.flush();
    }

    @Override
    public int snapshot(String name) {
        return engine.snapshot(name);
    }

    @Override
    public void close() {
        engine.close();
    }

    @Override
    public long purge(Predicate<DecoratedKey> keep) {
        return engine.purge(keep);
    }

    @Override
    public void onFailure(Consumer<StoreFailure> listener) {
        engine.onFailure(listener);
    }

    @Override
    public boolean quarantine(String table, String reason) {
        return engine.quarantine(table, reason);
    }

    @Override
    public List<String> quarantinedTables() {
        return engine.quarantinedTables();
    }

    @Override
    public void flushAsync(Completion<Long> done) {
        engine.flushAsync(done);
    }

    @Override
    public void snapshotAsync(String name, Completion<Integer> done) {
        engine.snapshotAsync(name, done);
    }

    /** The simulated disk runs background work inline, so this completes before it returns. */
    @Override
    public void purgeAsync(Predicate<DecoratedKey> keep, Completion<Long> done) {
        engine.purgeAsync(keep, done);
    }

    @Override
    public List<Activity> activities() {
        return engine.activities();
    }
}
