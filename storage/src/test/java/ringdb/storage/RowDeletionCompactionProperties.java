package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
import ringdb.core.ring.Partitioner;
import ringdb.core.rows.ColumnData;
import ringdb.core.rows.PartitionPage;
import ringdb.core.rows.PartitionReader;
import ringdb.core.rows.PartitionUpdate;
import ringdb.core.rows.ReadCommand;
import ringdb.core.rows.Row;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.keys.Slice;
import ringdb.core.schema.types.CqlTypes;
import ringdb.core.store.LocalStore;
import ringdb.storage.disk.SimDisk;
import ringdb.storage.rows.EntryKeys;
import ringdb.storage.rows.SchemaTombstoneKinds;
import ringdb.storage.testing.ManualTimers;

/**
 * Compaction with the tables' schema ({@link SchemaTombstoneKinds}) against a model: random writes
 * of a table with a scalar column, a non-frozen set, a static column and a static set — values,
 * expiring and expired values, cell, element, collection, row, range and partition deletions, row
 * markers — with flushes and compactions between them. The rows read from the engine (through
 * {@link PartitionReader}) must be the rows read from the model (every write reconciled per key,
 * nothing ever dropped) after every step; and once everything is compacted into one table, no
 * value any deletion covers is left (shadowing is exact), and with gc_grace passed no tombstone or
 * expired value is left either (purging is complete) — while reads still match the model (purging
 * never resurrects what a deletion covered).
 */
class RowDeletionCompactionProperties {
    private static final long NOW_SECONDS = 1_800_000_000L;
    private static final long T0 = NOW_SECONDS * 1_000_000L - 1_000_000_000L;
    private static final String DIR = "/n";
    private static final TableMetadata TABLE = table(10 * 24 * 3600);
    private static final RowKeys KEYS = new RowKeys(TABLE, Partitioner.SHA1::token);
    private static final PartitionKey[] PARTITIONS = {PartitionKey.of(utf8("a")), PartitionKey.of(utf8("b"))};

    /**
     * One write: kind 0 set x, 1 set x expiring, 2 set x expired, 3 delete x, 4 add to tags, 5 remove from
     * tags, 6 overwrite tags, 7 delete tags, 8 insert (marker), 9 delete row, 10 delete range, 11 delete
     * partition, 12 set s, 13 add to labels, 14 delete labels.
     */
    record Op(int kind, int partition, int ck, int ckTo, int element, long timestamp) {
    }

    sealed interface Action permits Batch, Flush, Compact {
    }

    record Batch(List<Op> ops) implements Action {
    }

    record Flush() implements Action {
    }

    record Compact() implements Action {
    }

