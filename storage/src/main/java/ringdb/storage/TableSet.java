package ringdb.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ringdb.core.Clock;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.StoreFailure;
import ringdb.storage.commitlog.CommitLog;
import ringdb.storage.commitlog.CommitLogPosition;
import ringdb.storage.compaction.Compactor;
import ringdb.storage.compaction.SizeTieredStrategy;
import ringdb.storage.disk.ByteThrottle;
import ringdb.storage.disk.Disk;
import ringdb.storage.rows.DroppedTableFilter;
import ringdb.storage.memtable.Memtable;
import ringdb.storage.sstable.SSTable;
import ringdb.storage.sstable.SSTableFormat;
import ringdb.storage.sstable.TableWriter;

/**
 * The engine's tables and the work that changes them: flushes of frozen memtables and size-tiered
 * compactions, both run through {@link Disk#background} (off the node's thread on the real disk,
 * inline on the simulated one) and installed on the node's thread, in order.
 *
 * <p>Safety rule: a table claims to cover the commit log up to its position, so flushes are
 * installed strictly in order, and a flush whose predecessor failed fails too; the frozen
 * memtables stay readable and are retried in order. Commit log segments are deleted only once
 * every table covering them is installed.
 *
 * <p>Threading: node thread only, except {@link #tables()} and {@link #flushing()}, which any
 * thread may read.
 */
final class TableSet {
    private static final Logger log = LoggerFactory.getLogger(TableSet.class);
    private static final long RETRY_AFTER_FAILURE_MICROS = 1_000_000;
    /** Longest wait before an automatic compaction is tried again after failures in a row (5 min). */
    static final long COMPACTION_BACKOFF_MAX_MICROS = 300_000_000L;

    /** A frozen memtable on its way to becoming table {@code generation}. */
    private static final class PendingFlush {
        final Memtable memtable;
        final CommitLogPosition covered;
        final long generation;
        BackgroundTask<SSTable> task;

        PendingFlush(Memtable memtable, CommitLogPosition covered, long generation) {
            this.memtable = memtable;
            this.covered = covered;
            this.generation = generation;
        }
    }

    private final Disk disk;
    private final String directory;
    private final StorageConfig config;
    private final Clock clock;
    private final CommitLog commitLog;
    private final Supplier<Memtable> activeMemtable;
    private final Consumer<StoreFailure> failures;
    /** Compaction inputs taken out of the live set while the compaction read them; set aside after it. */
    private final List<SSTable> quarantineAfterCompaction = new ArrayList<>();
    private final ArrayDeque<PendingFlush> pendingFlushes = new ArrayDeque<>();
    private volatile List<SSTable> tables; // newest first
    private volatile List<Memtable> flushing = List.of(); // newest first
    private long nextGeneration;
    private BackgroundTask<SSTable> compaction;
    private List<SSTable> compactionInputs = List.of();
    /** Whether the running compaction may drop entries of any partition (a cleanup: by token). */
    private volatile boolean compactionDropsEverywhere;
    /**
     * The tokens of the partitions the running compaction dropped entries of, in order (set by its worker
     * before it finishes; empty when none, null when too many to name).
     */
    private volatile long[] compactionDroppedTokens = new long[0];
    /** Told when installed tables stop holding entries a read returned (the engine's partition cache). */
    private final EntriesDropped entriesDropped;
    private long retryNotBeforeMicros = Long.MIN_VALUE;
    private long compactionNotBeforeMicros = Long.MIN_VALUE;
    private int compactionFailuresInARow;
    private volatile Throwable lastFailure;
    private boolean closing;
    /** Wakes the owner after any background task of this set finished (runs on the worker's thread). */
    private final Runnable backgroundFinished;
    /** Work that needs the tables to itself (a cleanup's rewrite, a snapshot's links), in arrival order. */
    private final ArrayDeque<Runnable> exclusiveWaiting = new ArrayDeque<>();
    private boolean exclusiveRunning;
    /** The cleanup rewrite running as {@link #compaction}, or null. */
    private MaintenanceRun purgeRun;
    /** A snapshot's linking task while it runs, or null. */
    private BackgroundTask<Integer> linking;

    /** Told when installed tables stop holding entries a read returned, without a write. */
    interface EntriesDropped {
        /** Entries of any partition may be gone (a cleanup, a quarantined table, too many to name). */
        void everywhere();

