package ringdb.bench.storage;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import ringdb.core.data.Cell;
import ringdb.storage.StorageConfig;
import ringdb.storage.StorageEngine;
import ringdb.storage.SyncMode;
import ringdb.storage.disk.file.FileDisk;

/**
 * The storage engine benchmark behind {@code ringdb bench storage}: one node's engine on the real
 * disk, 1 KiB values. Writes come from one thread (the node's thread, as in the server) that keeps
 * {@code inFlight} writes outstanding; acknowledgements arrive on the disk's sync thread. Prints
 * puts/s under GROUP and PERIODIC sync, point reads/s from tables larger than the memtable (page
 * cache warm), and commit log replay in MB/s; each figure is the median of {@code runs} runs, after
 * {@code warmupRuns} that are not counted (the first run of a JVM is slower while the JIT compiles).
 */
public final class StorageBenchmark {
    /** What to run; sizes are counts of operations. */
    public record Options(Path directory, int writes, int reads, int replayWrites, int valueSizeBytes, int inFlight,
                          int runs, int warmupRuns, long groupWindowMicros, int compactionWrites, int rows,
                          int slices) {
    }

    /** The default compaction throughput the second compaction figure is paced to. */
    private static final long COMPACTION_THROUGHPUT_DEFAULT =
            StorageConfig.defaults().compactionThroughputBytesPerSecond();
    /** Tables merged by each compaction run. */
    private static final int COMPACTION_TABLES = 4;

    private final Options options;
    private final PrintStream out;
    private boolean warmingUp;

