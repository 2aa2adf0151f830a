package ringdb.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ringdb.core.Clock;
import ringdb.core.Timers;
import ringdb.core.data.Cell;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.data.Limits;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;
import ringdb.core.store.PartitionRecords;
import ringdb.core.store.StoreFailure;
import ringdb.storage.commitlog.CommitLog;
import ringdb.storage.commitlog.CommitLogFormat;
import ringdb.storage.commitlog.CommitLogRecords;
import ringdb.storage.commitlog.CommitLogPosition;
import ringdb.storage.disk.Disk;
import ringdb.storage.memtable.Memtable;
import ringdb.storage.rows.EntryKeys;
import ringdb.storage.sstable.SSTable;

/**
 * The per-node storage engine: commit log, memtable, sorted tables, size-tiered compaction.
 * Implements {@link LocalStore}; keys are opaque bytes, so the hints store reuses it as a second
 * instance in its own directory.
 *
 * <p>Threading: every method is called from the owning node's thread (as {@link LocalStore}
 * says). Durability callbacks of GROUP mode run on the disk's sync thread. The memtable tolerates
 * concurrent readers; {@link #stats()} may be called from any thread.
 *
 * <p>Flushes and compactions run through {@link Disk#background}: on the real disk, off the
 * node's thread (the node keeps serving from the frozen memtable meanwhile); on the simulated
 * disk, inline. {@link #flush()} and {@link #compactAll()} wait for their work.
 *
 * <p>{@link #flushAsync}, {@link #purgeAsync} and {@link #snapshotAsync} do not wait: their file work
 * runs on the disk's workers, and when a worker finishes while such an operation waits, the engine
 * comes back to its owner's thread through {@code timers.schedule(0, …)} (so the runtime's
 * {@link Timers} must accept calls from any thread, as the node thread's does) to install what was
 * written and complete the operation there. On a disk without threads they complete before returning.
 */