        /** Entries of the partitions of these tokens (distinct, in order) are gone, of no other. */
        void inPartitions(long[] tokens);
    }

    TableSet(Disk disk, String directory, StorageConfig config, Clock clock, CommitLog commitLog, List<SSTable> initial,
             long nextGeneration, Supplier<Memtable> activeMemtable, Consumer<StoreFailure> failures,
             Runnable backgroundFinished, EntriesDropped entriesDropped) {
        this.backgroundFinished = backgroundFinished;
        this.entriesDropped = entriesDropped;
        this.disk = disk;
        this.directory = directory;
        this.config = config;
        this.clock = clock;
        this.commitLog = commitLog;
        this.tables = List.copyOf(initial);
        this.nextGeneration = nextGeneration;
        this.activeMemtable = activeMemtable;
        this.failures = failures;
    }

    List<SSTable> tables() {
        return tables;
    }

    List<Memtable> flushing() {
        return flushing;
    }

    boolean flushPending() {
        return !pendingFlushes.isEmpty();
    }

    /** The last flush or compaction failure, or null. */
    Throwable lastFailure() {
        return lastFailure;
    }

    /** Whether automatic flushes are held back after a recent failure. */
    boolean inRetryBackoff() {
        return clock.monotonicMicros() < retryNotBeforeMicros;
    }

    /** Starts writing {@code frozen}, which holds every commit log record before {@code covered}. */
    void startFlush(Memtable frozen, CommitLogPosition covered) {
        PendingFlush flush = new PendingFlush(frozen, covered, nextGeneration++);
        List<Memtable> updated = new ArrayList<>();
        updated.add(frozen);
        updated.addAll(flushing);
        flushing = List.copyOf(updated);
        pendingFlushes.add(flush);
        submit(flush, predecessorTask(flush));
        installCompleted();
    }

    private BackgroundTask<SSTable> predecessorTask(PendingFlush flush) {
        BackgroundTask<SSTable> previous = null;
        for (PendingFlush pending : pendingFlushes) {
            if (pending == flush) {
                return previous;
            }
            previous = pending.task;
        }
        return previous;
    }

    private void submit(PendingFlush flush, BackgroundTask<SSTable> predecessor) {
        flush.task = new BackgroundTask<>(() -> {
            if (predecessor != null && (!predecessor.isDone() || predecessor.failure() != null)) {
                throw new IOException("an earlier flush failed; this one waits to be retried after it");
            }
            String path = TableWriter.write(disk, directory, flush.generation,
                    flush.memtable.iterator(null),
                    flush.memtable.size(), flush.covered, config.blockSizeBytes());
            return SSTable.open(disk, path, false);
        }, backgroundFinished);
        disk.background(Disk.Lane.FLUSH, flush.task);
    }

    /** Installs finished flushes (in order) and a finished compaction; starts the next compaction. */
    void installCompleted() {
        boolean installedFlush = false;
        while (!pendingFlushes.isEmpty() && pendingFlushes.peek().task.isDone()) {
            PendingFlush head = pendingFlushes.peek();
            if (head.task.failure() != null) {
                handleFlushFailure(head.task.failure());
                break;
            }
            pendingFlushes.poll();
            installFlush(head);
            installedFlush = true;
        }
        boolean installedCompaction = false;
        if (compaction != null && compaction.isDone()) {
            installCompaction();
            installedCompaction = true;
        }
        startExclusive(); // a cleanup or snapshot may wait for the compaction just installed, or awaited
        if (installedFlush || installedCompaction) {
            maybeStartCompaction();
        }
    }

    private void installFlush(PendingFlush flush) {
        List<SSTable> updated = new ArrayList<>();
        updated.add(flush.task.result());
        updated.addAll(tables);
        tables = sortedNewestFirst(updated);
        List<Memtable> stillFlushing = new ArrayList<>(flushing);
        stillFlushing.remove(flush.memtable);
        flushing = List.copyOf(stillFlushing);
        try {
            commitLog.retireSegmentsBefore(flush.covered.segmentId());
        } catch (IOException e) {
            lastFailure = e;
            log.warn("could not retire flushed commit log segments of {}: {}", directory, e.toString());
        }
    }

