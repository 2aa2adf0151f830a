package ringdb.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import ringdb.core.Clock;
import ringdb.core.Timers;
import ringdb.core.data.Cell;
import ringdb.core.data.Limits;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;
import ringdb.storage.commitlog.CommitLog;
import ringdb.storage.commitlog.CommitLogPosition;
import ringdb.storage.compaction.Compactor;
import ringdb.storage.compaction.SizeTieredStrategy;
import ringdb.storage.disk.Disk;
import ringdb.storage.memtable.Memtable;
import ringdb.storage.sstable.SSTable;
import ringdb.storage.sstable.TableWriter;

/**
 * The per-node storage engine: commit log, memtable, sorted tables, size-tiered compaction.
 * Implements {@link LocalStore}; keys are opaque bytes, so the hints store reuses it as a second
 * instance in its own directory.
 *
 * <p>Threading: every method is called from the owning node's thread (as {@link LocalStore}
 * says). Durability callbacks of GROUP mode run on the disk's sync thread. The memtable tolerates
 * concurrent readers; {@link #stats()} may be called from any thread.
 *
 * <p>Flushes and compactions run synchronously on the calling thread when a limit is passed.
 */
public final class StorageEngine implements LocalStore, AutoCloseable {
    private final Disk disk;
    private final String directory;
    private final String tablesDirectory;
    private final StorageConfig config;
    private final Clock clock;
    private final Timers timers;
    private final CommitLog commitLog;
    private final RecoveryReport recoveryReport;
    private volatile Memtable memtable;
    private volatile Memtable flushing;
    private volatile List<SSTable> tables; // newest first, replaced on change
    private long nextGeneration;
    private Timers.Cancellable flushTimer;
    private Timers.Cancellable syncTimer;
    private boolean closed;

    private StorageEngine(Disk disk, String directory, StorageConfig config, Clock clock, Timers timers,
                          Recovery.Recovered recovered) throws IOException {
        this.disk = disk;
        this.directory = directory;
        this.tablesDirectory = StorageLayout.tables(directory);
        this.config = config;
        this.clock = clock;
        this.timers = timers;
        this.memtable = recovered.memtable();
        this.tables = List.copyOf(recovered.tables());
        this.nextGeneration = recovered.nextGeneration();
        this.recoveryReport = recovered.report();
        this.commitLog = new CommitLog(disk, StorageLayout.commitLog(directory), config.syncMode(),
                config.commitLogSegmentSizeBytes(), recovered.nextSegmentId(), recovered.segmentSizes());
    }

    /**
     * Opens (or creates) the engine stored under {@code directory}: verifies tables, replays the
     * commit log, and starts the periodic flush and (in PERIODIC mode) sync timers.
     *
     * @throws CorruptionException naming the file and offset when a table or a commit log record
     *                             before the tail is damaged
     */
    public static StorageEngine open(Disk disk, String directory, StorageConfig config, Clock clock, Timers timers)
            throws IOException {
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(config, "config");
        Recovery.Recovered recovered = Recovery.recover(disk, directory, config);
        StorageEngine engine;
        try {
            engine = new StorageEngine(disk, directory, config, clock, timers, recovered);
        } catch (IOException | RuntimeException e) {
            for (SSTable table : recovered.tables()) {
                table.close();
            }
            throw e;
        }
        engine.scheduleTimers();
        return engine;
    }

    private void scheduleTimers() {
        if (config.flushPeriodMicros() > 0) {
            flushTimer = timers.schedule(config.flushPeriodMicros(), this::periodicFlush);
        }
        if (config.syncMode() == SyncMode.PERIODIC) {
            syncTimer = timers.schedule(config.periodicSyncMicros(), this::periodicSync);
        }
    }

    private void periodicFlush() {
        if (closed) {
            return;
        }
        if (!memtable.isEmpty()) {
            flush();
        }
        flushTimer = timers.schedule(config.flushPeriodMicros(), this::periodicFlush);
    }

    private void periodicSync() {
        if (closed) {
            return;
        }
        commitLog.syncInBackground();
        syncTimer = timers.schedule(config.periodicSyncMicros(), this::periodicSync);
    }

