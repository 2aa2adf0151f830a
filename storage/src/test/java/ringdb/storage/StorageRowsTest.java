package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import ringdb.core.data.Cell;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.store.LocalStore;
import ringdb.storage.disk.SimDisk;
import ringdb.storage.rows.EntryKeys;
import ringdb.storage.rows.TestRowKeys;
import ringdb.storage.testing.ManualTimers;
import ringdb.core.ring.Partitioner;

/** Table entries in the engine: TTLs, batches, slices, the deletions index, and compaction's shadowing. */
class StorageRowsTest {
    private static final long NOW_SECONDS = 1_800_000_000L;
    private static final String DIR = "/n";

    private final ManualTimers timers = new ManualTimers(NOW_SECONDS * 1_000_000L);
    private final SimDisk disk = new SimDisk(new Random(5));

    private static StorageConfig config() {
        return StorageConfig.builder().syncMode(SyncMode.BATCH).blockSizeBytes(512).compactionThresholds(64, 64)
                .build();
    }

    private StorageEngine open(StorageConfig config) throws IOException {
        return StorageEngine.open(disk, DIR, config, timers, timers);
    }

    private static LocalStore.Entry entry(byte[] key, Cell cell) {
        return new LocalStore.Entry(EntryKeys.decorate(Partitioner.SHA1, key), cell);
    }

    private static Cell value(String text, long timestamp) {
        return Cell.value(text.getBytes(StandardCharsets.UTF_8), timestamp);
    }

    private static void applyBatch(StorageEngine engine, List<LocalStore.Entry> entries) {
        List<Throwable> acks = new ArrayList<>();
        engine.applyBatch(entries, acks::add);
        assertThat(acks).containsExactly((Throwable) null);
    }

    @Test
    void anExpiringCellKeepsItsTtlThroughTheCommitLogTablesAndCompaction() throws IOException {
        byte[] key = TestRowKeys.cell("p", 1, "v");
        Cell expiring = Cell.expiring("x".getBytes(StandardCharsets.UTF_8), 10, 60, NOW_SECONDS + 60);
        StorageEngine engine = open(config());
        applyBatch(engine, List.of(entry(key, expiring)));
        engine.close();
        engine = open(config());
        assertThat(engine.read(key)).as("replayed from the commit log").isEqualTo(expiring);
        engine.flush();
        engine.close();
        engine = open(config());
        assertThat(engine.read(key)).as("read from a table").isEqualTo(expiring);
        engine.compactAll();
        assertThat(engine.read(key)).as("not yet expired: compaction keeps it as it is").isEqualTo(expiring);
        engine.close();
    }

    @Test
    void anExpiredCellReadsAsWrittenThroughCompactionAndIsPurgedAfterGcGrace() throws IOException {
        byte[] key = TestRowKeys.cell("p", 1, "v");
        long written = (NOW_SECONDS - 100) * 1_000_000L;
        Cell expiring = Cell.expiring("x".getBytes(StandardCharsets.UTF_8), written, 50, NOW_SECONDS - 50);
        StorageConfig config = config().toBuilder().gcGraceMicros(1_000_000_000L).build();
        StorageEngine engine = open(config);
        applyBatch(engine, List.of(entry(key, expiring)));
        assertThat(engine.read(key)).isEqualTo(expiring);
        assertThat(engine.read(key).isLiveAt(NOW_SECONDS)).isFalse();
        engine.flush();
        engine.compactAll();
        assertThat(engine.read(key)).as("kept as written: it reconciles as on a replica that did not compact")
                .isEqualTo(expiring);
        timers.advance(1_001_000_000L);
        engine.compactAll();
        assertThat(engine.read(key)).as("purged after gc_grace").isNull();
        engine.close();
    }

    @Test
    void aTornBatchIsReplayedWholeOrNotAtAll() throws IOException {
        StorageConfig periodic = config().toBuilder().syncMode(SyncMode.PERIODIC).build();
        int whole = 0;
        int none = 0;
        for (int seed = 0; seed < 40; seed++) {
            SimDisk crashing = new SimDisk(new Random(seed));
            StorageEngine engine = StorageEngine.open(crashing, DIR, periodic, timers, timers);
            List<LocalStore.Entry> batch = new ArrayList<>();
            for (int ck = 0; ck < 50; ck++) {
                batch.add(entry(TestRowKeys.cell("p", ck, "c"), value("value-" + ck + "-".repeat(40), 5)));
            }
            engine.applyBatch(batch, error -> { });
            // A large write after it, so that the crash cuts inside the batch or after it about equally often.
            engine.apply(TestRowKeys.cell("after", 1, "c"), Cell.value(new byte[5000], 6), error -> { });
            crashing.crashTearingUnsyncedWrites();
            StorageEngine reopened = StorageEngine.open(crashing, DIR, periodic, timers, timers);
            List<LocalStore.Entry> found = reopened.slice(batch.get(0).key().token(), TestRowKeys.rowsStart("p"),
                    TestRowKeys.partitionEnd("p"), false, 1000);
            assertThat(found.size()).as("seed %d", seed).isIn(0, 50);
            whole += found.size() == 50 ? 1 : 0;
            none += found.isEmpty() ? 1 : 0;
            reopened.close();
        }
        assertThat(whole).as("some crashes kept the batch").isPositive();
        assertThat(none).as("some crashes tore it").isPositive();
    }