    /** Retries the failed flush and every later one, in order, once the backoff has passed. */
    private void handleFlushFailure(Throwable failure) {
        if (lastFailure != failure) {
            lastFailure = failure;
            retryNotBeforeMicros = clock.monotonicMicros() + RETRY_AFTER_FAILURE_MICROS;
            log.error("flush of {} failed; its memtable stays in memory and will be retried", directory, failure);
            failures.accept(new StoreFailure(StoreFailure.Kind.DATA_WRITE, null, "flush of " + directory
                    + " failed: " + failure));
        }
        if (!inRetryBackoff() && allPendingDone()) {
            retryPendingFlushes();
        }
    }

    /** Whether every pending flush has run (installed or failed); true when none is pending. */
    boolean allPendingDone() {
        for (PendingFlush pending : pendingFlushes) {
            if (!pending.task.isDone()) {
                return false;
            }
        }
        return true;
    }

    /** Submits every pending flush again, in order (after they all ran and the first failed). */
    void retryPendingFlushes() {
        BackgroundTask<SSTable> predecessor = null;
        for (PendingFlush pending : pendingFlushes) {
            submit(pending, predecessor);
            predecessor = pending.task;
        }
    }

    /** Waits for every pending flush and installs it; throws if one failed (it will be retried). */
    void awaitFlushes() {
        for (int attempt = 0; attempt < 2 && !pendingFlushes.isEmpty(); attempt++) {
            for (PendingFlush pending : new ArrayList<>(pendingFlushes)) {
                pending.task.await();
            }
            installCompleted();
            if (!pendingFlushes.isEmpty() && attempt == 0) {
                retryPendingFlushes(); // a synchronous flush retries at once, once
            }
        }
        if (!pendingFlushes.isEmpty()) {
            Throwable failure = pendingFlushes.peek().task.failure();
            throw new UncheckedIOException(
                    "flush of " + directory + " failed; the data stays in the commit log and memory",
                    failure instanceof IOException io ? io : new IOException(failure));
        }
    }

    /**
     * Starts an automatic compaction when the strategy selects tables, unless one runs or the
     * backoff after failed compactions has not passed (it doubles per failure in a row, from
     * {@value #RETRY_AFTER_FAILURE_MICROS} µs up to {@link #COMPACTION_BACKOFF_MAX_MICROS}).
     */
    void maybeStartCompaction() {
        if (compaction != null || closing || exclusiveRunning || !exclusiveWaiting.isEmpty()
                || clock.monotonicMicros() < compactionNotBeforeMicros) {
            return;
        }
        List<SSTable> selected = SizeTieredStrategy.select(tables, config.compactionThresholdMin(),
                config.compactionThresholdMax());
        if (!selected.isEmpty()) {
            startCompaction(selected);
            if (compaction.isDone()) { // a disk without threads ran it already
                installCompaction();
                maybeStartCompaction();
            }
        }
    }

    /** Compacts {@code inputs} in the background, paced to the configured compaction throughput. */
    private void startCompaction(List<SSTable> inputs) {
        startCompaction(inputs, token -> true,
                disk.throttle(Disk.Lane.COMPACTION, config.compactionThroughputBytesPerSecond()), false);
    }

    /**
     * Compacts {@code inputs}, dropping outright every entry whose key {@code keepKey} rejects and
     * every entry of a table the configured tombstone kinds know as dropped ({@link DroppedTableFilter}),
     * reporting what it writes to {@code throttle}; {@code dropsByToken} for a cleanup (which may drop
     * entries by token).
     */
    private void startCompaction(List<SSTable> inputs, Predicate<DecoratedKey> keepKey, ByteThrottle throttle,
                                 boolean dropsByToken) {
        List<SSTable> others = new ArrayList<>(tables);
        others.removeAll(inputs);
        Compactor.TombstoneGuard guard = new Compactor.TombstoneGuard() {
            @Override
            public boolean mayHoldOlder(DecoratedKey key, long timestampMicros) {
                return mayHoldAtOrBefore(others, key, timestampMicros);
            }

            @Override
            public boolean mayHoldOlderInPartition(long token, long timestampMicros) {
                return mayHoldTokenAtOrBefore(others, token, timestampMicros);
            }
        };
        long now = clock.nowMicros();
        long purgeBefore = now - config.gcGraceMicros();
        long generation = nextGeneration++;
        compactionInputs = List.copyOf(inputs);
        compactionDropsEverywhere = dropsByToken;
        compactionDroppedTokens = new long[0];
        compaction = new BackgroundTask<>(() -> {
            try {
                DroppedTableFilter notDropped = new DroppedTableFilter(config.tombstoneKinds()::isDroppedTable);
                Compactor.Result result = Compactor.compact(disk, directory, generation, inputs, purgeBefore,
                        config.gcGraceMicros(), Math.floorDiv(now, 1_000_000L), guard, config.tombstoneKinds(),
                        config.blockSizeBytes(), key -> keepKey.test(key) && notDropped.test(key), throttle);
                compactionDroppedTokens = result.droppedTokens();
                if (notDropped.removed() > 0) {
                    log.info("compaction of {} removed {} entries of dropped tables", directory, notDropped.removed());
                }
                return result.outputPath() == null ? null : SSTable.open(disk, result.outputPath(), false);
            } catch (Exception | Error e) {
                deletePartialOutput(generation, e);
                throw e;
            }
        }, backgroundFinished);
        disk.background(Disk.Lane.COMPACTION, compaction);
    }

