package ringdb.server.runtime;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;
import ringdb.core.store.PartitionRecords;
import ringdb.core.store.StoreFailure;

/**
 * A {@link LocalStore} whose durability callbacks come back on the node's thread. The storage
 * engine completes writes on its sync thread (after the group-commit fsync); this wrapper queues
 * the completions for the node's thread, which runs those of a group in one task, so the node's
 * logic stays single-threaded; the same holds for the completions of flushes, cleanups and
 * snapshots asked for without waiting.
 */
public final class NodeThreadStore implements LocalStore {
    private static final Logger log = LoggerFactory.getLogger(NodeThreadStore.class);
    private final LocalStore delegate;
    private final NodeThread nodeThread;
    private final ConcurrentLinkedQueue<Completed> completions = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();

    public NodeThreadStore(LocalStore delegate, NodeThread nodeThread) {
        this.delegate = delegate;
        this.nodeThread = nodeThread;
    }

    @Override
    public void apply(byte[] key, Cell cell, Consumer<Throwable> onDurable) {
        delegate.apply(key, cell, failure -> durable(onDurable, failure));
    }

    @Override
    public void applyBatch(List<Entry> entries, Consumer<Throwable> onDurable) {
        delegate.applyBatch(entries, failure -> durable(onDurable, failure));
    }

    /**
     * Completes a write on the node thread. Off it (the sync thread completing a group), the
     * completion joins a queue that one node task drains: the writes of one fsync group are
     * acknowledged by one task, not one task (and possibly one wake-up of the thread) each.
     */
    private void durable(Consumer<Throwable> onDurable, Throwable failure) {
        if (nodeThread.isNodeThread()) {
            onDurable.accept(failure);
            return;
        }
        completions.add(new Completed(onDurable, failure));
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                nodeThread.execute(this::drainCompletions);
            } catch (RejectedExecutionException stopped) {
                // the node thread has stopped (the node is shutting down): no one is left to acknowledge
                log.info("node thread stopped: {} write completion(s) left unacknowledged at shutdown",
                        completions.size());
            }
        }
    }

    private void drainCompletions() {
        drainScheduled.set(false); // a completion queued from here on schedules another drain
        Completed completed;
        while ((completed = completions.poll()) != null) {
            try {
                completed.onDurable.accept(completed.failure);
            } catch (RuntimeException e) {
                // as a task of its own would be: logged, and the others still complete
                log.error("a write completion failed", e);
            }
        }
    }

    /** A write made durable (or failed) on the sync thread, to complete on the node thread. */
    private record Completed(Consumer<Throwable> onDurable, Throwable failure) {
    }

    @Override
    public List<Entry> slice(long token, byte[] fromInclusive, byte[] toExclusive, boolean reversed,
                             int maxEntries) {
        return delegate.slice(token, fromInclusive, toExclusive, reversed, maxEntries);
    }

    @Override
    public List<Entry> rangeTombstones(long token, byte[] partitionStart, byte[] partitionEnd) {
        return delegate.rangeTombstones(token, partitionStart, partitionEnd);
    }

    @Override
    public PartitionSlice sliceOfPartition(long token, byte[] fromInclusive, byte[] toExclusive, boolean reversed,
                                           int maxEntries, byte[] partitionStart, byte[] partitionEnd) {
        return delegate.sliceOfPartition(token, fromInclusive, toExclusive, reversed, maxEntries, partitionStart,
                partitionEnd);
    }

    @Override
    public <T> T readInMemory(long token, byte[] partitionStart, byte[] partitionEnd,
                              Function<PartitionRecords, T> reader) {
        return delegate.readInMemory(token, partitionStart, partitionEnd, reader);
    }

    @Override
    public Cell read(byte[] key) {
        return delegate.read(key);
    }

    @Override
    public List<Entry> scan(long startTokenExclusive, long endTokenInclusive, DecoratedKey after, int maxEntries) {
        return delegate.scan(startTokenExclusive, endTokenInclusive, after, maxEntries);
    }

    @Override
    public Stats stats() {
        return delegate.stats();
    }

    @Override
    public long purge(Predicate<DecoratedKey> keep) {
        return delegate.purge(keep);
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    @Override
    public int snapshot(String name) {
        return delegate.snapshot(name);
    }

    /** Failures reach the node on its thread, like completions (commit log syncs fail on the sync thread). */
    @Override
    public void onFailure(Consumer<StoreFailure> listener) {
        delegate.onFailure(failure -> {
            if (nodeThread.isNodeThread()) {
                listener.accept(failure);
                return;
            }
            try {
                nodeThread.execute(() -> listener.accept(failure));
            } catch (RejectedExecutionException e) {
                // the node has shut down; the failure fails its operation, and nobody is left to act on it
            }
        });
    }

    @Override
    public boolean quarantine(String table, String reason) {
        return delegate.quarantine(table, reason);
    }

    @Override
    public List<String> quarantinedTables() {
        return delegate.quarantinedTables();
    }

    @Override
    public void flushAsync(Completion<Long> done) {
        delegate.flushAsync(onNodeThread(done));
    }

    @Override
    public void snapshotAsync(String name, Completion<Integer> done) {
        delegate.snapshotAsync(name, onNodeThread(done));
    }

    @Override
    public void purgeAsync(Predicate<DecoratedKey> keep, Completion<Long> done) {
        delegate.purgeAsync(keep, onNodeThread(done));
    }

    @Override
    public List<Activity> activities() {
        return delegate.activities();
    }

    /** The engine completes these on the node's thread already (through its timers); this makes sure. */
    private <T> Completion<T> onNodeThread(Completion<T> done) {
        return (result, failure) -> {
            if (nodeThread.isNodeThread()) {
                done.done(result, failure);
            } else {
                nodeThread.execute(() -> done.done(result, failure));
            }
        };
    }

    @Override
    public void close() {
        delegate.close();
    }
}