    @Test
    void aBatchOverALimitIsRefusedBeforeAnythingIsWritten() throws IOException {
        StorageEngine engine = open(config().toBuilder().valueSizeBytesMax(100).build());
        List<LocalStore.Entry> batch = List.of(entry(TestRowKeys.cell("p", 1, "a"), value("small", 1)),
                entry(TestRowKeys.cell("p", 2, "a"), Cell.value(new byte[101], 1)));
        assertThatThrownBy(() -> engine.applyBatch(batch, error -> { }))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("100");
        assertThat(engine.read(TestRowKeys.cell("p", 1, "a"))).isNull();
        engine.close();
        StorageEngine reopened = open(config());
        assertThat(reopened.read(TestRowKeys.cell("p", 1, "a"))).isNull();
        reopened.close();
    }

    @Test
    void slicesMergeMemtableAndTablesForwardsAndBackwardsPageByPage() throws IOException {
        StorageEngine engine = open(config());
        long token = EntryKeys.decorate(Partitioner.SHA1, TestRowKeys.partition("p")).token();
        List<byte[]> expected = new ArrayList<>();
        for (int ck = 0; ck < 300; ck++) {
            byte[] key = TestRowKeys.cell("p", ck, "c");
            expected.add(key);
            applyBatch(engine, List.of(entry(key, value("v" + ck, ck % 3 == 0 ? 1 : 2))));
            if (ck % 97 == 0) {
                engine.flush();
            }
        }
        applyBatch(engine, List.of(entry(TestRowKeys.cell("q", 1, "c"), value("other partition", 1))));
        applyBatch(engine, List.of(entry(TestRowKeys.cell("p", 5, "c"), value("newer", 9))));
        assertThat(engine.tables()).hasSizeGreaterThan(2);
        List<byte[]> forward = pages(engine, token, TestRowKeys.rowsStart("p"), TestRowKeys.partitionEnd("p"), false);
        assertThat(forward).containsExactlyElementsOf(expected);
        List<byte[]> backward = pages(engine, token, TestRowKeys.rowsStart("p"), TestRowKeys.partitionEnd("p"), true);
        List<byte[]> reversedExpected = new ArrayList<>(expected);
        Collections.reverse(reversedExpected);
        assertThat(backward).containsExactlyElementsOf(reversedExpected);
        List<LocalStore.Entry> middle = engine.slice(token, TestRowKeys.rowStart("p", 5), TestRowKeys.rowStart("p", 8),
                true, 10);
        assertThat(middle).extracting(e -> e.key().key()).containsExactly(expected.get(7), expected.get(6),
                expected.get(5));
        assertThat(middle.get(2).cell()).isEqualTo(value("newer", 9));
        engine.close();
    }

    /** Pages of 7 through the slice, each resuming after the last key returned. */
    private static List<byte[]> pages(StorageEngine engine, long token, byte[] from, byte[] to, boolean reversed) {
        List<byte[]> keys = new ArrayList<>();
        byte[] low = from;
        byte[] high = to;
        for (int page = 0; page < 1000; page++) {
            List<LocalStore.Entry> entries = engine.slice(token, low, high, reversed, 7);
            entries.forEach(e -> keys.add(e.key().key()));
            if (entries.size() < 7) {
                return keys;
            }
            byte[] last = entries.get(entries.size() - 1).key().key();
            if (reversed) {
                high = last;
            } else {
                low = successor(last);
            }
        }
        throw new AssertionError("the slice did not end");
    }

    private static byte[] successor(byte[] key) {
        byte[] next = new byte[key.length + 1];
        System.arraycopy(key, 0, next, 0, key.length);
        return next;
    }

