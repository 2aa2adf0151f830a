package ringdb.core.rows;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import ringdb.core.data.Cell;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.DecodedKey;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeyDecoder;
import ringdb.core.schema.keys.Slice;
import ringdb.core.schema.keys.Slices;
import ringdb.core.schema.types.CqlTypes;
import ringdb.core.store.LocalStore;

/**
 * Random writes and deletions of every kind (with colliding timestamps and TTLs) applied to a
 * model of rows, and as {@link PartitionUpdate} entries to a key-ordered map reconciled per key
 * as storage does; then random reads through {@link PartitionReader}: forward and reversed, random
 * slices, column selections, limits, paging by rows and paging by storage's entry limit. The rows
 * must be the model's.
 */
class RowsModelProperties {
    private static final long WRITE_NOW = 100;
    private static final PartitionKey PK = PartitionKey.of(CqlTypes.INT.fromJava(7));

    static TableMetadata table(boolean descending) {
        return TableMetadata.builder("ks", "t").partitionKey("k", CqlTypes.INT)
                .clustering("c", CqlTypes.INT, descending).regular("v", CqlTypes.INT)
                .regular("s", CqlTypes.set(CqlTypes.INT, false))
                .regular("m", CqlTypes.map(CqlTypes.INT, CqlTypes.INT, false)).staticColumn("st", CqlTypes.INT)
                .createdAt(1, 0).build();
    }

    /** One write: its kind, row, value or elements, range, timestamp and TTL. */
    record Op(String kind, int row, int value, List<Integer> elements, Integer low, boolean lowIn, Integer high,
              boolean highIn, long ts, int ttl) {
    }