    /** What opening the engine found: replayed records, torn tails cut, records skipped. */
    public RecoveryReport recoveryReport() {
        return recoveryReport;
    }

    public StorageConfig config() {
        return config;
    }

    @Override
    public void apply(byte[] key, Cell cell, Consumer<Throwable> onDurable) {
        Limits.checkKey(key);
        Limits.checkValue(cell.value(), config.valueSizeBytesMax());
        if (closed) {
            onDurable.accept(new IllegalStateException("storage engine is closed"));
            return;
        }
        try {
            commitLog.append(key, cell);
        } catch (IOException e) {
            onDurable.accept(e);
            return;
        }
        memtable.put(DecoratedKey.of(key), cell);
        commitLog.acknowledge(onDurable);
        if (memtable.sizeBytes() > config.memtableSizeBytesMax() || commitLog.sizeBytes() > config.commitLogSizeBytesMax()) {
            flush();
        }
    }

    @Override
    public Cell read(byte[] key) {
        Limits.checkKey(key);
        DecoratedKey decorated = DecoratedKey.of(key);
        Cell best = memtable.get(decorated);
        Memtable beingFlushed = flushing;
        if (beingFlushed != null) {
            best = Cell.reconcile(best, beingFlushed.get(decorated));
        }
        try {
            for (SSTable table : tables) {
                if (best != null && best.timestampMicros() > table.metadata().maxTimestampMicros()) {
                    continue; // nothing in this table can win
                }
                best = Cell.reconcile(best, table.get(decorated));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return best;
    }

    @Override
    public List<Entry> scan(long startTokenExclusive, long endTokenInclusive, DecoratedKey after, int maxEntries) {
        return new RangeScan(this::sources).scan(startTokenExclusive, endTokenInclusive, after, maxEntries);
    }

    /** Sorted sources (memtables and tables) of entries after {@code fromExclusive}. */
    private List<Iterator<Map.Entry<DecoratedKey, Cell>>> sources(DecoratedKey fromExclusive) {
        List<Iterator<Map.Entry<DecoratedKey, Cell>>> sources = new ArrayList<>();
        sources.add(memtable.iterator(fromExclusive));
        Memtable beingFlushed = flushing;
        if (beingFlushed != null) {
            sources.add(beingFlushed.iterator(fromExclusive));
        }
        for (SSTable table : tables) {
            sources.add(table.iterator(fromExclusive));
        }
        return sources;
    }

    @Override
    public Stats stats() {
        List<SSTable> current = tables;
        long keys = memtable.size();
        long tablesBytes = 0;
        for (SSTable table : current) {
            keys += table.metadata().entryCount();
            tablesBytes += table.sizeBytes();
        }
        long memtableBytes = memtable.sizeBytes();
        return new Stats(keys, tablesBytes + memtableBytes, memtableBytes, current.size(), commitLog.sizeBytes(), tablesBytes);
    }

    /** The open tables, newest first (for tools and tests). */
    public List<SSTable> tables() {
        return tables;
    }

    @Override
    public void flush() {
        checkOpen();
        if (memtable.isEmpty()) {
            return;
        }
        try {
            flushMemtable();
            compactWhileNeeded();
        } catch (IOException e) {
            throw new UncheckedIOException("flush of " + directory + " failed", e);
        }
    }

    private void flushMemtable() throws IOException {
        CommitLogPosition covered = commitLog.rollover();
        Memtable toFlush = memtable;
        flushing = toFlush;
        memtable = new Memtable();
        try {
            String path = TableWriter.write(disk, tablesDirectory, nextGeneration++, toFlush.view().entrySet().iterator(),
                    toFlush.size(), covered, config.blockSizeBytes());
            List<SSTable> updated = new ArrayList<>();
            updated.add(SSTable.open(disk, path, false));
            updated.addAll(tables);
            tables = List.copyOf(updated);
        } catch (IOException | RuntimeException e) {
            memtable = mergeBack(toFlush, memtable);
            throw e;
        } finally {
            flushing = null;
        }
        commitLog.deleteSegmentsBefore(covered.segmentId());
    }

    private static Memtable mergeBack(Memtable older, Memtable newer) {
        Memtable merged = new Memtable();
        older.view().forEach(merged::put);
        newer.view().forEach(merged::put);
        return merged;
    }

    /** Runs size-tiered compactions until no bucket is over its threshold. */
    public void compactWhileNeeded() throws IOException {
        while (true) {
            List<SSTable> selected = SizeTieredStrategy.select(tables, config.compactionThresholdMin(),
                    config.compactionThresholdMax());
            if (selected.isEmpty()) {
                return;
            }
            compact(selected);
        }
    }

    /** Compacts every table into one (a major compaction). */
    public void compactAll() throws IOException {
        checkOpen();
        if (tables.size() > 1 || !tables.isEmpty() && tables.get(0).metadata().tombstoneCount() > 0) {
            compact(tables);
        }
    }

    /**
     * Cleanup: flushes the memtable, then rewrites every table without the entries whose token
     * {@code keep} rejects (no tombstones are written: the data simply goes). Synchronous.
     */
    @Override
    public long purge(java.util.function.LongPredicate keep) {
        checkOpen();
        try {
            if (!memtable.isEmpty()) {
                flushMemtable();
            }
            if (tables.isEmpty()) {
                return 0;
            }
            long[] removed = new long[1];
            compact(tables, token -> {
                boolean kept = keep.test(token);
                removed[0] += kept ? 0 : 1;
                return kept;
            });
            return removed[0];
        } catch (IOException e) {
            throw new UncheckedIOException("cleanup of " + directory + " failed", e);
        }
    }

    private void compact(List<SSTable> inputs) throws IOException {
        compact(inputs, token -> true);
    }

    private void compact(List<SSTable> inputs, java.util.function.LongPredicate keepToken) throws IOException {
        List<SSTable> others = new ArrayList<>(tables);
        others.removeAll(inputs);
        Compactor.TombstoneGuard guard = (key, timestamp) -> mayHoldAtOrBefore(others, key, timestamp);
        long purgeBefore = clock.nowMicros() - config.gcGraceMicros();
        Compactor.Result result = Compactor.compact(disk, tablesDirectory, nextGeneration++, inputs, purgeBefore, guard,
                config.blockSizeBytes(), keepToken);
        List<SSTable> updated = new ArrayList<>();
        if (result.outputPath() != null) {
            updated.add(SSTable.open(disk, result.outputPath(), false));
        }
        updated.addAll(others);
        updated.sort((a, b) -> Long.compare(b.generation(), a.generation()));
        tables = List.copyOf(updated);
        for (SSTable input : inputs) {
            input.close();
            disk.delete(input.path());
        }
        disk.syncDirectory(tablesDirectory);
    }

    private boolean mayHoldAtOrBefore(List<SSTable> others, DecoratedKey key, long timestampMicros) {
        Cell inMemory = memtable.get(key);
        if (inMemory != null && inMemory.timestampMicros() <= timestampMicros) {
            return true;
        }
        for (SSTable table : others) {
            if (table.metadata().minTimestampMicros() <= timestampMicros && table.mightContain(key)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Flushes, then hard-links every table into {@code snapshots/<name>/}: a point-in-time copy that
     * costs no space until compaction replaces the tables. Returns the tables linked.
     */
    public int snapshot(String name) {
        checkOpen();
        flush();
        try {
            return Snapshots.create(disk, directory, name, tables);
        } catch (IOException e) {
            throw new UncheckedIOException("snapshot " + name + " of " + directory + " failed", e);
        }
    }

    /** Snapshots of this engine, by name. */
    public List<Snapshots.Snapshot> listSnapshots() throws IOException {
        return Snapshots.list(disk, directory);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        cancelTimers();
        try {
            commitLog.close();
            for (SSTable table : tables) {
                table.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("closing " + directory + " failed", e);
        }
    }

    private void cancelTimers() {
        if (flushTimer != null) {
            flushTimer.cancel();
        }
        if (syncTimer != null) {
            syncTimer.cancel();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("storage engine " + directory + " is closed");
        }
    }
}