    /** The table, with its tombstones kept {@code gcGraceSeconds}. */
    private static TableMetadata table(int gcGraceSeconds) {
        return TableMetadata.builder("app", "t")
                .partitionKey("id", CqlTypes.TEXT).clustering("ck", CqlTypes.INT, false)
                .staticColumn("s", CqlTypes.TEXT).staticColumn("labels", CqlTypes.parse("set<int>"))
                .regular("x", CqlTypes.TEXT).regular("tags", CqlTypes.parse("set<int>"))
                .gcGraceSeconds(gcGraceSeconds).createdAt(1, 0).build();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] integer(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    @Provide
    Arbitrary<List<Action>> actions() {
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 14),
                Arbitraries.integers().between(0, PARTITIONS.length - 1), Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 3),
                Arbitraries.longs().between(1, 40)).as(Op::new);
        Arbitrary<Action> batch = op.list().ofMinSize(1).ofMaxSize(4).map(Batch::new);
        Arbitrary<Action> action = Arbitraries.frequencyOf(Tuple.of(10, batch),
                Tuple.of(2, Arbitraries.just(new Flush())), Tuple.of(1, Arbitraries.just(new Compact())));
        return action.list().ofMinSize(1).ofMaxSize(60);
    }

    /** The engine's gc_grace is {@code engineGcGraceMicros}; the schema gives the table's, which wins. */
    private static StorageConfig config(long engineGcGraceMicros, TableMetadata schema) {
        return StorageConfig.builder().syncMode(SyncMode.BATCH).memtableSizeBytesMax(2048).blockSizeBytes(256)
                .commitLogSizes(64 * 1024, 4096).compactionThresholds(2, 3).gcGraceMicros(engineGcGraceMicros)
                .tombstoneKinds(new SchemaTombstoneKinds(id -> id.equals(schema.id()) ? schema : null)).build();
    }

    /**
     * Timestamps collide and arrive in any order; the table's gc_grace is 10 days (the engine's 0):
     * compaction shadows and never purges.
     */
    @Property(tries = 150)
    void compactionDropsExactlyWhatDeletionsCover(@ForAll("actions") List<Action> actions) throws IOException {
        run(actions, config(0, TABLE), false);
    }

    /**
     * The table's gc_grace is 0 (the engine's 1000 days) and writes come in timestamp order:
     * deletions and expired values go, nothing comes back.
     */
    @Property(tries = 150)
    void purgingRowAndCollectionDeletionsNeverResurrectsAndLeavesOnlyLiveCells(
            @ForAll("actions") List<Action> actions) throws IOException {
        run(actions, config(1_000L * 24 * 3600 * 1_000_000L, table(0)), true);
    }

    private static void run(List<Action> actions, StorageConfig config, boolean purge) throws IOException {
        ManualTimers timers = new ManualTimers(NOW_SECONDS * 1_000_000L);
        SimDisk disk = new SimDisk(new Random(1));
        StorageEngine engine = StorageEngine.open(disk, DIR, config, timers, timers);
        TreeMap<DecoratedKey, Cell> model = new TreeMap<>();
        long sequence = 0;
        for (Action action : actions) {
            if (action instanceof Batch batch) {
                List<LocalStore.Entry> entries = new ArrayList<>();
                for (Op op : batch.ops()) {
                    long timestamp = purge ? (sequence += 2) : op.timestamp();
                    entries.addAll(entries(op, T0 + timestamp));
                }
                List<Throwable> acks = new ArrayList<>();
                engine.applyBatch(entries, acks::add);
                assertThat(acks).containsExactly((Throwable) null);
                entries.forEach(e -> model.merge(e.key(), e.cell(), Cell::reconcile));
            } else if (action instanceof Flush) {
                engine.flush();
            } else {
                engine.compactAll();
            }
            for (PartitionKey pk : PARTITIONS) {
                assertThat(read(engineSlice(engine, pk), engine.rangeTombstones(KEYS.token(pk),
                        KEYS.partition(pk).start(), KEYS.partition(pk).end()), pk))
                        .as("rows of %s after %s", pk, action).isEqualTo(read(modelSlice(model, pk), pk));
            }
        }
        engine.flush();
        engine.compactAll();
        for (PartitionKey pk : PARTITIONS) {
            List<LocalStore.Entry> raw = engineSlice(engine, pk);
            List<String> rows = read(raw, engine.rangeTombstones(KEYS.token(pk), KEYS.partition(pk).start(),
                    KEYS.partition(pk).end()), pk);
            assertThat(rows).as("rows of %s compacted", pk).isEqualTo(read(modelSlice(model, pk), pk));
            long values = raw.stream().filter(e -> !e.cell().isTombstone() && e.cell().isLiveAt(NOW_SECONDS))
                    .count();
            assertThat(values).as("values left in %s: exactly the live cells read %s; entries %s", pk, rows,
                    render(raw)).isEqualTo(liveCells(engineSlice(engine, pk), pk));
            if (purge) {
                assertThat(raw).as("after gc_grace, one table: only live values are left in %s: %s", pk,
                        render(raw)).hasSize((int) values);
            }
        }
        engine.close();
    }

    private static List<LocalStore.Entry> entries(Op op, long timestamp) {
        PartitionKey pk = PARTITIONS[op.partition()];
        boolean expired = op.kind() == 2;
        int ttl = op.kind() == 1 || expired ? 30 : 0;
        long now = expired ? NOW_SECONDS - 100 : NOW_SECONDS;
        PartitionUpdate update = new PartitionUpdate(Partitioner.SHA1, TABLE, pk, timestamp, ttl, now,
                1 << 20, op.element());
        Clustering row = Clustering.of(integer(op.ck()));
        List<byte[]> element = List.of(integer(op.element()));
        switch (op.kind()) {
            case 0, 1, 2 -> update.set(row, "x", utf8("v" + timestamp % 1000));
            case 3 -> update.deleteColumn(row, "x");
            case 4 -> update.addToSet(row, "tags", element);
            case 5 -> update.removeFromSet(row, "tags", element);
            case 6 -> update.set(row, "tags", CqlTypes.parse("set<int>").fromJson(List.of(op.element(), 9)));
            case 7 -> update.deleteColumn(row, "tags");
            case 8 -> update.insert(row);
            case 9 -> update.deleteRow(row);
            case 10 -> update.deleteRange(new Slice(Clustering.of(integer(Math.min(op.ck(), op.ckTo()))), true,
                    Clustering.of(integer(Math.max(op.ck(), op.ckTo()))), op.element() % 2 == 0));
            case 11 -> update.deletePartition();
            case 12 -> update.set(null, "s", utf8("s" + timestamp % 1000));
            case 13 -> update.addToSet(null, "labels", element);
            default -> update.deleteColumn(null, "labels");
        }
        return update.entries();
    }

    private static List<LocalStore.Entry> engineSlice(StorageEngine engine, PartitionKey pk) {
        KeyRange range = KEYS.partition(pk);
        return engine.slice(KEYS.token(pk), range.start(), range.end(), false, 100_000);
    }

    private static List<LocalStore.Entry> modelSlice(TreeMap<DecoratedKey, Cell> model, PartitionKey pk) {
        KeyRange range = KEYS.partition(pk);
        long token = KEYS.token(pk);
        List<LocalStore.Entry> found = new ArrayList<>();
        model.subMap(new DecoratedKey(token, range.start()), true, new DecoratedKey(token, range.end()), false)
                .forEach((key, cell) -> found.add(new LocalStore.Entry(key, cell)));
        return found;
    }

    private static List<String> read(List<LocalStore.Entry> entries, PartitionKey pk) {
        return read(entries, entries.stream().filter(e -> EntryKeys.isDeletionIndexed(e.key().key())).toList(), pk);
    }

    private static List<String> read(List<LocalStore.Entry> entries, List<LocalStore.Entry> deletions,
                                     PartitionKey pk) {
        PartitionPage page = PartitionReader.read(ReadCommand.partition(TABLE, pk), entries, deletions, NOW_SECONDS,
                true);
        List<String> out = new ArrayList<>();
        if (page.staticRow() != null) {
            out.add("static " + render(page.staticRow()));
        }
        page.rows().forEach(row -> out.add(render(row)));
        return out;
    }

    /** The cells (markers, values, elements) a read of the partition returns. */
    private static long liveCells(List<LocalStore.Entry> entries, PartitionKey pk) {
        PartitionPage page = PartitionReader.read(ReadCommand.partition(TABLE, pk), entries,
                entries.stream().filter(e -> EntryKeys.isDeletionIndexed(e.key().key())).toList(), NOW_SECONDS, true);
        List<Row> rows = new ArrayList<>(page.rows());
        if (page.staticRow() != null) {
            rows.add(page.staticRow());
        }
        long cells = 0;
        for (Row row : rows) {
            cells += row.marker() == null ? 0 : 1;
            for (ColumnData data : row.columns().values()) {
                cells += data.isCollection() ? data.elements().size() : 1;
            }
        }
        return cells;
    }

    private static String render(Row row) {
        StringBuilder out = new StringBuilder(row.clustering().values().stream()
                .map(v -> HexFormat.of().formatHex(v)).toList().toString());
        if (row.marker() != null) {
            out.append(" marker ").append(row.marker());
        }
        for (Map.Entry<String, ColumnData> column : row.columns().entrySet()) {
            out.append(' ').append(column.getKey()).append('=');
            ColumnData data = column.getValue();
            if (data.isCollection()) {
                data.elements().forEach(e -> out.append(HexFormat.of().formatHex(e.key())).append(':')
                        .append(e.cell()).append(','));
            } else {
                out.append(data.cell());
            }
        }
        return out.toString();
    }

    private static List<String> render(List<LocalStore.Entry> entries) {
        List<String> out = new ArrayList<>();
        entries.forEach(e -> out.add(HexFormat.of().formatHex(e.key().key()) + " " + e.cell()));
        return out;
    }
}