    record Case(boolean descending, List<Op> ops, Integer low, boolean lowIn, Integer high, boolean highIn,
                boolean reversed, int limit, int pageRows, int pageEntries, String columns, long now) {
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Integer> rows = Arbitraries.integers().between(0, 7);
        Arbitrary<Integer> bound = Arbitraries.integers().between(-1, 8).injectNull(0.2);
        Arbitrary<List<Integer>> elements = Arbitraries.integers().between(0, 3).list().ofMaxSize(3);
        Arbitrary<String> kinds = Arbitraries.of("insert", "insertV", "setV", "delV", "addS", "remS", "overS", "delS",
                "putM", "remM", "overM", "delM", "delRow", "delRange", "delPartition", "setSt", "delSt");
        Arbitrary<Op> op = Combinators.combine(kinds, rows, Arbitraries.integers().between(0, 3), elements,
                bound, Arbitraries.of(true, false), bound, Arbitraries.of(true, false))
                .as((k, r, v, e, lo, li, hi, hu) -> new Op(k, r, v, e, lo, li, hi, hu, 0, 0));
        Arbitrary<Op> stamped = Combinators.combine(op, Arbitraries.longs().between(1, 12),
                Arbitraries.integers().between(0, 6).map(t -> t > 3 ? 0 : t)).as((o, ts, ttl) ->
                new Op(o.kind, o.row, o.value, o.elements, o.low, o.lowIn, o.high, o.highIn, ts, ttl));
        Arbitrary<List<Op>> ops = stamped.list().ofMinSize(1).ofMaxSize(25);
        return Combinators.combine(Arbitraries.of(true, false), ops, bound, Arbitraries.of(true, false), bound,
                Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.integers().between(0, 4))
                .flatAs((desc, o, lo, li, hi, hu, rev, lim) -> Combinators.combine(
                        Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 12),
                        Arbitraries.of("all", "v", "s", "m", "st", "v,st"), Arbitraries.longs().between(100, 105))
                        .as((pr, pe, cols, now) -> new Case(desc, o, lo, li, hi, hu, rev, lim, pr, pe, cols, now)));
    }

    @Property(tries = 400)
    void theReaderReturnsTheModelsRows(@ForAll("cases") Case c) {
        TableMetadata table = table(c.descending);
        Model model = new Model();
        TreeMap<byte[], Cell> store = new TreeMap<>(Arrays::compareUnsigned);
        for (Op op : c.ops) {
            model.apply(op);
            for (LocalStore.Entry e : update(table, op).entries()) {
                store.merge(e.key().key(), e.cell(), Cell::reconcile);
            }
        }
        Slice slice = slice(table, c.low, c.lowIn, c.high, c.highIn);
        Set<String> columns = c.columns.equals("all") ? null : Set.of(c.columns.split(","));
        ReadCommand all = new ReadCommand(table, PK, List.of(slice), columns, c.reversed, 0, 0, null);
        List<String> expected = model.read(c.now, c.descending, c.reversed, columns, c.low, c.lowIn, c.high,
                c.highIn);
        String expectedStatic = model.readStatic(c.now, columns);

        PartitionPage full = PartitionReader.read(all, entries(store, all, Integer.MAX_VALUE), rangeTombstones(table,
                store), c.now, true);
        assertThat(render(full.rows())).as("whole read").containsExactlyElementsOf(expected);
        assertThat(renderStatic(full.staticRow())).isEqualTo(expectedStatic);
        assertThat(full.exhausted()).isTrue();

        PartitionPage limited = PartitionReader.read(all.withRowLimit(c.limit), entries(store, all, Integer.MAX_VALUE),
                rangeTombstones(table, store), c.now, true);
        List<String> prefix = c.limit == 0 ? expected : expected.subList(0, Math.min(c.limit, expected.size()));
        assertThat(render(limited.rows())).as("limit " + c.limit).containsExactlyElementsOf(prefix);

        assertThat(pagedByRows(store, table, all.withRowLimit(c.pageRows), c.now)).as("pages of " + c.pageRows)
                .containsExactlyElementsOf(expected);
        assertThat(pagedByEntries(store, table, all, c.pageEntries, c.now)).as("pages of " + c.pageEntries
                + " entries").containsExactlyElementsOf(expected);
    }

    private static List<String> pagedByRows(TreeMap<byte[], Cell> store, TableMetadata table, ReadCommand first,
                                            long now) {
        List<String> out = new ArrayList<>();
        ReadCommand command = first;
        for (int page = 0; page < 20; page++) {
            PartitionPage p = PartitionReader.read(command, entries(store, command, Integer.MAX_VALUE),
                    rangeTombstones(table, store), now, true);
            assertThat(p.rows().size()).isLessThanOrEqualTo(first.rowLimit());
            out.addAll(render(p.rows()));
            if (p.exhausted()) {
                return out;
            }
            command = command.after(p.resumeAfter());
        }
        throw new AssertionError("paging did not end in 20 pages");
    }

    private static List<String> pagedByEntries(TreeMap<byte[], Cell> store, TableMetadata table, ReadCommand first,
                                               int maxEntries, long now) {
        List<String> out = new ArrayList<>();
        ReadCommand command = first;
        int max = maxEntries;
        for (int page = 0; page < 200; page++) {
            List<LocalStore.Entry> all = entries(store, command, Integer.MAX_VALUE);
            List<LocalStore.Entry> given = all.subList(0, Math.min(max, all.size()));
            PartitionPage p = PartitionReader.read(command, given, rangeTombstones(table, store), now,
                    given.size() == all.size());
            if (p.exhausted()) {
                out.addAll(render(p.rows()));
                return out;
            }
            if (p.resumeAfter() == null) {
                max *= 2; // not one whole row in the page: the caller asks for more entries
                continue;
            }
            out.addAll(render(p.rows()));
            command = command.after(p.resumeAfter());
        }
        throw new AssertionError("paging by entries did not end");
    }

    /** Storage's slices: the command's ranges in order, each in read order, at most {@code max} entries. */
    static List<LocalStore.Entry> entries(TreeMap<byte[], Cell> store, ReadCommand command, int max) {
        List<LocalStore.Entry> out = new ArrayList<>();
        for (KeyRange range : command.storageRanges()) {
            Map<byte[], Cell> part = store.subMap(range.start(), true, range.end(), false);
            List<Map.Entry<byte[], Cell>> list = new ArrayList<>(part.entrySet());
            if (command.reversed()) {
                java.util.Collections.reverse(list);
            }
            for (Map.Entry<byte[], Cell> e : list) {
                if (out.size() < max) {
                    out.add(new LocalStore.Entry(new ringdb.core.ring.DecoratedKey(0, e.getKey()), e.getValue()));
                }
            }
        }
        return out;
    }

    /** Storage's rangeTombstones: the partition deletion and every range tombstone's opening bound. */
    static List<LocalStore.Entry> rangeTombstones(TableMetadata table, TreeMap<byte[], Cell> store) {
        List<LocalStore.Entry> out = new ArrayList<>();
        store.forEach((key, cell) -> {
            DecodedKey.Kind kind = RowKeyDecoder.decode(table, key).kind();
            if (kind == DecodedKey.Kind.PARTITION_DELETION || kind == DecodedKey.Kind.RANGE_TOMBSTONE_OPEN) {
                out.add(new LocalStore.Entry(new ringdb.core.ring.DecoratedKey(0, key), cell));
            }
        });
        return out;
    }

    static Slice slice(TableMetadata table, Integer low, boolean lowIn, Integer high, boolean highIn) {
        return Slices.range(table, Clustering.EMPTY, low == null ? null : CqlTypes.INT.fromJava(low), lowIn,
                high == null ? null : CqlTypes.INT.fromJava(high), highIn);
    }

    static PartitionUpdate update(TableMetadata table, Op op) {
        PartitionUpdate u = new PartitionUpdate(table, PK, op.ts, op.ttl, WRITE_NOW);
        Clustering row = Clustering.of(CqlTypes.INT.fromJava(op.row));
        List<byte[]> elements = op.elements.stream().map(CqlTypes.INT::fromJava).toList();
        switch (op.kind) {
            case "insert" -> u.insert(row);
            case "insertV" -> u.insert(row).set(row, "v", CqlTypes.INT.fromJava(op.value));
            case "setV" -> u.set(row, "v", CqlTypes.INT.fromJava(op.value));
            case "delV" -> u.deleteColumn(row, "v");
            case "addS" -> u.addToSet(row, "s", elements);
            case "remS" -> u.removeFromSet(row, "s", elements);
            case "overS" -> u.set(row, "s", CqlTypes.set(CqlTypes.INT, false).fromJava(new TreeSet<>(op.elements)));
            case "delS" -> u.deleteColumn(row, "s");
            case "putM" -> u.putInMap(row, "m", elements.stream().map(e -> Map.entry(e,
                    CqlTypes.INT.fromJava(op.value))).toList());
            case "remM" -> u.removeFromMap(row, "m", elements);
            case "overM" -> {
                Map<Integer, Integer> map = new TreeMap<>();
                op.elements.forEach(e -> map.put(e, op.value));
                u.set(row, "m", CqlTypes.map(CqlTypes.INT, CqlTypes.INT, false).fromJava(map));
            }
            case "delM" -> u.deleteColumn(row, "m");
            case "delRow" -> u.deleteRow(row);
            case "delRange" -> u.deleteRange(slice(table, op.low, op.lowIn, op.high, op.highIn));
            case "delPartition" -> u.deletePartition();
            case "setSt" -> u.set(null, "st", CqlTypes.INT.fromJava(op.value));
            case "delSt" -> u.deleteColumn(null, "st");
            default -> throw new IllegalArgumentException(op.kind);
        }
        return u;
    }

    static List<String> render(List<Row> rows) {
        List<String> out = new ArrayList<>();
        for (Row r : rows) {
            StringBuilder s = new StringBuilder("c=").append(CqlTypes.INT.toJava(r.clustering().values().get(0)));
            s.append(r.marker() == null ? "" : " marker@" + r.marker().timestampMicros() + "/" + r.marker()
                    .expiresAtSeconds());
            ColumnData v = r.column("v");
            if (v != null) {
                s.append(" v=").append(CqlTypes.INT.toJava(v.value())).append('@').append(v.cell().timestampMicros());
            }
            ColumnData set = r.column("s");
            if (set != null) {
                s.append(" s=");
                for (ColumnData.Element e : set.elements()) {
                    s.append(CqlTypes.INT.toJava(e.key())).append('@').append(e.cell().timestampMicros()).append(',');
                }
            }
            ColumnData map = r.column("m");
            if (map != null) {
                s.append(" m=");
                for (ColumnData.Element e : map.elements()) {
                    s.append(CqlTypes.INT.toJava(e.key())).append(':').append(CqlTypes.INT.toJava(e.cell().value()))
                            .append('@').append(e.cell().timestampMicros()).append(',');
                }
                assertThat(CqlTypes.map(CqlTypes.INT, CqlTypes.INT, false).toJava(map.value())).asInstanceOf(
                        org.assertj.core.api.InstanceOfAssertFactories.MAP).hasSize(map.elements().size());
            }
            out.add(s.toString());
        }
        return out;
    }

    static String renderStatic(Row row) {
        if (row == null || row.column("st") == null) {
            return "";
        }
        ColumnData st = row.column("st");
        return "st=" + CqlTypes.INT.toJava(st.value()) + "@" + st.cell().timestampMicros();
    }

    /** Rows as a user thinks of them: per row and column the winning version, and the deletions. */
    static final class Model {
        private final Map<Integer, Cell> marker = new HashMap<>();
        private final Map<Integer, Cell> v = new HashMap<>();
        private final Map<Integer, Long> rowDeletion = new HashMap<>();
        private final Map<Integer, Long> setDeletion = new HashMap<>();
        private final Map<Integer, Map<Integer, Cell>> set = new HashMap<>();
        private final Map<Integer, Long> mapDeletion = new HashMap<>();
        private final Map<Integer, Map<Integer, Cell>> map = new HashMap<>();
        private final List<Op> ranges = new ArrayList<>();
        private long partitionDeletion = Long.MIN_VALUE;
        private Cell st;

        void apply(Op op) {
            Cell value = op.ttl == 0 ? Cell.value(CqlTypes.INT.fromJava(op.value), op.ts)
                    : Cell.expiring(CqlTypes.INT.fromJava(op.value), op.ts, op.ttl, WRITE_NOW + op.ttl);
            Cell marked = op.ttl == 0 ? Cell.value(new byte[0], op.ts)
                    : Cell.expiring(new byte[0], op.ts, op.ttl, WRITE_NOW + op.ttl);
            Cell tombstone = Cell.tombstone(op.ts);
            Map<Integer, Cell> elements = set.computeIfAbsent(op.row, r -> new HashMap<>());
            Map<Integer, Cell> entries = map.computeIfAbsent(op.row, r -> new HashMap<>());
            switch (op.kind) {
                case "insert" -> marker.merge(op.row, marked, Cell::reconcile);
                case "insertV" -> {
                    marker.merge(op.row, marked, Cell::reconcile);
                    v.merge(op.row, value, Cell::reconcile);
                }
                case "setV" -> v.merge(op.row, value, Cell::reconcile);
                case "delV" -> v.merge(op.row, tombstone, Cell::reconcile);
                case "addS" -> op.elements.forEach(e -> elements.merge(e, marked, Cell::reconcile));
                case "remS" -> op.elements.forEach(e -> elements.merge(e, tombstone, Cell::reconcile));
                case "overS" -> {
                    setDeletion.merge(op.row, op.ts - 1, Math::max);
                    op.elements.forEach(e -> elements.merge(e, marked, Cell::reconcile));
                }
                case "delS" -> setDeletion.merge(op.row, op.ts, Math::max);
                case "putM" -> op.elements.forEach(e -> entries.merge(e, value, Cell::reconcile));
                case "remM" -> op.elements.forEach(e -> entries.merge(e, tombstone, Cell::reconcile));
                case "overM" -> {
                    mapDeletion.merge(op.row, op.ts - 1, Math::max);
                    op.elements.forEach(e -> entries.merge(e, value, Cell::reconcile));
                }
                case "delM" -> mapDeletion.merge(op.row, op.ts, Math::max);
                case "delRow" -> rowDeletion.merge(op.row, op.ts, Math::max);
                case "delRange" -> ranges.add(op);
                case "delPartition" -> partitionDeletion = Math.max(partitionDeletion, op.ts);
                case "setSt" -> st = Cell.reconcile(st, value);
                case "delSt" -> st = Cell.reconcile(st, tombstone);
                default -> throw new IllegalArgumentException(op.kind);
            }
        }

        private static boolean inRange(int c, Integer low, boolean lowIn, Integer high, boolean highIn) {
            return (low == null || c > low || (lowIn && c == low))
                    && (high == null || c < high || (highIn && c == high));
        }

        private long deletion(int c) {
            long at = Math.max(partitionDeletion, rowDeletion.getOrDefault(c, Long.MIN_VALUE));
            for (Op r : ranges) {
                if (inRange(c, r.low, r.lowIn, r.high, r.highIn)) {
                    at = Math.max(at, r.ts);
                }
            }
            return at;
        }

        private static boolean live(Cell cell, long deletedAt, long now) {
            return cell != null && cell.isLiveAt(now) && cell.timestampMicros() > deletedAt;
        }

        List<String> read(long now, boolean descending, boolean reversed, Set<String> columns, Integer low,
                          boolean lowIn, Integer high, boolean highIn) {
            List<String> out = new ArrayList<>();
            for (int c = 0; c <= 7; c++) {
                if (!inRange(c, low, lowIn, high, highIn)) {
                    continue;
                }
                long del = deletion(c);
                Cell m = marker.get(c);
                boolean markerLive = live(m, del, now);
                boolean vLive = live(v.get(c), del, now);
                long setDel = Math.max(del, setDeletion.getOrDefault(c, Long.MIN_VALUE));
                TreeMap<Integer, Cell> liveElements = new TreeMap<>();
                set.getOrDefault(c, Map.of()).forEach((e, cell) -> {
                    if (live(cell, setDel, now)) {
                        liveElements.put(e, cell);
                    }
                });
                long mapDel = Math.max(del, mapDeletion.getOrDefault(c, Long.MIN_VALUE));
                TreeMap<Integer, Cell> liveEntries = new TreeMap<>();
                map.getOrDefault(c, Map.of()).forEach((e, cell) -> {
                    if (live(cell, mapDel, now)) {
                        liveEntries.put(e, cell);
                    }
                });
                if (!markerLive && !vLive && liveElements.isEmpty() && liveEntries.isEmpty()) {
                    continue;
                }
                StringBuilder s = new StringBuilder("c=").append(c);
                s.append(markerLive ? " marker@" + m.timestampMicros() + "/" + m.expiresAtSeconds() : "");
                if (vLive && (columns == null || columns.contains("v"))) {
                    s.append(" v=").append(CqlTypes.INT.toJava(v.get(c).value())).append('@')
                            .append(v.get(c).timestampMicros());
                }
                if (!liveElements.isEmpty() && (columns == null || columns.contains("s"))) {
                    s.append(" s=");
                    liveElements.forEach((e, cell) -> s.append(e).append('@').append(cell.timestampMicros())
                            .append(','));
                }
                if (!liveEntries.isEmpty() && (columns == null || columns.contains("m"))) {
                    s.append(" m=");
                    liveEntries.forEach((e, cell) -> s.append(e).append(':').append(CqlTypes.INT.toJava(cell.value()))
                            .append('@').append(cell.timestampMicros()).append(','));
                }
                out.add(s.toString());
            }
            if (descending != reversed) {
                java.util.Collections.reverse(out);
            }
            return out;
        }

        String readStatic(long now, Set<String> columns) {
            if (!live(st, partitionDeletion, now) || (columns != null && !columns.contains("st"))) {
                return "";
            }
            return "st=" + CqlTypes.INT.toJava(st.value()) + "@" + st.timestampMicros();
        }
    }
}