    @Test
    void rangeTombstonesComeFromTheMemtableAndTheTablesReconciled() throws IOException {
        StorageEngine engine = open(config());
        long token = EntryKeys.decorate(Partitioner.SHA1, TestRowKeys.partition("p")).token();
        applyBatch(engine, List.of(entry(TestRowKeys.partitionDeletion("p"), Cell.tombstone(3)),
                entry(TestRowKeys.rangeOpen("p", 10, 20), Cell.tombstone(4)),
                entry(TestRowKeys.rangeClose("p", 10, 20), Cell.tombstone(4))));
        for (int ck = 0; ck < 200; ck++) {
            applyBatch(engine, List.of(entry(TestRowKeys.cell("p", ck, "c"), value("v", 5))));
        }
        engine.flush();
        applyBatch(engine, List.of(entry(TestRowKeys.rangeOpen("p", 10, 20), Cell.tombstone(8)),
                entry(TestRowKeys.rangeClose("p", 10, 20), Cell.tombstone(8)),
                entry(TestRowKeys.rangeOpen("p", 50, 60), Cell.tombstone(6)),
                entry(TestRowKeys.rangeOpen("q", 50, 60), Cell.tombstone(6))));
        List<LocalStore.Entry> found = engine.rangeTombstones(token, TestRowKeys.partition("p"),
                TestRowKeys.partitionEnd("p"));
        assertThat(found).extracting(e -> e.key().key()).containsExactly(TestRowKeys.partitionDeletion("p"),
                TestRowKeys.rangeOpen("p", 10, 20), TestRowKeys.rangeOpen("p", 50, 60));
        assertThat(found).extracting(LocalStore.Entry::cell).containsExactly(Cell.tombstone(3), Cell.tombstone(8),
                Cell.tombstone(6));
        engine.flush();
        engine.close();
        StorageEngine reopened = open(config());
        assertThat(reopened.tables().get(0).deletionCount()).as("p: two open bounds; q: one").isEqualTo(3);
        assertThat(reopened.rangeTombstones(token, TestRowKeys.partition("p"), TestRowKeys.partitionEnd("p")))
                .isEqualTo(found);
        reopened.close();
    }

    @Test
    void compactionDropsWhatPartitionDeletionsAndRangeTombstonesCoverAndKeepsTheRest() throws IOException {
        StorageEngine engine = open(config());
        long token = EntryKeys.decorate(Partitioner.SHA1, TestRowKeys.partition("p")).token();
        long t = NOW_SECONDS * 1_000_000L; // recent: within gc_grace, nothing is purged
        for (int ck = 0; ck < 30; ck++) {
            applyBatch(engine, List.of(entry(TestRowKeys.cell("p", ck, "c"), value("v", t + (ck < 25 ? 5 : 50))),
                    entry(TestRowKeys.cell("q", ck, "c"), value("v", t + 5))));
        }
        engine.flush();
        applyBatch(engine, List.of(entry(TestRowKeys.rangeOpen("p", 10, 20), Cell.tombstone(t + 7)),
                entry(TestRowKeys.rangeClose("p", 10, 20), Cell.tombstone(t + 7)),
                entry(TestRowKeys.cell("p", 15, "c"), value("rewritten after the deletion", t + 9)),
                entry(TestRowKeys.partitionDeletion("q"), Cell.tombstone(t + 6))));
        engine.flush();
        engine.compactAll();
        List<LocalStore.Entry> left = engine.slice(token, TestRowKeys.partition("p"), TestRowKeys.partitionEnd("p"),
                false, 1000);
        List<byte[]> expected = new ArrayList<>();
        for (int ck = 0; ck < 30; ck++) {
            if (ck == 10) {
                expected.add(TestRowKeys.rangeOpen("p", 10, 20));
            }
            if (ck < 10 || ck > 20 || ck == 15) {
                expected.add(TestRowKeys.cell("p", ck, "c"));
            }
            if (ck == 20) {
                expected.add(TestRowKeys.rangeClose("p", 10, 20));
            }
        }
        assertThat(left).extracting(e -> e.key().key()).containsExactlyElementsOf(expected);
        long other = EntryKeys.decorate(Partitioner.SHA1, TestRowKeys.partition("q")).token();
        List<LocalStore.Entry> q = engine.slice(other, TestRowKeys.partition("q"), TestRowKeys.partitionEnd("q"),
                false, 1000);
        assertThat(q).extracting(e -> e.key().key()).containsExactly(TestRowKeys.partitionDeletion("q"));
        engine.close();
    }

    @Test
    void aPartitionDeletionIsPurgedAfterGcGraceOnlyWhenNoOtherTableHoldsThePartition() throws IOException {
        StorageConfig config = config().toBuilder().gcGraceMicros(1_000_000L).build();
        StorageEngine engine = open(config);
        long token = EntryKeys.decorate(Partitioner.SHA1, TestRowKeys.partition("p")).token();
        long old = (NOW_SECONDS - 10) * 1_000_000L;
        applyBatch(engine, List.of(entry(TestRowKeys.partitionDeletion("p"), Cell.tombstone(old + 1)),
                entry(TestRowKeys.rowDeletion("p", 2), Cell.tombstone(old + 2))));
        engine.flush();
        // An older cell of the partition arrives late (a hint, a repair) and stays in the memtable.
        applyBatch(engine, List.of(entry(TestRowKeys.cell("p", 1, "c"), value("old", old))));
        engine.compactAll();
        assertThat(engine.slice(token, TestRowKeys.partition("p"), TestRowKeys.partitionEnd("p"), false, 10))
                .extracting(e -> e.key().key()).as("the memtable holds a covered entry: the deletions stay")
                .containsExactly(TestRowKeys.partitionDeletion("p"), TestRowKeys.cell("p", 1, "c"),
                        TestRowKeys.rowDeletion("p", 2));
        engine.flush();
        engine.compactAll();
        assertThat(engine.slice(token, TestRowKeys.partition("p"), TestRowKeys.partitionEnd("p"), false, 10))
                .as("compacted together: the cell is dropped and the deletions purged").isEmpty();
        engine.close();
    }

