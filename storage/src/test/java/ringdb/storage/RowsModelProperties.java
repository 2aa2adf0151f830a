package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;
import ringdb.storage.disk.SimDisk;
import ringdb.storage.rows.EntryKeys;
import ringdb.storage.rows.TestRowKeys;
import ringdb.storage.testing.ManualTimers;
import ringdb.core.ring.Partitioner;

/**
 * The engine against a model of table entries: random batches of cell writes (some expiring, some
 * already expired), cell, row and partition deletions and range tombstones, with flushes,
 * compactions, clean restarts and crashes in between. Slices (forward and reverse, paged) and the
 * partition's deletions must show what the model shows once each side's deletions are applied:
 * compaction may drop what a deletion covers, never anything else, and never loses a deletion.
 */
class RowsModelProperties {
    private static final long NOW_SECONDS = 1_800_000_000L;
    private static final long T0 = NOW_SECONDS * 1_000_000L;
    private static final String[] PARTITIONS = {"a", "b"};
    private static final String[] COLUMNS = {"x", "y"};
    private static final String DIR = "/n";

    sealed interface Action permits Batch, Flush, Compact, Reopen, Crash {
    }

    /** One mutation: kind 0 cell, 1 expiring cell, 2 cell tombstone, 3 row deletion, 4 range, 5 partition. */
    record Op(int kind, int partition, int ck, int ckTo, int column, long timestamp, boolean expired) {
    }

    record Batch(List<Op> ops) implements Action {
    }

    record Flush() implements Action {
    }

    record Compact() implements Action {
    }

    record Reopen() implements Action {
    }

    record Crash() implements Action {
    }