public final class StorageEngine implements LocalStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StorageEngine.class);

    private final Disk disk;
    private final String directory;
    private final String tablesDirectory;
    private final StorageConfig config;
    private final Clock clock;
    private final Timers timers;
    private final CommitLog commitLog;
    private final RecoveryReport recoveryReport;
    private final TableSet tableSet;
    /** Whole small partitions as slices read them; node thread only (see {@link PartitionCache}). */
    private final PartitionCache partitionCache;
    private final AutoCloseable lock;
    private volatile Memtable memtable;
    private Timers.Cancellable flushTimer;
    private Timers.Cancellable syncTimer;
    private volatile boolean closed;
    /** Asynchronous operations waiting for background work, checked on the owner's thread. */
    private final List<Waiter> waiters = new ArrayList<>();
    /** How many waiters there are, for the workers (which wake the owner only when one waits). */
    private volatile int waiterCount;
    private final List<MaintenanceRun> running = new CopyOnWriteArrayList<>();

    private record Waiter(BooleanSupplier ready, Runnable then) {
    }
    private volatile Consumer<StoreFailure> failureListener = failure -> { };

    private StorageEngine(Disk disk, String directory, StorageConfig config, Clock clock, Timers timers,
                          Recovery.Recovered recovered, AutoCloseable lock) throws IOException {
        this.disk = disk;
        this.lock = lock;
        this.directory = directory;
        this.tablesDirectory = StorageLayout.tables(directory);
        this.config = config;
        this.clock = clock;
        this.timers = timers;
        this.memtable = recovered.memtable();
        this.recoveryReport = recovered.report();
        this.commitLog = new CommitLog(disk, StorageLayout.commitLog(directory), config.syncMode(),
                config.commitLogSegmentSizeBytes(), recovered.nextSegmentId(), recovered.segmentSizes());
        this.partitionCache = new PartitionCache(config.partitionCacheSizeBytes());
        this.tableSet = new TableSet(disk, tablesDirectory, config, clock, commitLog, recovered.tables(),
                recovered.nextGeneration(), () -> memtable, this::report, this::backgroundFinished,
                partitionCache);
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
        AutoCloseable lock = disk.lockDirectory(directory);
        try {
            Recovery.Recovered recovered = Recovery.recover(disk, directory, config);
            StorageEngine engine;
            try {
                engine = new StorageEngine(disk, directory, config, clock, timers, recovered, lock);
            } catch (IOException | RuntimeException e) {
                for (SSTable table : recovered.tables()) {
                    table.close();
                }
                throw e;
            }
            engine.scheduleTimers();
            return engine;
        } catch (IOException | RuntimeException e) {
            release(lock);
            throw e;
        }
    }

    private static void release(AutoCloseable lock) {
        try {
            lock.close();
        } catch (Exception e) {
            log.warn("could not release a storage directory lock: {}", e.toString());
        }
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
        tableSet.installCompleted();
        if (!tableSet.flushPending()) {
            flushInBackground();
        }
        flushTimer = timers.schedule(config.flushPeriodMicros(), this::periodicFlush);
    }

    private void periodicSync() {
        if (closed) {
            return;
        }
        commitLog.syncInBackground(this::commitLogFailed);
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
        Limits.checkStorageKey(key);
        Limits.checkValue(cell.value(), config.valueSizeBytesMax());
        if (closed) {
            onDurable.accept(new IllegalStateException("storage engine is closed"));
            return;
        }
        try {
            commitLog.append(key, cell);
        } catch (IOException e) {
            onDurable.accept(e);
            commitLogFailed(e);
            return;
        }
        DecoratedKey decorated = EntryKeys.decorate(config.partitioner(), key);
        memtable.put(decorated, cell);
        partitionCache.written(new Entry(decorated, cell));
        afterAppend(onDurable);
    }

    /**
     * Applies {@code entries} as one commit log record (replayed all or none after a crash), then
     * to the memtable. Every key and value is checked first, and the batch must fit one record.
     */
    @Override
    public void applyBatch(List<Entry> entries, Consumer<Throwable> onDurable) {
        if (entries.isEmpty()) {
            onDurable.accept(null);
            return;
        }
        byte[] verified = null; // the last key whose token was computed; its partition's end
        int verifiedEnd = -1;
        long verifiedToken = 0;
        for (Entry entry : entries) {
            byte[] key = entry.key().key();
            Limits.checkStorageKey(key);
            Limits.checkValue(entry.cell().value(), config.valueSizeBytesMax());
            // The entries of a mutation are of one partition: its token is computed (a hash) once,
            // and an entry that begins with the same whole partition key has the same token.
            boolean samePartition = verifiedEnd > 0 && key.length > verifiedEnd
                    && entry.key().token() == verifiedToken
                    && Arrays.equals(key, 0, verifiedEnd, verified, 0, verifiedEnd);
            if (!samePartition) {
                DecoratedKey decorated = EntryKeys.decorate(config.partitioner(), key);
                if (decorated.token() != entry.key().token()) {
                    throw new IllegalArgumentException("entry token " + entry.key().token()
                            + " is not its key's token " + decorated.token());
                }
                verified = key;
                verifiedEnd = EntryKeys.partitionEnd(key);
                verifiedToken = decorated.token();
            }
        }
        long payload = CommitLogRecords.batchSize(entries);
        if (payload > CommitLogFormat.PAYLOAD_SIZE_BYTES_MAX) {
            throw new InvalidRequestException("a batch of " + entries.size() + " entries takes " + payload
                    + " bytes, more than one commit log record holds (" + CommitLogFormat.PAYLOAD_SIZE_BYTES_MAX
                    + " bytes)");
        }
        if (closed) {
            onDurable.accept(new IllegalStateException("storage engine is closed"));
            return;
        }
        try {
            commitLog.appendBatch(entries);
        } catch (IOException e) {
            onDurable.accept(e);
            commitLogFailed(e);
            return;
        }
        for (Entry entry : entries) {
            memtable.put(entry.key(), entry.cell()); // its token was checked against its key above
        }
        partitionCache.written(entries);
        afterAppend(onDurable);
    }

    private void afterAppend(Consumer<Throwable> onDurable) {
        commitLog.acknowledge(error -> {
            onDurable.accept(error);
            if (error != null) {
                commitLogFailed(error);
            }
        });
        tableSet.installCompleted();
        if (memtable.sizeBytes() > config.memtableSizeBytesMax()
                || commitLog.sizeBytes() > config.commitLogSizeBytesMax()) {
            flushInBackground();
        }
    }

    /**
     * A limit was passed: start a flush unless one is under way. If the memtable outgrows twice its
     * limit while a flush is under way, writes are outrunning the disk: wait for it (backpressure).
     */
    private void flushInBackground() {
        try {
            if (!tableSet.flushPending()) {
                if (!tableSet.inRetryBackoff()) {
                    startFlush();
                }
                return;
            }
            if (memtable.sizeBytes() > 2 * config.memtableSizeBytesMax()) {
                tableSet.awaitFlushes();
                startFlush();
            }
        } catch (UncheckedIOException e) {
            // The write itself is logged and applied; the data stays in memory and the commit log.
            log.error("flush of {} failed; it will be retried", directory, e);
        }
    }

    private void startFlush() {
        if (memtable.isEmpty()) {
            return;
        }
        CommitLogPosition covered;
        try {
            covered = commitLog.rollover();
        } catch (IOException e) {
            commitLogFailed(e);
            throw new UncheckedIOException("flush of " + directory + " could not start a new commit log segment", e);
        }
        Memtable frozen = memtable;
        memtable = new Memtable(frozen.indexedSize(), frozen.partitionCount());
        frozen.freeze(); // no write reaches it any more: the flush's walk may build its sorted map in one pass
        tableSet.startFlush(frozen, covered);
    }

    @Override
    public Cell read(byte[] key) {
        Limits.checkStorageKey(key);
        tableSet.installCompleted();
        DecoratedKey decorated = EntryKeys.decorate(config.partitioner(), key);
        Cell best = memtable.get(decorated);
        for (Memtable frozen : tableSet.flushing()) {
            best = Cell.reconcile(best, frozen.get(decorated));
        }
        for (SSTable table : tableSet.tables()) {
            if (best != null && best.timestampMicros() > table.metadata().maxTimestampMicros()) {
                continue; // nothing in this table can win
            }
            try {
                best = Cell.reconcile(best, table.get(decorated));
            } catch (IOException e) {
                report(new StoreFailure(StoreFailure.Kind.DATA_READ, table.path(), e.getMessage()));
                throw new UncheckedIOException(e);
            }
        }
        return best;
    }

    @Override
    public List<Entry> scan(long startTokenExclusive, long endTokenInclusive, DecoratedKey after, int maxEntries) {
        tableSet.installCompleted();
        try {
            return new RangeScan(this::sources).scan(startTokenExclusive, endTokenInclusive, after, maxEntries);
        } catch (UncheckedIOException e) {
            String table = TableReadException.failedTable(e);
            report(new StoreFailure(StoreFailure.Kind.DATA_READ, table, e.getCause().getMessage()));
            throw e;
        }
    }

    /**
     * The slice, from the partition cache when it holds the partition, else streamed from the memtables
     * and the tables whose bloom filter admits the token: the merge holds one entry per source (and one
     * data block per table), never the partition. A read of a whole partition of a table that returned
     * all of it (fewer entries than asked) fills the cache, when the partition is small.
     */
    @Override
    public List<Entry> slice(long token, byte[] fromInclusive, byte[] toExclusive, boolean reversed,
                             int maxEntries) {
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries must be positive, was " + maxEntries);
        }
        tableSet.installCompleted();
        if (Arrays.compareUnsigned(fromInclusive, toExclusive) >= 0) {
            return new ArrayList<>();
        }
        PartitionCache.Partition cached = cachedPartition(token, fromInclusive, toExclusive);
        if (cached != null) {
            return cached.slice(fromInclusive, toExclusive, reversed, maxEntries);
        }
        boolean mayFill = partitionCache.enabled() && PartitionCache.isWholePartition(fromInclusive, toExclusive);
        if (!mayFill && partitionCache.enabled() && maxEntries > PartitionCache.PARTITION_ENTRIES_MAX) {
            cached = fillForSlice(token, fromInclusive, toExclusive);
            if (cached != null) {
                return cached.slice(fromInclusive, toExclusive, reversed, maxEntries);
            }
        }
        long readSequence = mayFill ? partitionCache.writeSequence() : 0;
        List<Entry> found = sliceUncached(token, fromInclusive, toExclusive, reversed, maxEntries);
        if (mayFill && found.size() < maxEntries) {
            partitionCache.miss();
            partitionCache.fill(token, fromInclusive, toExclusive, found, reversed, readSequence);
        }
        return found;
    }

    /**
     * A slice inside one partition (a row, or every row of it) that may read more than the largest partition
     * the cache holds reads the whole partition instead, up to one entry past that size, and caches it when
     * it fits: the partition that now holds {@code [from, to)}, or null (not one partition, too large, or a
     * write came in meanwhile) for the caller to read the slice itself. It reads no more than the slice was
     * allowed to, and a row read (a partition of one row, with its deletions) is then answered from memory.
     */
    private PartitionCache.Partition fillForSlice(long token, byte[] from, byte[] to) {
        int partitionEnd = EntryKeys.partitionEnd(from);
        if (partitionEnd < 0) {
            return null;
        }
        byte[] start = Arrays.copyOf(from, partitionEnd);
        byte[] end = start.clone();
        end[partitionEnd - 1]++;
        boolean insidePartition = to.length >= partitionEnd && Arrays.equals(from, 0, partitionEnd, to, 0, partitionEnd)
                || Arrays.equals(to, end);
        if (!insidePartition) {
            return null;
        }
        long readSequence = partitionCache.writeSequence();
        List<Entry> whole = sliceUncached(token, start, end, false, PartitionCache.PARTITION_ENTRIES_MAX + 1);
        partitionCache.miss();
        PartitionCache.Partition cached = partitionCache.fill(token, start, end, whole, false, readSequence);
        return cached != null && cached.covers(from, to) ? cached : null;
    }

    /** The cached partition holding {@code [from, to)} of {@code token}, or null; a hit is counted. */
    private PartitionCache.Partition cachedPartition(long token, byte[] from, byte[] to) {
        PartitionCache.Partition cached = lookUpCached(token, from, to);
        if (cached != null) {
            partitionCache.hit(cached);
        }
        return cached;
    }

    /** The partition a declined read from memory built and set aside, holding {@code [from, to)}, or null. */
    private PartitionCache.Partition setAside(long token, byte[] from, byte[] to) {
        int partitionEnd = EntryKeys.partitionEnd(from);
        if (!partitionCache.enabled() || partitionEnd < 0) {
            return null;
        }
        PartitionCache.Partition kept = partitionCache.takeSetAside(token, from, partitionEnd);
        return kept == null || !kept.covers(from, to) ? null : kept;
    }

    private PartitionCache.Partition lookUpCached(long token, byte[] from, byte[] to) {
        if (!partitionCache.enabled()) {
            return null;
        }
        int partitionEnd = EntryKeys.partitionEnd(from);
        if (partitionEnd < 0) {
            return null;
        }
        PartitionCache.Partition cached = partitionCache.get(token, from, partitionEnd);
        return cached == null || !cached.covers(from, to) ? null : cached;
    }

    /**
     * A row read's slice and its partition's deletions from one look-up of the partition cache when it
     * holds the partition (one hit counted), else as {@link #slice} and then {@link #rangeTombstones};
     * when that slice filled the cache, the deletions come from the partition it cached, and the read
     * counts as one miss, not a miss and a hit.
     */
    @Override
    public PartitionSlice sliceOfPartition(long token, byte[] fromInclusive, byte[] toExclusive, boolean reversed,
                                           int maxEntries, byte[] partitionStart, byte[] partitionEnd) {
        if (maxEntries > 0 && Arrays.compareUnsigned(fromInclusive, toExclusive) < 0
                && Arrays.compareUnsigned(partitionStart, partitionEnd) < 0) {
            tableSet.installCompleted();
            PartitionCache.Partition cached = lookUpCached(token, fromInclusive, toExclusive);
            if (cached != null && cached.covers(partitionStart, partitionEnd)) {
                partitionCache.hit(cached);
                return new PartitionSlice(cached.slice(fromInclusive, toExclusive, reversed, maxEntries),
                        cached.deletions(partitionStart, partitionEnd));
            }
            PartitionCache.Partition setAside = cached != null ? null : setAside(token, fromInclusive, toExclusive);
            if (setAside != null && setAside.covers(partitionStart, partitionEnd)) { // its miss is counted
                return new PartitionSlice(setAside.slice(fromInclusive, toExclusive, reversed, maxEntries),
                        setAside.deletions(partitionStart, partitionEnd));
            }
            if (cached == null && partitionCache.enabled() && partitionCache.isTooLarge(token, partitionStart)) {
                // a read from memory read as much of it as the cache takes, and no more is cached since
                return withDeletions(sliceUncached(token, fromInclusive, toExclusive, reversed, maxEntries), token,
                        partitionStart, partitionEnd);
            }
            if (cached == null && partitionCache.enabled() && maxEntries > PartitionCache.PARTITION_ENTRIES_MAX
                    && !PartitionCache.isWholePartition(fromInclusive, toExclusive)) {
                return readWholeForSlice(token, fromInclusive, toExclusive, reversed, maxEntries, partitionStart,
                        partitionEnd);
            }
            List<Entry> entries = slice(token, fromInclusive, toExclusive, reversed, maxEntries);
            return withDeletions(entries, token, partitionStart, partitionEnd);
        }
        return LocalStore.super.sliceOfPartition(token, fromInclusive, toExclusive, reversed, maxEntries,
                partitionStart, partitionEnd);
    }

    /**
     * The partition cache's copy of the partition, read by {@code reader} in place; a hit is counted when
     * the reader answers (one that declines leaves the read to {@link #sliceOfPartition}, which counts it).
     * A whole partition of a table the cache misses is read from the memtables and tables as
     * {@link #sliceOfPartition} reads it on a miss (one miss counted, the cache filled when it admits the
     * partition) and handed to {@code reader} in the same compact form, so a miss skips the general read's
     * entry objects too; a partition too large to cache, or one a write reached meanwhile, gets null. A partition
     * the cache does not take is kept for the general read that follows: whole when it holds no more entries
     * than the cache takes (held larger than its byte limit), else as a note that it is too large, so that read
     * reads only its slices and the read counts one miss, not two; until a write comes, the next read from
     * memory of it counts its miss without reading it again.
     */
    @Override
    public <T> T readInMemory(long token, byte[] partitionStart, byte[] partitionEnd,
                              Function<PartitionRecords, T> reader) {
        if (Arrays.compareUnsigned(partitionStart, partitionEnd) >= 0) {
            return null;
        }
        tableSet.installCompleted();
        PartitionCache.Partition cached = lookUpCached(token, partitionStart, partitionEnd);
        if (cached == null) {
            return partitionCache.enabled() && PartitionCache.isWholePartition(partitionStart, partitionEnd)
                    ? readMissedInMemory(token, partitionStart, partitionEnd, reader) : null;
        }
        T answer = reader.apply(cached.records());
        if (answer != null) {
            partitionCache.hit(cached);
        }
        return answer;
    }

    /**
     * {@link #readInMemory} of a whole partition the cache missed: read in full (up to one entry past the
     * largest the cache holds) and built compactly, filling the cache when it admits it. When {@code reader}
     * declines a partition the cache did not admit, it is kept aside for the {@link #sliceOfPartition} that
     * follows ({@link PartitionCache#setAside}), so that read does not read the tables again. A table read
     * failure gets null: the general read reads it again and reports it.
     */
    private <T> T readMissedInMemory(long token, byte[] partitionStart, byte[] partitionEnd,
                                     Function<PartitionRecords, T> reader) {
        if (partitionCache.isTooLarge(token, partitionStart)) {
            partitionCache.miss();
            return null;
        }
        long readSequence = partitionCache.writeSequence();
        List<Entry> whole;
        try {
            whole = merge(sources(token, partitionStart, partitionEnd, false), false,
                    PartitionCache.PARTITION_ENTRIES_MAX + 1);
        } catch (UncheckedIOException e) {
            return null;
        }
        partitionCache.miss();
        PartitionCache.Partition built = partitionCache.fill(token, partitionStart, partitionEnd, whole, false,
                readSequence);
        if (built == null) {
            if (whole.size() > PartitionCache.PARTITION_ENTRIES_MAX) {
                partitionCache.setAsideTooLarge(token, partitionStart.clone(), readSequence);
            } else {
                partitionCache.setAside(new PartitionCache.Partition(token, partitionStart.clone(),
                        CompactEntries.of(partitionStart, whole)), readSequence);
            }
            return null;
        }
        T answer = reader.apply(built.records());
        if (answer == null) {
            partitionCache.setAside(built, readSequence);
        }
        return answer;
    }

    /**
     * A row read the cache missed, as {@link #slice} answers it ({@link #fillForSlice}, else the slice alone),
     * its deletions from the partition that read built whether the cache admitted it or not (it holds the
     * whole partition), so a miss looks the cache up once and reads no table's deletions.
     */
    private PartitionSlice readWholeForSlice(long token, byte[] fromInclusive, byte[] toExclusive, boolean reversed,
                                             int maxEntries, byte[] partitionStart, byte[] partitionEnd) {
        PartitionCache.Partition whole = fillForSlice(token, fromInclusive, toExclusive);
        List<Entry> entries = whole != null ? whole.slice(fromInclusive, toExclusive, reversed, maxEntries)
                : sliceUncached(token, fromInclusive, toExclusive, reversed, maxEntries);
        if (whole != null && whole.covers(partitionStart, partitionEnd)) {
            return new PartitionSlice(entries, whole.deletions(partitionStart, partitionEnd));
        }
        return withDeletions(entries, token, partitionStart, partitionEnd);
    }

    /**
     * {@code entries} with the partition's deletions: from the cached partition when the read just filled
     * the cache with it, else from the memtables and tables ({@link #rangeTombstones}).
     */
    private PartitionSlice withDeletions(List<Entry> entries, long token, byte[] partitionStart, byte[] partitionEnd) {
        PartitionCache.Partition filled = lookUpCached(token, partitionStart, partitionEnd);
        if (filled != null) {
            return new PartitionSlice(entries, filled.deletions(partitionStart, partitionEnd));
        }
        return new PartitionSlice(entries, rangeTombstones(token, partitionStart, partitionEnd));
    }

    private List<Entry> sliceUncached(long token, byte[] fromInclusive, byte[] toExclusive, boolean reversed,
                                      int maxEntries) {
        List<Iterator<Map.Entry<DecoratedKey, Cell>>> sources = sources(token, fromInclusive, toExclusive, reversed);
        try {
            return merge(sources, reversed, maxEntries);
        } catch (UncheckedIOException e) {
            String table = TableReadException.failedTable(e);
            report(new StoreFailure(StoreFailure.Kind.DATA_READ, table, e.getCause().getMessage()));
            throw e;
        }
    }

    /** The memtables' and the tables' iterators over {@code [from, to)} of {@code token}, for a merge. */
    private List<Iterator<Map.Entry<DecoratedKey, Cell>>> sources(long token, byte[] fromInclusive,
                                                                  byte[] toExclusive, boolean reversed) {
        DecoratedKey from = new DecoratedKey(token, fromInclusive);
        DecoratedKey to = new DecoratedKey(token, toExclusive);
        List<Iterator<Map.Entry<DecoratedKey, Cell>>> sources = new ArrayList<>();
        sources.add(memtable.slice(from, to, reversed));
        for (Memtable frozen : tableSet.flushing()) {
            sources.add(frozen.slice(from, to, reversed));
        }
        for (SSTable table : tableSet.tables()) {
            if (table.mightContain(from)) {
                sources.add(table.slice(from, to, reversed));
            }
        }
        return sources;
    }

    /** At most {@code maxEntries} of the reconciled entries of {@code sources}, in order; a failed read throws. */
    private static List<Entry> merge(List<Iterator<Map.Entry<DecoratedKey, Cell>>> sources, boolean reversed,
                                     int maxEntries) {
        List<Entry> found = new ArrayList<>();
        MergingIterator merged = new MergingIterator(sources, reversed);
        while (merged.hasNext() && found.size() < maxEntries) {
            Map.Entry<DecoratedKey, Cell> entry = merged.next();
            found.add(new Entry(entry.getKey(), entry.getValue()));
        }
        return found;
    }

    /** From the memtables' side index and each table's deletions section; reconciled per key. */
    @Override
    public List<Entry> rangeTombstones(long token, byte[] partitionStart, byte[] partitionEnd) {
        tableSet.installCompleted();
        if (Arrays.compareUnsigned(partitionStart, partitionEnd) < 0) {
            PartitionCache.Partition cached = cachedPartition(token, partitionStart, partitionEnd);
            if (cached != null) {
                return cached.deletions(partitionStart, partitionEnd);
            }
        }
        TreeMap<DecoratedKey, Cell> found = new TreeMap<>();
        found.putAll(memtable.deletions(token, partitionStart, partitionEnd));
        for (Memtable frozen : tableSet.flushing()) {
            frozen.deletions(token, partitionStart, partitionEnd).forEach((k, c) -> found.merge(k, c, Cell::reconcile));
        }
        for (SSTable table : tableSet.tables()) {
            for (Map.Entry<DecoratedKey, Cell> entry : table.deletions(token, partitionStart, partitionEnd)) {
                found.merge(entry.getKey(), entry.getValue(), Cell::reconcile);
            }
        }
        List<Entry> entries = new ArrayList<>(found.size());
        found.forEach((key, cell) -> entries.add(new Entry(key, cell)));
        return entries;
    }

    @Override
    public void onFailure(Consumer<StoreFailure> listener) {
        failureListener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Reports a failure to the listener. Called on the node's thread, except commit log sync
     * failures, which the sync thread reports (the runtime re-posts them onto the node's thread).
     */
    private void report(StoreFailure failure) {
        try {
            failureListener.accept(failure);
        } catch (RuntimeException e) {
            log.error("acting on a storage failure ({}) failed", failure.describe(), e);
        }
    }

    private void commitLogFailed(Throwable error) {
        report(new StoreFailure(StoreFailure.Kind.COMMIT_LOG, null, "commit log of " + directory + ": "
                + (error.getMessage() == null ? error.toString() : error.getMessage())));
    }

    @Override
    public boolean quarantine(String table, String reason) {
        if (closed) {
            return false;
        }
        log.error("quarantining table {}: {}", table, reason);
        return tableSet.quarantine(table);
    }

    @Override
    public List<String> quarantinedTables() {
        String quarantine = StorageLayout.quarantine(directory);
        try {
            if (!disk.exists(quarantine)) {
                return List.of();
            }
            List<String> names = new ArrayList<>(disk.list(quarantine));
            names.sort(null);
            return List.copyOf(names);
        } catch (IOException e) {
            return List.of("(cannot list " + quarantine + ": " + e.getMessage() + ")");
        }
    }

    /** Sorted sources (memtables and tables) of entries after {@code fromExclusive}. */
    private List<Iterator<Map.Entry<DecoratedKey, Cell>>> sources(DecoratedKey fromExclusive) {
        List<Iterator<Map.Entry<DecoratedKey, Cell>>> sources = new ArrayList<>();
        sources.add(memtable.iterator(fromExclusive));
        for (Memtable frozen : tableSet.flushing()) {
            sources.add(frozen.iterator(fromExclusive));
        }
        for (SSTable table : tableSet.tables()) {
            sources.add(table.iterator(fromExclusive));
        }
        return sources;
    }

    @Override
    public Stats stats() {
        List<SSTable> current = tableSet.tables();
        long keys = memtable.size();
        long tablesBytes = 0;
        for (SSTable table : current) {
            keys += table.metadata().entryCount();
            tablesBytes += table.sizeBytes();
        }
        long memtableBytes = memtable.sizeBytes();
        for (Memtable frozen : tableSet.flushing()) {
            memtableBytes += frozen.sizeBytes();
        }
        PartitionCache.Stats cache = partitionCache.stats();
        return new Stats(keys, tablesBytes + memtableBytes, memtableBytes, current.size(),
                commitLog.sizeBytes(), tablesBytes, cache.hits(), cache.misses(), cache.sizeBytes());
    }

    /** Hits, misses and size of the partition cache (for tests and tools); any thread. */
    PartitionCache.Stats partitionCacheStats() {
        return partitionCache.stats();
    }

    /** The open tables, newest first (for tools and tests). */
    public List<SSTable> tables() {
        return tableSet.tables();
    }

    /** The last background flush or compaction failure, or null (they are retried). */
    public Throwable lastBackgroundFailure() {
        return tableSet.lastFailure();
    }

    /** Writes the memtable out and waits until it (and any flush before it) is installed. */
    @Override
    public void flush() {
        checkOpen();
        startFlush();
        tableSet.awaitFlushes();
    }

    /** Compacts every table into one (a major compaction), waiting for it. */
    public void compactAll() throws IOException {
        checkOpen();
        try {
            tableSet.compactAllNow();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Cleanup: flushes the memtable, then rewrites every table without the entries whose key
     * {@code keep} rejects (no tombstones are written: the data simply goes). Synchronous; returns
     * the number of entries dropped.
     */
    @Override
    public long purge(Predicate<DecoratedKey> keep) {
        checkOpen();
        checkNoMaintenance("a cleanup");
        flush();
        return tableSet.purgeNow(keep);
    }

    /**
     * Flushes, then hard-links every table into {@code snapshots/<name>/}: a point-in-time copy that
     * costs no space until compaction replaces the tables. Returns the tables linked.
     */
    @Override
    public int snapshot(String name) {
        checkOpen();
        checkNoMaintenance("a snapshot");
        flush();
        try {
            return Snapshots.create(disk, directory, name, tableSet.tables());
        } catch (IOException e) {
            throw new UncheckedIOException("snapshot " + name + " of " + directory + " failed", e);
        }
    }

    /**
     * {@link #flush()} without waiting (see the class comment): {@code done} gets the memtable bytes
     * flushed once the table (and every flush before it) is installed, or the failure after one
     * retry, as {@link #flush()} would throw it; the memtable stays in memory and is retried later.
     */
    @Override
    public void flushAsync(Completion<Long> done) {
        checkOpen();
        MaintenanceRun run = new MaintenanceRun("flush");
        running.add(run);
        long bytes = memtable.sizeBytes();
        flushThen(run, failure -> finish(run, done, failure == null ? bytes : null, failure));
    }

    /** Starts a flush of the memtable, then runs {@code then} with null or the failure once all flushes ran. */
    private void flushThen(MaintenanceRun run, Consumer<Throwable> then) {
        try {
            startFlush();
        } catch (UncheckedIOException e) {
            then.accept(e);
            return;
        }
        awaitFlushes(run, 0, then);
    }

    private void awaitFlushes(MaintenanceRun run, int attempt, Consumer<Throwable> then) {
        when(tableSet::allPendingDone, () -> {
            if (!tableSet.flushPending()) {
                then.accept(null);
            } else if (attempt == 0) {
                run.phase("retrying the flush");
                tableSet.retryPendingFlushes(); // as flush() does: once, at once
                awaitFlushes(run, 1, then);
            } else {
                Throwable failure = tableSet.lastFailure();
                then.accept(new UncheckedIOException(
                        "flush of " + tablesDirectory + " failed; the data stays in the commit log and memory",
                        failure instanceof IOException io ? io : new IOException(failure)));
            }
        });
    }

    /**
     * {@link #purge} without waiting (see the class comment): flushes, then rewrites every table
     * without the entries {@code keep} rejects on the compaction worker, once no compaction runs;
     * automatic compactions wait for it. The rewritten table replaces the old ones at once.
     */
    @Override
    public void purgeAsync(Predicate<DecoratedKey> keep, Completion<Long> done) {
        checkOpen();
        MaintenanceRun run = new MaintenanceRun("cleanup");
        running.add(run);
        flushThen(run, failure -> {
            if (failure != null || closed) {
                finish(run, done, null, failure != null ? failure : new IllegalStateException(closedMessage()));
                return;
            }
            tableSet.startPurge(keep, run);
            when(run::isFinished, () -> finish(run, done, run.failure() == null ? run.result() : null,
                    run.failure()));
        });
    }

    /**
     * {@link #snapshot} without waiting (see the class comment): a bad or taken name throws at once;
     * then flushes, and links the tables on the compaction worker once no compaction runs (so none is
     * deleted under it); automatic compactions wait for it.
     */
    @Override
    public void snapshotAsync(String name, Completion<Integer> done) {
        checkOpen();
        try {
            Snapshots.checkNew(disk, directory, name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check snapshot " + name + " of " + directory, e);
        }
        MaintenanceRun run = new MaintenanceRun("snapshot");
        running.add(run);
        flushThen(run, failure -> {
            if (failure != null || closed) {
                finish(run, done, null, failure != null ? failure : new IllegalStateException(closedMessage()));
                return;
            }
            tableSet.startSnapshot(directory, name, run);
            when(() -> tableSet.settleSnapshot(run), () -> {
                Throwable error = run.failure();
                if (error instanceof IOException io) {
                    error = new UncheckedIOException("snapshot " + name + " of " + directory + " failed", io);
                }
                finish(run, done, error == null ? (int) run.result() : null, error);
            });
        });
    }

    @Override
    public List<Activity> activities() {
        List<Activity> activities = new ArrayList<>();
        for (MaintenanceRun run : running) {
            activities.add(run.activity());
        }
        return activities;
    }

    private <T> void finish(MaintenanceRun run, Completion<T> done, T result, Throwable failure) {
        run.finish(0, failure);
        running.remove(run);
        done.done(result, failure);
    }

    /**
     * Runs {@code then} on the owner's thread once {@code ready} holds: now if it already does (after
     * installing finished work), else after a later background task finished. Registered before
     * checking, so a worker that finishes meanwhile sees the waiter and wakes the owner; a wake-up
     * that finds nothing ready does nothing.
     */
    private void when(BooleanSupplier ready, Runnable then) {
        Waiter waiter = new Waiter(ready, then);
        waiters.add(waiter);
        waiterCount = waiters.size();
        tableSet.installCompleted();
        if (ready.getAsBoolean()) { // only this one: others complete in their own event, not inside this call
            waiters.remove(waiter);
            waiterCount = waiters.size();
            then.run();
        }
    }

    private void runReadyWaiters() {
        for (Waiter waiter : new ArrayList<>(waiters)) {
            if (waiters.contains(waiter) && waiter.ready().getAsBoolean()) {
                waiters.remove(waiter);
                waiterCount = waiters.size();
                waiter.then().run();
            }
        }
    }

    /** Worker thread: a background task finished; wake the owner if an asynchronous operation waits. */
    private void backgroundFinished() {
        if (waiterCount > 0 && !closed) {
            try {
                timers.schedule(0, this::settle);
            } catch (RuntimeException e) { // the owner's thread is shutting down: nobody waits any more
                log.warn("could not hand a finished background task of {} back: {}", directory, e.toString());
            }
        }
    }

    /** Owner's thread: installs finished work and completes the operations it unblocked. */
    private void settle() {
        if (closed) {
            return;
        }
        tableSet.installCompleted();
        runReadyWaiters();
    }

    private void checkNoMaintenance(String what) {
        if (!running.isEmpty()) {
            throw new IllegalStateException("cannot start " + what + " of " + directory + " while "
                    + running.get(0).activity().describe() + " runs");
        }
    }

    private String closedMessage() {
        return "storage engine " + directory + " is closed";
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
            tableSet.awaitAll();
            commitLog.close();
            tableSet.closeTables();
            release(lock);
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
            throw new IllegalStateException(closedMessage());
        }
    }
}