    public StorageBenchmark(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Runs every phase and prints one line per figure. */
    public void run() throws IOException, InterruptedException {
        out.printf("storage benchmark: %d-byte values, %d writes in flight, %d runs per figure after %d warm-up runs, "
                        + "in %s%n",
                options.valueSizeBytes(), options.inFlight(), options.runs(), options.warmupRuns(),
                options.directory());
        report("put/s   GROUP    (ack after shared fsync)", median(() -> writeRun(SyncMode.GROUP)), "puts/s");
        report("put/s   PERIODIC (ack at once, fsync 10 ms)", median(() -> writeRun(SyncMode.PERIODIC)), "puts/s");
        report("get/s   point reads from tables", median(this::readRun), "reads/s");
        List<RowBenchmark.Figures> rowRuns = new ArrayList<>();
        median(() -> rowRun(rowRuns));
        report("row/s   GROUP, " + RowBenchmark.COLUMNS + " columns x " + RowBenchmark.COLUMN_BYTES + " B (one batch)",
                middle(rowRuns, RowBenchmark.Figures::rowsPerSecond), "rows/s");
        report("upd/s   GROUP, one column of a row", middle(rowRuns, RowBenchmark.Figures::updatesPerSecond),
                "updates/s");
        report("slice/s " + RowBenchmark.SLICE_ROWS + " rows of a partition, from tables",
                middle(rowRuns, RowBenchmark.Figures::slicesPerSecond), "slices/s");
        report("replay  commit log", median(this::replayRun), "MB/s");
        report("compact " + COMPACTION_TABLES + " tables, unthrottled", median(() -> compactionRun(0)), "MB/s");
        report("compact " + COMPACTION_TABLES + " tables, paced to " + (COMPACTION_THROUGHPUT_DEFAULT >> 20)
                        + " MiB/s (default)",
                median(() -> compactionRun(COMPACTION_THROUGHPUT_DEFAULT)), "MB/s");
    }

    private interface Run {
        double once() throws IOException, InterruptedException;
    }

    private double median(Run run) throws IOException, InterruptedException {
        warmingUp = true;
        for (int i = 0; i < options.warmupRuns(); i++) {
            run.once(); // the JIT compiles the hot paths; not counted
        }
        warmingUp = false;
        List<Double> figures = new ArrayList<>();
        for (int i = 0; i < options.runs(); i++) {
            figures.add(run.once());
        }
        figures.sort(null);
        return figures.get(figures.size() / 2);
    }

    /** One row run (not kept while warming up); returns rows/s. */
    private double rowRun(List<RowBenchmark.Figures> kept) throws IOException, InterruptedException {
        Path directory = freshDirectory("rows");
        try {
            RowBenchmark.Figures figures = new RowBenchmark(options.inFlight(), options.groupWindowMicros())
                    .run(directory, options.rows(), options.slices());
            out.printf("  %s: %,.0f rows/s, %,.0f updates/s, %,.0f slices/s%n", warmingUp ? "warm-up" : "run",
                    figures.rowsPerSecond(), figures.updatesPerSecond(), figures.slicesPerSecond());
            if (!warmingUp) {
                kept.add(figures);
            }
            return figures.rowsPerSecond();
        } finally {
            deleteRecursively(directory);
        }
    }

    /** The median of one figure over the kept runs. */
    private static double middle(List<RowBenchmark.Figures> runs, ToDoubleFunction<RowBenchmark.Figures> figure) {
        double[] values = runs.stream().mapToDouble(figure).sorted().toArray();
        return values[values.length / 2];
    }

    private void report(String what, double figure, String unit) {
        out.printf("%-44s %,14.0f %s%n", what, figure, unit);
    }

    private double writeRun(SyncMode mode) throws IOException, InterruptedException {
        Path directory = freshDirectory("write-" + mode.name().toLowerCase(Locale.ROOT));
        PolledTimers timers = new PolledTimers();
        StorageConfig config = StorageConfig.builder().syncMode(mode).build();
        try (FileDisk disk = new FileDisk(options.groupWindowMicros(), System::nanoTime)) {
            StorageEngine engine = StorageEngine.open(disk, directory.toString(), config, timers, timers);
            long started = System.nanoTime();
            writeKeys(engine, timers, options.writes());
            double seconds = (System.nanoTime() - started) / 1e9;
            engine.close();
            if (mode == SyncMode.GROUP) {
                long groups = Math.max(1, disk.syncGroupCount());
                out.printf("  %s: %,.0f puts/s, %.1f writes per fsync (%d fsyncs, %.0f µs each on average)%n",
                        warmingUp ? "warm-up" : "run",
                        options.writes() / seconds, (double) disk.syncRequestCount() / groups, disk.syncGroupCount(),
                        disk.syncNanosTotal() / 1e3 / groups);
            }
            return options.writes() / seconds;
        } finally {
            deleteRecursively(directory);
        }
    }

    /** Writes keys 0..count-1 from this thread with {@code inFlight} outstanding; waits for the last ack. */
    private void writeKeys(StorageEngine engine, PolledTimers timers, int count) throws InterruptedException {
        Semaphore permits = new Semaphore(options.inFlight());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        byte[] value = new byte[options.valueSizeBytes()];
        new SplittableRandom(1).nextBytes(value);
        for (int i = 0; i < count; i++) {
            permits.acquire();
            engine.apply(key(i), Cell.value(value, i + 1L), error -> {
                if (error != null) {
                    failure.compareAndSet(null, error);
                }
                permits.release();
            });
            if ((i & 255) == 0) {
                timers.runDue();
            }
        }
        if (!permits.tryAcquire(options.inFlight(), 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("writes were not acknowledged within 60 s");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a write failed", failure.get());
        }
    }

    private double readRun() throws IOException, InterruptedException {
        Path directory = freshDirectory("read");
        PolledTimers timers = new PolledTimers();
        StorageConfig config = StorageConfig.builder().memtableSizeBytesMax(16L << 20).build();
        try (FileDisk disk = new FileDisk(options.groupWindowMicros())) {
            StorageEngine engine = StorageEngine.open(disk, directory.toString(), config, timers, timers);
            writeKeys(engine, timers, options.writes());
            engine.flush();
            SplittableRandom random = new SplittableRandom(7);
            readKeys(engine, random, Math.min(options.reads(), 100_000)); // warm the page cache and the JIT
            long started = System.nanoTime();
            int found = readKeys(engine, random, options.reads());
            double seconds = (System.nanoTime() - started) / 1e9;
            if (found != options.reads()) {
                throw new IllegalStateException("only " + found + " of " + options.reads() + " keys were found");
            }
            engine.close();
            return options.reads() / seconds;
        } finally {
            deleteRecursively(directory);
        }
    }

    private int readKeys(StorageEngine engine, SplittableRandom random, int count) {
        int found = 0;
        for (int i = 0; i < count; i++) {
            found += engine.read(key(random.nextInt(options.writes()))) != null ? 1 : 0;
        }
        return found;
    }

    private double replayRun() throws IOException, InterruptedException {
        Path directory = freshDirectory("replay");
        PolledTimers timers = new PolledTimers();
        StorageConfig config = StorageConfig.builder().syncMode(SyncMode.PERIODIC)
                .memtableSizeBytesMax(1L << 40).commitLogSizes(1L << 40, 32L << 20).flushPeriodMicros(0).build();
        try (FileDisk disk = new FileDisk()) {
            StorageEngine writer = StorageEngine.open(disk, directory.toString(), config, timers, timers);
            writeKeys(writer, timers, options.replayWrites());
            writer.close();
            long started = System.nanoTime();
            StorageEngine reader = StorageEngine.open(disk, directory.toString(), config, timers, timers);
            double seconds = (System.nanoTime() - started) / 1e9;
            long bytes = reader.recoveryReport().bytesReplayed();
            if (reader.recoveryReport().recordsReplayed() != options.replayWrites()) {
                throw new IllegalStateException("replayed " + reader.recoveryReport().recordsReplayed() + " records");
            }
            reader.close();
            return bytes / 1e6 / seconds;
        } finally {
            deleteRecursively(directory);
        }
    }

    /**
     * Writes {@code compactionWrites} distinct keys as {@link #COMPACTION_TABLES} tables, then times
     * a major compaction of them paced to {@code bytesPerSecond} (0 = unthrottled); MB/s of the
     * table written.
     */
    private double compactionRun(long bytesPerSecond) throws IOException {
        Path directory = freshDirectory("compact");
        PolledTimers timers = new PolledTimers();
        StorageConfig config = StorageConfig.builder().syncMode(SyncMode.PERIODIC).memtableSizeBytesMax(1L << 40)
                .commitLogSizes(1L << 40, 32L << 20).flushPeriodMicros(0)
                .compactionThresholds(32, 32).compactionThroughputBytesPerSecond(bytesPerSecond).build();
        byte[] value = new byte[options.valueSizeBytes()];
        try (FileDisk disk = new FileDisk(0, System::nanoTime)) {
            StorageEngine engine = StorageEngine.open(disk, directory.toString(), config, timers, timers);
            int perTable = Math.max(1, options.compactionWrites() / COMPACTION_TABLES);
            for (int table = 0; table < COMPACTION_TABLES; table++) {
                for (int i = 0; i < perTable; i++) {
                    engine.apply(key(table * perTable + i), Cell.value(value, 1), failure -> { });
                }
                engine.flush();
            }
            long started = System.nanoTime();
            engine.compactAll();
            double seconds = (System.nanoTime() - started) / 1e9;
            long bytes = engine.stats().tablesBytes();
            if (engine.tables().size() != 1) {
                throw new IllegalStateException("the compaction left " + engine.tables().size() + " tables");
            }
            engine.close();
            return bytes / 1e6 / seconds;
        } finally {
            deleteRecursively(directory);
        }
    }

    private static byte[] key(int i) {
        return ("key-" + i).getBytes(StandardCharsets.UTF_8);
    }

    private Path freshDirectory(String name) throws IOException {
        Path directory = options.directory().resolve(name);
        deleteRecursively(directory);
        Files.createDirectories(directory);
        return directory;
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** Runs with defaults in a temporary directory: {@code java ... StorageBenchmark [writes]}. */
    public static void main(String[] args) throws Exception {
        int writes = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        Path directory = Files.createTempDirectory("ringdb-bench-storage");
        try {
            new StorageBenchmark(new Options(directory, writes, 1_000_000, writes, 1024, 64, 3, 1,
                    FileDisk.GROUP_WINDOW_MICROS_DEFAULT, 65_536, 50_000, 20_000), System.out).run();
        } finally {
            deleteRecursively(directory);
        }
    }
}