    @Provide
    Arbitrary<List<Action>> actions() {
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.frequency(Tuple.of(8, 0), Tuple.of(2, 1), Tuple.of(2, 2), Tuple.of(1, 3), Tuple.of(2, 4),
                        Tuple.of(1, 5)),
                Arbitraries.integers().between(0, PARTITIONS.length - 1), Arbitraries.integers().between(0, 9),
                Arbitraries.integers().between(0, 9), Arbitraries.integers().between(0, COLUMNS.length - 1),
                Arbitraries.longs().between(1, 40), Arbitraries.of(true, false)).as(Op::new);
        Arbitrary<Action> batch = op.list().ofMinSize(1).ofMaxSize(5).map(Batch::new);
        Arbitrary<Action> action = Arbitraries.frequencyOf(Tuple.of(12, batch),
                Tuple.of(1, Arbitraries.just(new Flush())), Tuple.of(1, Arbitraries.just(new Compact())),
                Tuple.of(1, Arbitraries.just(new Reopen())), Tuple.of(1, Arbitraries.just(new Crash())));
        return action.list().ofMinSize(1).ofMaxSize(80);
    }

    private static StorageConfig config() {
        return StorageConfig.builder().syncMode(SyncMode.BATCH).memtableSizeBytesMax(4096).blockSizeBytes(256)
                .commitLogSizes(64 * 1024, 4096).compactionThresholds(2, 4).build();
    }

    @Property(tries = 120)
    void slicesAndDeletionsMatchTheModelThroughFlushesCompactionsAndCrashes(
            @ForAll("actions") List<Action> actions) throws IOException {
        run(actions, config(), false);
    }

    /**
     * The seed that found compaction turning an expired value into a tombstone, which then won a tie of
     * timestamps that the value loses on a replica that has not compacted it.
     */
    @Property(tries = 120, seed = "-8686295353970747545")
    void anExpiredValueReconcilesAlikeBeforeAndAfterCompaction(@ForAll("actions") List<Action> actions)
            throws IOException {
        run(actions, config(), false);
    }

    /**
     * With gc_grace 0 and the clock past every write, compactions purge deletions: the live values a
     * reader sees must still be the model's (a purge never resurrects a covered value).
     */
    @Property(tries = 80)
    void purgingDeletionsNeverResurrectsWhatTheyCovered(@ForAll("actions") List<Action> actions)
            throws IOException {
        run(actions, config().toBuilder().gcGraceMicros(0).build(), true);
    }

    private static void run(List<Action> actions, StorageConfig config, boolean liveOnly) throws IOException {
        ManualTimers timers = new ManualTimers(liveOnly ? T0 + 100_000_000L : T0);
        SimDisk disk = new SimDisk(new Random(1));
        StorageEngine engine = StorageEngine.open(disk, DIR, config, timers, timers);
        TreeMap<DecoratedKey, Cell> model = new TreeMap<>();
        long sequence = 0;
        for (Action action : actions) {
            if (action instanceof Batch generated) {
                Batch batch = generated;
                if (liveOnly) { // timestamps in write order: no write arrives older than a purged deletion
                    List<Op> ordered = new ArrayList<>();
                    for (Op op : generated.ops()) {
                        ordered.add(new Op(op.kind(), op.partition(), op.ck(), op.ckTo(), op.column(), ++sequence,
                                op.expired()));
                    }
                    batch = new Batch(ordered);
                }
                List<LocalStore.Entry> entries = entries(batch);
                List<Throwable> acks = new ArrayList<>();
                engine.applyBatch(entries, acks::add);
                assertThat(acks).containsExactly((Throwable) null);
                entries.forEach(e -> model.merge(e.key(), e.cell(), Cell::reconcile));
            } else if (action instanceof Flush) {
                engine.flush();
            } else if (action instanceof Compact) {
                engine.compactAll();
            } else if (action instanceof Reopen) {
                engine.close();
                engine = StorageEngine.open(disk, DIR, config, timers, timers);
            } else {
                disk.crash(); // BATCH: every acknowledged batch was synced
                engine = StorageEngine.open(disk, DIR, config, timers, timers);
            }
            if (liveOnly) {
                checkLive(engine, model);
            } else {
                check(engine, model);
            }
        }
        engine.close();
    }

    private static List<LocalStore.Entry> entries(Batch batch) {
        List<LocalStore.Entry> entries = new ArrayList<>();
        for (Op op : batch.ops()) {
            String pk = PARTITIONS[op.partition()];
            long ts = T0 + op.timestamp();
            switch (op.kind()) {
                case 0 -> entries.add(entry(TestRowKeys.cell(pk, op.ck(), COLUMNS[op.column()]),
                        Cell.value(new byte[] {(byte) op.timestamp(), (byte) op.ck()}, ts)));
                case 1 -> entries.add(entry(TestRowKeys.cell(pk, op.ck(), COLUMNS[op.column()]),
                        Cell.expiring(new byte[] {(byte) op.timestamp()}, ts, 30,
                                op.expired() ? NOW_SECONDS - 1 : NOW_SECONDS + 1000)));
                case 2 -> entries.add(entry(TestRowKeys.cell(pk, op.ck(), COLUMNS[op.column()]), Cell.tombstone(ts)));
                case 3 -> entries.add(entry(TestRowKeys.rowDeletion(pk, op.ck()), Cell.tombstone(ts)));
                case 4 -> {
                    int from = Math.min(op.ck(), op.ckTo());
                    int to = Math.max(op.ck(), op.ckTo());
                    entries.add(entry(TestRowKeys.rangeOpen(pk, from, to), Cell.tombstone(ts)));
                    entries.add(entry(TestRowKeys.rangeClose(pk, from, to), Cell.tombstone(ts)));
                }
                default -> entries.add(entry(TestRowKeys.partitionDeletion(pk), Cell.tombstone(ts)));
            }
        }
        return entries;
    }

    private static LocalStore.Entry entry(byte[] key, Cell cell) {
        return new LocalStore.Entry(EntryKeys.decorate(Partitioner.SHA1, key), cell);
    }

    private static void check(StorageEngine engine, TreeMap<DecoratedKey, Cell> model) {
        for (String pk : PARTITIONS) {
            long token = EntryKeys.decorate(Partitioner.SHA1, TestRowKeys.partition(pk)).token();
            byte[] start = TestRowKeys.partition(pk);
            byte[] end = TestRowKeys.partitionEnd(pk);
            List<LocalStore.Entry> modelPartition = modelSlice(model, token, start, end);
            List<LocalStore.Entry> modelDeletions = modelPartition.stream()
                    .filter(e -> EntryKeys.isDeletionIndexed(e.key().key())).toList();
            List<LocalStore.Entry> engineDeletions = engine.rangeTombstones(token, start, end);
            assertThat(render(visible(engineDeletions, engineDeletions)))
                    .as("deletions of %s", pk).isEqualTo(render(visible(modelDeletions, modelDeletions)));
            for (int[] bounds : new int[][] {{0, 10}, {3, 7}, {5, 6}}) {
                byte[] from = TestRowKeys.rowStart(pk, bounds[0]);
                byte[] to = TestRowKeys.rowStart(pk, bounds[1]);
                List<String> expected = render(visible(modelSlice(model, token, from, to), modelDeletions));
                List<String> forward = render(visible(pages(engine, token, from, to, false), engineDeletions));
                assertThat(forward).as("%s rows [%d, %d)", pk, bounds[0], bounds[1]).isEqualTo(expected);
                List<String> backward = render(visible(pages(engine, token, from, to, true), engineDeletions));
                Collections.reverse(backward);
                assertThat(backward).as("%s rows [%d, %d) reversed", pk, bounds[0], bounds[1]).isEqualTo(expected);
            }
        }
    }

    private static void checkLive(StorageEngine engine, TreeMap<DecoratedKey, Cell> model) {
        for (String pk : PARTITIONS) {
            long token = EntryKeys.decorate(Partitioner.SHA1, TestRowKeys.partition(pk)).token();
            byte[] start = TestRowKeys.partition(pk);
            byte[] end = TestRowKeys.partitionEnd(pk);
            List<LocalStore.Entry> modelPartition = modelSlice(model, token, start, end);
            List<LocalStore.Entry> modelDeletions = modelPartition.stream()
                    .filter(e -> EntryKeys.isDeletionIndexed(e.key().key())).toList();
            List<String> expected = render(live(visible(modelPartition, modelDeletions)));
            List<String> actual = render(live(visible(pages(engine, token, start, end, false),
                    engine.rangeTombstones(token, start, end))));
            assertThat(actual).as("live entries of %s", pk).isEqualTo(expected);
        }
    }

    private static List<LocalStore.Entry> live(List<LocalStore.Entry> entries) {
        return entries.stream().filter(e -> !e.cell().isTombstone()).toList();
    }

    private static List<LocalStore.Entry> modelSlice(TreeMap<DecoratedKey, Cell> model, long token, byte[] from,
                                                     byte[] to) {
        List<LocalStore.Entry> found = new ArrayList<>();
        model.subMap(new DecoratedKey(token, from), true, new DecoratedKey(token, to), false)
                .forEach((key, cell) -> found.add(new LocalStore.Entry(key, cell)));
        return found;
    }

    private static List<LocalStore.Entry> pages(StorageEngine engine, long token, byte[] from, byte[] to,
                                                boolean reversed) {
        List<LocalStore.Entry> all = new ArrayList<>();
        byte[] low = from;
        byte[] high = to;
        for (int page = 0; page < 1000; page++) {
            List<LocalStore.Entry> entries = engine.slice(token, low, high, reversed, 3);
            all.addAll(entries);
            if (entries.size() < 3) {
                return all;
            }
            byte[] last = entries.get(entries.size() - 1).key().key();
            if (reversed) {
                high = last;
            } else {
                low = Arrays.copyOf(last, last.length + 1);
            }
        }
        throw new AssertionError("the slice did not end");
    }

    /**
     * What a reader sees: expired values as tombstones, entries the partition deletion or a range
     * tombstone covers (timestamp at or before the deletion's) left out; deletions themselves stay.
     */
    private static List<LocalStore.Entry> visible(List<LocalStore.Entry> entries, List<LocalStore.Entry> deletions) {
        long partitionDeleted = Long.MIN_VALUE;
        List<byte[]> opens = new ArrayList<>();
        List<byte[]> closes = new ArrayList<>();
        List<Long> rangeTimestamps = new ArrayList<>();
        for (LocalStore.Entry deletion : deletions) {
            byte[] key = deletion.key().key();
            if (!deletion.cell().isTombstone()) {
                continue;
            }
            if (EntryKeys.isPartitionDeletion(key)) {
                partitionDeleted = Math.max(partitionDeleted, deletion.cell().timestampMicros());
            } else if (deletion.cell().timestampMicros() > partitionDeleted) {
                opens.add(key);
                closes.add(EntryKeys.closeOfOpenBound(key));
                rangeTimestamps.add(deletion.cell().timestampMicros());
            }
        }
        List<LocalStore.Entry> seen = new ArrayList<>();
        for (LocalStore.Entry entry : entries) {
            byte[] key = entry.key().key();
            Cell cell = entry.cell().isLiveAt(NOW_SECONDS) || entry.cell().isTombstone() ? entry.cell()
                    : Cell.tombstone(entry.cell().timestampMicros());
            boolean partitionDeletion = EntryKeys.isPartitionDeletion(key);
            if (!partitionDeletion && cell.timestampMicros() <= partitionDeleted) {
                continue;
            }
            boolean bound = EntryKeys.closeOfOpenBound(key) != null
                    || closes.stream().anyMatch(c -> Arrays.equals(c, key));
            boolean covered = false;
            for (int i = 0; i < opens.size() && !bound && !partitionDeletion; i++) {
                covered |= Arrays.compareUnsigned(opens.get(i), key) < 0
                        && Arrays.compareUnsigned(key, closes.get(i)) < 0
                        && cell.timestampMicros() <= rangeTimestamps.get(i);
            }
            if (!covered) {
                seen.add(new LocalStore.Entry(entry.key(), cell));
            }
        }
        return seen;
    }

    private static List<String> render(List<LocalStore.Entry> entries) {
        List<String> lines = new ArrayList<>();
        for (LocalStore.Entry entry : entries) {
            lines.add(java.util.HexFormat.of().formatHex(entry.key().key()) + " " + entry.cell());
        }
        return lines;
    }
}
