package ringdb.bench.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;
import ringdb.storage.StorageConfig;
import ringdb.storage.StorageEngine;
import ringdb.storage.SyncMode;
import ringdb.storage.disk.file.FileDisk;
import ringdb.storage.rows.EntryKeys;
import ringdb.core.ring.Partitioner;

/**
 * The row figures of {@code ringdb bench storage}: rows of 10 columns of 100 bytes (a row marker and
 * 10 cells, one {@link LocalStore#applyBatch} each, acknowledged after the group fsync), single
 * column updates of existing rows, and slices of 100 rows of a partition read from tables. Keys are
 * laid out as docs/formats/rows.md says (one text partition key, one int clustering column), 1 000
 * rows per partition.
 */
final class RowBenchmark {
    static final int COLUMNS = 10;
    static final int COLUMN_BYTES = 100;
    static final int ROWS_PER_PARTITION = 1000;
    static final int SLICE_ROWS = 100;
    private static final byte[] TABLE_ID = new byte[16];
    /** What follows a row's prefix in each cell's key: {@code 0x22 "field<n>" 0x00 0x01}. */
    private static final byte[][] CELL_SUFFIXES = new byte[COLUMNS][];

    static {
        for (int column = 0; column < COLUMNS; column++) {
            CELL_SUFFIXES[column] = concat(new byte[] {0x22}, ("field" + column).getBytes(StandardCharsets.UTF_8),
                    new byte[] {0x00, 0x01});
        }
    }

    private final int inFlight;
    private final long groupWindowMicros;

    RowBenchmark(int inFlight, long groupWindowMicros) {
        this.inFlight = inFlight;
        this.groupWindowMicros = groupWindowMicros;
    }

    /** What one row run measured. */
    record Figures(double rowsPerSecond, double updatesPerSecond, double slicesPerSecond) {
    }

    /** Writes {@code rows} rows, then {@code rows} single-column updates, then slices; in {@code directory}. */
    Figures run(Path directory, int rows, int slices) throws IOException, InterruptedException {
        PolledTimers timers = new PolledTimers();
        StorageConfig config = StorageConfig.builder().syncMode(SyncMode.GROUP).build();
        try (FileDisk disk = new FileDisk(groupWindowMicros, System::nanoTime)) {
            StorageEngine engine = StorageEngine.open(disk, directory.toString(), config, timers, timers);
            byte[] value = new byte[COLUMN_BYTES];
            new SplittableRandom(2).nextBytes(value);
            long started = System.nanoTime();
            write(engine, timers, rows, i -> row(i, value, i + 1L));
            double rowSeconds = (System.nanoTime() - started) / 1e9;
            SplittableRandom random = new SplittableRandom(3);
            started = System.nanoTime();
            write(engine, timers, rows, i -> {
                int row = random.nextInt(rows);
                byte[] key = cellKey(row / ROWS_PER_PARTITION, row % ROWS_PER_PARTITION, random.nextInt(COLUMNS));
                return List.of(new LocalStore.Entry(EntryKeys.decorate(Partitioner.SHA1, key), Cell.value(value,
                        rows + i + 1L)));
            });
            double updateSeconds = (System.nanoTime() - started) / 1e9;
            engine.flush();
            int partitions = Math.max(1, rows / ROWS_PER_PARTITION);
            readSlices(engine, new SplittableRandom(4), partitions, Math.max(1, slices / 10)); // page cache, JIT
            started = System.nanoTime();
            int entries = readSlices(engine, new SplittableRandom(5), partitions, slices);
            double sliceSeconds = (System.nanoTime() - started) / 1e9;
            engine.close();
            if (entries < slices) {
                throw new IllegalStateException("slices found " + entries + " entries, fewer than one per slice");
            }
            return new Figures(rows / rowSeconds, rows / updateSeconds, slices / sliceSeconds);
        }
    }

    private interface Mutation {
        List<LocalStore.Entry> entries(int index);
    }

    private void write(StorageEngine engine, PolledTimers timers, int count, Mutation mutation)
            throws InterruptedException {
        Semaphore permits = new Semaphore(inFlight);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < count; i++) {
            List<LocalStore.Entry> entries = mutation.entries(i);
            permits.acquire();
            engine.applyBatch(entries, error -> {
                if (error != null) {
                    failure.compareAndSet(null, error);
                }
                permits.release();
            });
            if ((i & 255) == 0) {
                timers.runDue();
            }
        }
        if (!permits.tryAcquire(inFlight, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("writes were not acknowledged within 60 s");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a write failed", failure.get());
        }
    }

    private static int readSlices(StorageEngine engine, SplittableRandom random, int partitions, int count) {
        int entries = 0;
        int maxEntries = SLICE_ROWS * (COLUMNS + 1);
        for (int i = 0; i < count; i++) {
            int partition = random.nextInt(partitions);
            int first = random.nextInt(ROWS_PER_PARTITION - SLICE_ROWS + 1);
            byte[] from = concat(partitionKey(partition), clustering(first));
            byte[] to = concat(partitionKey(partition), clustering(first + SLICE_ROWS));
            DecoratedKey decorated = EntryKeys.decorate(Partitioner.SHA1, from);
            entries += engine.slice(decorated.token(), from, to, (i & 1) == 1, maxEntries).size();
        }
        return entries;
    }

    private static List<LocalStore.Entry> row(int index, byte[] value, long timestamp) {
        int partition = index / ROWS_PER_PARTITION;
        int ck = index % ROWS_PER_PARTITION;
        List<LocalStore.Entry> entries = new ArrayList<>(COLUMNS + 1);
        // As a node's write builds them: the row's key prefix once, the partition's token once.
        byte[] prefix = concat(partitionKey(partition), clustering(ck));
        byte[] marker = Arrays.copyOf(prefix, prefix.length + 1);
        marker[prefix.length] = 0x21;
        DecoratedKey decoratedMarker = EntryKeys.decorate(Partitioner.SHA1, marker);
        entries.add(new LocalStore.Entry(decoratedMarker, Cell.value(new byte[0], timestamp)));
        long token = decoratedMarker.token();
        for (int column = 0; column < COLUMNS; column++) {
            entries.add(new LocalStore.Entry(new DecoratedKey(token, cellKey(prefix, column)),
                    Cell.value(value, timestamp)));
        }
        return entries;
    }

    private static byte[] cellKey(int partition, int ck, int column) {
        return cellKey(concat(partitionKey(partition), clustering(ck)), column);
    }

    private static byte[] cellKey(byte[] rowPrefix, int column) {
        byte[] suffix = CELL_SUFFIXES[column];
        byte[] key = Arrays.copyOf(rowPrefix, rowPrefix.length + suffix.length);
        System.arraycopy(suffix, 0, key, rowPrefix.length, suffix.length);
        return key;
    }

    /** {@code 0x02 table_id "user<n>" 0x00 0x02}: one text partition-key component. */
    private static byte[] partitionKey(int partition) {
        return concat(new byte[] {(byte) EntryKeys.TABLE_TAG}, TABLE_ID,
                ("user" + partition).getBytes(StandardCharsets.UTF_8), new byte[] {0x00, 0x02});
    }

    /** The rows section and an int clustering value, sign bit flipped. */
    private static byte[] clustering(int ck) {
        int flipped = ck ^ 0x80000000;
        return new byte[] {0x03, 0x40, (byte) (flipped >>> 24), (byte) (flipped >>> 16), (byte) (flipped >>> 8),
            (byte) flipped};
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.write(part, 0, part.length);
        }
        return out.toByteArray();
    }
}