    @Test
    void aReverseSliceOfAPageReadsAFewBlocksNotThePartition() throws IOException {
        StorageEngine engine = open(config().toBuilder().blockSizeBytes(4096).build());
        long token = EntryKeys.decorate(Partitioner.SHA1, TestRowKeys.partition("big")).token();
        List<LocalStore.Entry> batch = new ArrayList<>();
        for (int ck = 0; ck < 200_000; ck++) {
            batch.add(entry(TestRowKeys.cell("big", ck, "c"), value("0123456789", 1)));
            if (batch.size() == 1000) {
                applyBatch(engine, batch);
                batch = new ArrayList<>();
            }
        }
        engine.flush();
        engine.compactAll();
        ringdb.storage.sstable.SSTable table = engine.tables().get(0);
        byte[] from = TestRowKeys.rowsStart("big");
        byte[] to = TestRowKeys.partitionEnd("big");
        for (boolean reversed : new boolean[] {false, true}) {
            long before = table.blocksRead();
            List<LocalStore.Entry> page = engine.slice(token, from, TestRowKeys.rowStart("big", 150_000), reversed,
                    100);
            assertThat(page).hasSize(100);
            assertThat(table.blocksRead() - before).as("blocks read for a page of 100, reversed %s", reversed)
                    .isLessThanOrEqualTo(4);
        }
        long before = table.blocksRead();
        List<LocalStore.Entry> last = engine.slice(token, from, to, true, 100);
        assertThat(last.get(0).key().key()).isEqualTo(TestRowKeys.cell("big", 199_999, "c"));
        assertThat(table.blocksRead() - before).isLessThanOrEqualTo(4);
        engine.close();
    }

    @Test
    void aPartitionReadFromATableNeverReadsTheBlockAfterThePartitionAndAnAbsentOneReadsNone() throws IOException {
        StorageEngine engine = open(config().toBuilder().blockSizeBytes(4096).build());
        String filler = "x".repeat(4200); // one entry fills a block: every partition begins and ends one
        int partitions = 100;
        for (int p = 0; p < partitions; p++) {
            applyBatch(engine, List.of(entry(TestRowKeys.cell("p" + p, 1, "c"), value(filler + p, 1))));
        }
        engine.flush();
        ringdb.storage.sstable.SSTable table = engine.tables().get(0);
        for (boolean reversed : new boolean[] {false, true}) {
            long before = table.blocksRead();
            for (int p = 0; p < partitions; p++) {
                String partition = "p" + p;
                long token = EntryKeys.decorate(Partitioner.SHA1, TestRowKeys.partition(partition)).token();
                List<LocalStore.Entry> found = engine.slice(token, TestRowKeys.partition(partition),
                        TestRowKeys.partitionEnd(partition), reversed, 10);
                assertThat(found).extracting(e -> e.key().key()).as("partition %s", partition)
                        .containsExactly(TestRowKeys.cell(partition, 1, "c"));
                assertThat(new String(found.get(0).cell().value(), StandardCharsets.UTF_8)).isEqualTo(filler + p);
            }
            // The index knows where blocks begin, not where they end: the block before a partition that
            // begins a block is read to find that it ends before the partition; the one after never is.
            assertThat(table.blocksRead() - before).as("blocks read, reversed %s", reversed)
                    .isLessThanOrEqualTo(2L * partitions);
        }
        int absentBlocks = 0;
        for (int p = 0; p < 400; p++) {
            String partition = "absent" + p;
            long token = EntryKeys.decorate(Partitioner.SHA1, TestRowKeys.partition(partition)).token();
            long before = table.blocksRead();
            assertThat(engine.slice(token, TestRowKeys.partition(partition), TestRowKeys.partitionEnd(partition),
                    false, 10)).isEmpty();
            absentBlocks += (int) (table.blocksRead() - before);
        }
        assertThat(absentBlocks).as("the bloom filter keeps reads of absent partitions off the table (a few false "
                + "positives)").isLessThanOrEqualTo(2 * 20);
        engine.close();
    }
}