    /**
     * Deletes what a failed compaction left of table {@code generation} (its temporary file, or the
     * renamed file it could not sync or open): the inputs stay, so the output is not needed, and
     * leaving it would fill the disk one failure at a time. Runs on the compaction thread.
     */
    private void deletePartialOutput(long generation, Throwable failure) {
        String finalPath = Disk.join(directory, SSTableFormat.fileName(generation));
        try {
            disk.delete(finalPath + SSTableFormat.TEMPORARY_SUFFIX);
            disk.delete(finalPath);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** Runs on the compaction thread: reads only immutable tables and the concurrent memtables. */
    private boolean mayHoldAtOrBefore(List<SSTable> others, DecoratedKey key, long timestampMicros) {
        if (holdsAtOrBefore(activeMemtable.get(), key, timestampMicros)) {
            return true;
        }
        for (Memtable frozen : flushing) {
            if (holdsAtOrBefore(frozen, key, timestampMicros)) {
                return true;
            }
        }
        for (SSTable table : others) {
            if (table.metadata().minTimestampMicros() <= timestampMicros && table.mightContain(key)) {
                return true;
            }
        }
        return false;
    }

    /** As {@link #mayHoldAtOrBefore}, for any entry with {@code token} (a partition of a table). */
    private boolean mayHoldTokenAtOrBefore(List<SSTable> others, long token, long timestampMicros) {
        if (activeMemtable.get().holdsTokenAtOrBefore(token, timestampMicros)) {
            return true;
        }
        for (Memtable frozen : flushing) {
            if (frozen.holdsTokenAtOrBefore(token, timestampMicros)) {
                return true;
            }
        }
        DecoratedKey probe = new DecoratedKey(token, new byte[0]);
        for (SSTable table : others) {
            if (table.metadata().minTimestampMicros() <= timestampMicros && table.mightContain(probe)) {
                return true;
            }
        }
        return false;
    }

    private static boolean holdsAtOrBefore(Memtable memtable, DecoratedKey key, long timestampMicros) {
        Cell cell = memtable.get(key);
        return cell != null && cell.timestampMicros() <= timestampMicros;
    }

    /** Installs the finished compaction; returns its failure, or null. */
    private Throwable installCompaction() {
        BackgroundTask<SSTable> done = compaction;
        List<SSTable> inputs = compactionInputs;
        compaction = null;
        compactionInputs = List.of();
        MaintenanceRun purge = purgeRun;
        purgeRun = null;
        Throwable failure = installCompaction(done, inputs);
        if (purge != null) {
            exclusiveRunning = false;
            purge.finish(purge.removed(), failure == null ? null
                    : new UncheckedIOException("cleanup of " + directory + " failed",
                    failure instanceof IOException io ? io : new IOException(failure)));
        }
        return failure;
    }

    private Throwable installCompaction(BackgroundTask<SSTable> done, List<SSTable> inputs) {
        if (done.failure() != null) {
            lastFailure = done.failure();
            long backoff = RETRY_AFTER_FAILURE_MICROS << Math.min(compactionFailuresInARow, 20);
            backoff = Math.min(backoff, COMPACTION_BACKOFF_MAX_MICROS);
            compactionFailuresInARow++;
            compactionNotBeforeMicros = clock.monotonicMicros() + backoff;
            log.error("compaction in {} failed ({} in a row); its input tables stay, its output was deleted;"
                    + " the next automatic compaction waits {} ms", directory, compactionFailuresInARow,
                    backoff / 1000, done.failure());
            setAsideQuarantined();
            failures.accept(compactionFailure(done.failure(), inputs));
            return done.failure();
        }
        compactionFailuresInARow = 0;
        compactionNotBeforeMicros = Long.MIN_VALUE;
        quarantineAfterCompaction.clear(); // read in full after all: the output holds its entries
        List<SSTable> updated = new ArrayList<>(tables);
        updated.removeAll(inputs);
        if (done.result() != null) {
            updated.add(done.result());
        }
        tables = sortedNewestFirst(updated);
        long[] droppedTokens = compactionDroppedTokens;
        if (compactionDropsEverywhere || droppedTokens == null) {
            entriesDropped.everywhere();
        } else if (droppedTokens.length > 0) {
            entriesDropped.inPartitions(droppedTokens);
        }
        try {
            for (SSTable input : inputs) {
                input.close();
                disk.delete(input.path());
            }
            disk.syncDirectory(directory);
        } catch (IOException e) {
            lastFailure = e;
            log.warn("could not delete compacted tables of {}: {}", directory, e.toString());
        }
        return null;
    }

    /** A failed compaction as a failure to act on: a read failure of the input it names, else a write failure. */
    private StoreFailure compactionFailure(Throwable failure, List<SSTable> inputs) {
        String table = TableReadException.failedTable(failure);
        for (SSTable input : inputs) {
            if (input.path().equals(table)) {
                return new StoreFailure(StoreFailure.Kind.DATA_READ, table, "compaction could not read it: "
                        + failure.getMessage());
            }
        }
        return new StoreFailure(StoreFailure.Kind.DATA_WRITE, null, "compaction in " + directory + " failed: "
                + failure);
    }

    /**
     * Takes the table at {@code path} out of the live set (reads no longer see it) and moves its
     * file into {@code quarantine/} beside the tables directory; a table a compaction is reading
     * is moved once that compaction ends (unless it succeeded: its output holds the entries then).
     * Returns false when no live table has that path. The file is never deleted.
     */
    boolean quarantine(String path) {
        SSTable table = null;
        for (SSTable candidate : tables) {
            if (candidate.path().equals(path)) {
                table = candidate;
            }
        }
        if (table == null) {
            return false;
        }
        List<SSTable> remaining = new ArrayList<>(tables);
        remaining.remove(table);
        tables = List.copyOf(remaining);
        entriesDropped.everywhere();
        if (compactionInputs.contains(table)) {
            quarantineAfterCompaction.add(table);
        } else {
            moveToQuarantine(table);
        }
        return true;
    }

    private void setAsideQuarantined() {
        for (SSTable table : quarantineAfterCompaction) {
            moveToQuarantine(table);
        }
        quarantineAfterCompaction.clear();
    }

    private void moveToQuarantine(SSTable table) {
        String quarantine = StorageLayout.quarantine(parentOf(directory));
        try {
            table.close();
            disk.createDirectories(quarantine);
            String name = table.path().substring(table.path().lastIndexOf('/') + 1);
            String target = Disk.join(quarantine, name);
            for (int suffix = 1; disk.exists(target); suffix++) {
                target = Disk.join(quarantine, name + "." + suffix);
            }
            disk.rename(table.path(), target);
            disk.syncDirectory(directory);
            disk.syncDirectory(quarantine);
            log.error("table {} is quarantined: moved to {}", table.path(), target);
        } catch (IOException e) {
            log.error("table {} is out of service but could not be moved to {} ({}); it is read again after a"
                    + " restart unless moved by hand", table.path(), quarantine, e.toString());
        }
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "." : path.substring(0, slash);
    }

    /** Waits for a running compaction, then compacts every table into one, and waits for that. */
    void compactAllNow() {
        awaitCompaction();
        if (!tables.isEmpty()) { // one table too: it may hold expired cells or tombstones to purge
            startCompaction(tables);
            Throwable failure = awaitCompaction();
            if (failure != null) {
                throw new UncheckedIOException("compaction of " + directory + " failed",
                        failure instanceof IOException io ? io : new IOException(failure));
            }
        }
    }

    /**
     * Rewrites every table without the entries whose key {@code keep} rejects, waiting for it;
     * returns how many entries were removed.
     */
    long purgeNow(Predicate<DecoratedKey> keep) {
        awaitCompaction();
        if (tables.isEmpty()) {
            return 0;
        }
        long[] removed = new long[1]; // written by the compaction thread, read after awaiting it
        // Not paced: the caller (the node's thread, for a cleanup) waits for it, and a node thread
        // held up for minutes would stop answering gossip.
        startCompaction(tables, key -> {
            boolean kept = keep.test(key);
            removed[0] += kept ? 0 : 1;
            return kept;
        }, ByteThrottle.NONE, true);
        Throwable failure = awaitCompaction();
        if (failure != null) {
            throw new UncheckedIOException("cleanup of " + directory + " failed",
                    failure instanceof IOException io ? io : new IOException(failure));
        }
        return removed[0];
    }

    /**
     * Starts a cleanup rewrite of every table (as {@link #purgeNow}) without waiting: at once when no
     * compaction or other exclusive work runs, else as soon as they finished. Automatic compactions
     * wait until it is done. The run finishes on the owner's thread, in {@link #installCompleted}.
     */
    void startPurge(Predicate<DecoratedKey> keep, MaintenanceRun run) {
        whenExclusive(() -> {
            if (tables.isEmpty()) {
                exclusiveRunning = false;
                run.finish(0, null);
                startExclusive();
                return;
            }
            run.begin(tables);
            purgeRun = run;
            // Not paced: an operator waits for a cleanup; it runs off the node's thread.
            startCompaction(tables, key -> run.examined(keep.test(key)), run::written, true);
        });
    }

    /**
     * Hard-links the tables into snapshot {@code name} on a worker thread, once no compaction or other
     * exclusive work runs (the linked tables cannot be deleted under it); automatic compactions wait
     * until it is done. The run finishes on the owner's thread, in {@link #settleSnapshot}.
     */
    void startSnapshot(String engineDirectory, String name, MaintenanceRun run) {
        whenExclusive(() -> {
            List<SSTable> linked = tables;
            run.begin(linked);
            BackgroundTask<Integer> task = new BackgroundTask<>(
                    () -> Snapshots.create(disk, engineDirectory, name, linked), backgroundFinished);
            run.attach(task);
            linking = task;
            disk.background(Disk.Lane.COMPACTION, task);
        });
    }

    /** On the owner's thread: finishes a snapshot run whose links are done; returns whether it finished. */
    boolean settleSnapshot(MaintenanceRun run) {
        BackgroundTask<Integer> task = run.task();
        if (run.isFinished() || task == null || !task.isDone()) {
            return run.isFinished();
        }
        exclusiveRunning = false;
        linking = null;
        Throwable failure = task.failure();
        run.finish(failure == null ? task.result() : 0, failure);
        startExclusive();
        return true;
    }

    private void whenExclusive(Runnable start) {
        exclusiveWaiting.add(start);
        startExclusive();
    }

    private void startExclusive() {
        if (compaction == null && !exclusiveRunning && !exclusiveWaiting.isEmpty()) {
            exclusiveRunning = true;
            exclusiveWaiting.poll().run();
        }
    }

    /** Waits for the running compaction, if any, and installs it; returns its failure, or null. */
    private Throwable awaitCompaction() {
        Throwable failure = null;
        while (compaction != null) {
            compaction.await();
            failure = installCompaction();
        }
        return failure;
    }

    /** Waits for all background work and starts no more (before closing). */
    void awaitAll() {
        closing = true;
        for (PendingFlush pending : pendingFlushes) {
            if (pending.task != null) {
                pending.task.await();
            }
        }
        installCompleted();
        awaitCompaction();
        BackgroundTask<Integer> links = linking;
        if (links != null) {
            links.await();
        }
    }

    void closeTables() throws IOException {
        for (SSTable table : tables) {
            table.close();
        }
    }

    private static List<SSTable> sortedNewestFirst(List<SSTable> tables) {
        List<SSTable> sorted = new ArrayList<>(tables);
        sorted.sort((a, b) -> Long.compare(b.generation(), a.generation()));
        return List.copyOf(sorted);
    }
}
