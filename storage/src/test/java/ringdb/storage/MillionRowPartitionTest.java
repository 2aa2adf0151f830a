package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.core.data.Cell;
import ringdb.core.data.Limits;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.Partitioner;
import ringdb.core.store.LocalStore;
import ringdb.storage.disk.file.FileDisk;
import ringdb.storage.rows.EntryKeys;
import ringdb.storage.rows.TestRowKeys;
import ringdb.storage.testing.ManualTimers;

/**
 * A partition of a million rows, written through the commit log into table files, then paged
 * through forward and reversed (every row exactly once, in order, a bounded page at a time) and
 * streamed to another store the way range sync streams a range (scan chunks resuming after the
 * last key, applied on the target), which is paged through again. It runs in a child JVM whose
 * heap ({@link #HEAP}) is far smaller than the partition would take in memory, so a read path
 * that materialised the partition fails it with an OutOfMemoryError.
 */
class MillionRowPartitionTest {
    static final int ROWS = 1_000_000;
    /** The child JVM's heap: a million entries held at once take several times this. */
    static final String HEAP = "-Xmx64m";
    private static final int PAGE_ENTRIES = 1_000;
    private static final int FLUSH_EVERY_ROWS = 100_000;
    private static final String PK = "big";
    private static final long NOW_MICROS = 1_800_000_000_000_000L;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aMillionRowPartitionIsPagedAndStreamedWithinASmallHeap() throws Exception {
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP, "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                MillionRowPartitionTest.class.getName(), dir.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            boolean exited = child.waitFor(110, TimeUnit.SECONDS);
            String output = Files.readString(log);
            System.out.print(output);
            assertThat(exited).as("the child finished in time:\n" + output).isTrue();
            assertThat(child.exitValue()).as(output).isZero();
            assertThat(output).contains("paged forward " + ROWS).contains("paged reversed " + ROWS)
                    .contains("streamed " + ROWS).contains("paged target " + ROWS);
        } finally {
            child.destroyForcibly();
        }
    }

    /** The child: {@code args[0]} is an empty directory. */
    public static void main(String[] args) throws IOException {
        run(Path.of(args[0]), System.out);
    }

    static void run(Path dir, PrintStream out) throws IOException {
        long started = System.nanoTime();
        out.println("max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
        ManualTimers timers = new ManualTimers(NOW_MICROS);
        StorageConfig config = StorageConfig.builder().syncMode(SyncMode.PERIODIC).compactionThresholds(4, 32)
                .memtableSizeBytesMax(64L << 20).build();
        try (FileDisk disk = new FileDisk()) {
            StorageEngine source = StorageEngine.open(disk, dir.resolve("source").toString(), config, timers, timers);
            long token = write(source);
            out.println("tables " + source.stats().tableCount());
            out.println("paged forward " + page(source, token, false));
            out.println("paged reversed " + page(source, token, true));
            StorageEngine target = StorageEngine.open(disk, dir.resolve("target").toString(), config, timers, timers);
            out.println("streamed " + stream(source, target, token));
            out.println("paged target " + page(target, token, false));
            source.close();
            target.close();
        }
        out.println("took " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
    }

    private static long write(StorageEngine engine) {
        long token = EntryKeys.decorate(Partitioner.SHA1, TestRowKeys.cell(PK, 0, "v")).token();
        List<LocalStore.Entry> batch = new ArrayList<>();
        for (int row = 0; row < ROWS; row++) {
            byte[] value = ByteBuffer.allocate(4).putInt(row).array();
            batch.add(new LocalStore.Entry(new DecoratedKey(token, TestRowKeys.cell(PK, row, "v")),
                    Cell.value(value, NOW_MICROS - ROWS + row)));
            if (batch.size() == PAGE_ENTRIES) {
                apply(engine, batch);
                batch = new ArrayList<>();
            }
            if ((row + 1) % FLUSH_EVERY_ROWS == 0) {
                engine.flush();
            }
        }
        if (!batch.isEmpty()) {
            apply(engine, batch);
        }
        return token;
    }

    private static void apply(StorageEngine engine, List<LocalStore.Entry> batch) {
        Throwable[] failure = {null};
        engine.applyBatch(batch, error -> failure[0] = error);
        if (failure[0] != null) {
            throw new IllegalStateException(failure[0]);
        }
    }

    /** Pages through the partition; throws unless every row comes exactly once, in order. */
    private static int page(StorageEngine engine, long token, boolean reversed) {
        byte[] start = TestRowKeys.partition(PK);
        byte[] end = TestRowKeys.partitionEnd(PK);
        int expected = reversed ? ROWS - 1 : 0;
        int seen = 0;
        for (int pages = 0; pages <= ROWS / PAGE_ENTRIES + 1; pages++) {
            List<LocalStore.Entry> page = engine.slice(token, start, end, reversed, PAGE_ENTRIES);
            if (page.size() > PAGE_ENTRIES) {
                throw new IllegalStateException("a page of " + page.size() + " entries; asked for " + PAGE_ENTRIES);
            }
            for (LocalStore.Entry entry : page) {
                check(entry, expected);
                expected += reversed ? -1 : 1;
                seen++;
            }
            if (page.size() < PAGE_ENTRIES) {
                return seen;
            }
            byte[] last = page.get(page.size() - 1).key().key();
            if (reversed) {
                end = last;
            } else {
                start = Arrays.copyOf(last, last.length + 1); // the least key after the last one read
            }
        }
        throw new IllegalStateException("paging did not end after " + seen + " rows");
    }

    private static void check(LocalStore.Entry entry, int row) {
        if (!Arrays.equals(entry.key().key(), TestRowKeys.cell(PK, row, "v"))
                || ByteBuffer.wrap(entry.cell().value()).getInt() != row) {
            throw new IllegalStateException("row " + row + " expected, got the key "
                    + new String(entry.key().key(), StandardCharsets.ISO_8859_1));
        }
    }

    /** Copies the partition's token range chunk by chunk, as range sync does, resuming after the last key. */
    private static int stream(StorageEngine source, StorageEngine target, long token) {
        DecoratedKey after = null;
        int streamed = 0;
        for (int chunks = 0; chunks <= ROWS / Limits.RANGE_SYNC_ENTRIES_MAX + 1; chunks++) {
            List<LocalStore.Entry> chunk = source.scan(token - 1, token, after, Limits.RANGE_SYNC_ENTRIES_MAX);
            if (chunk.isEmpty()) {
                return streamed;
            }
            apply(target, chunk);
            streamed += chunk.size();
            after = chunk.get(chunk.size() - 1).key();
            if (streamed % FLUSH_EVERY_ROWS == 0) {
                target.flush();
            }
        }
        throw new IllegalStateException("streaming did not end after " + streamed + " entries");
    }
}
