package ringdb.sim.rows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.coordinator.SliceQuery;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.rows.CellValue;
import ringdb.core.rows.ColumnData;
import ringdb.core.rows.PartitionPage;
import ringdb.core.rows.PartitionReader;
import ringdb.core.rows.ReadCommand;
import ringdb.core.rows.Row;
import ringdb.core.schema.keys.DecodedKey;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.store.LocalStore;

/**
 * The row workload's invariants, cell by cell (a cell = one storage entry: a column's value or
 * tombstone, a set element, a row marker, a deletion). A write's cell is <em>accounted for</em> by
 * what a reader holds when the reader holds that key at the same or a later timestamp, or a
 * deletion that covers it at the same or a later timestamp (partition, row, collection, range), or
 * the cell expired. Each violation names the partition, clustering and column, what was expected
 * and what was seen.
 */
public final class RowChecker {
    /** Violations listed per check at most (the count is always given). */
    static final int LISTED_MAX = 30;

    private final RowTable table;
    private final Covering covering;
    private final List<RowOp> operations;
    private final Map<ByteBuffer, List<Cell>> issued = new HashMap<>();

    public RowChecker(RowTable table, List<RowOp> operations) {
        this.table = table;
        this.covering = new Covering(table);
        this.operations = operations;
        for (RowOp op : operations) {
            for (LocalStore.Entry entry : op.entries()) {
                issued.computeIfAbsent(ByteBuffer.wrap(entry.key().key()), k -> new ArrayList<>()).add(entry.cell());
            }
        }
    }

    // ---- reads ----------------------------------------------------------------------------

    /** Every QUORUM read shows each cell a QUORUM write acknowledged before the read began (or what supersedes it). */
    public List<String> quorumReadsSeeAcknowledgedWrites() {
        Violations out = new Violations();
        for (RowOp read : quorumReads()) {
            ClientResult.Entries answer = (ClientResult.Entries) read.result();
            Map<ByteBuffer, Cell> seen = new HashMap<>();
            RowReplicas.add(seen, answer.entries());
            RowReplicas.add(seen, answer.rangeTombstones());
            byte[][] range = read.isScan() ? null : checkedRange(read.query(), answer);
            for (RowOp write : acknowledgedBefore(read, ConsistencyLevel.QUORUM)) {
                for (LocalStore.Entry entry : write.entries()) {
                    byte[] key = entry.key().key();
                    boolean covered = read.isScan() ? withinScan(entry.key(), read.scanAfter(), answer)
                            : within(key, range);
                    if (covered && !accountedFor(key, entry.cell(), seen, read.clockSecondsAtCompletion())) {
                        out.add("QUORUM read " + read + " misses " + table.describe(key) + ": expected "
                                + RowTable.describe(entry.cell()) + " (or newer) of acknowledged QUORUM write "
                                + write + ", seen " + RowTable.describe(seen.get(ByteBuffer.wrap(key))));
                    }
                }
            }
        }
        return out.lines();
    }

    /**
     * No QUORUM read shows a live cell that a deletion acknowledged at QUORUM before the read began
     * shadows (a cell tombstone of it, or a covering row, collection, range or partition deletion).
     */
    public List<String> quorumReadsResurrectNothing() {
        Violations out = new Violations();
        for (RowOp read : quorumReads()) {
            if (read.isScan()) {
                continue;
            }
            ClientResult.Entries answer = (ClientResult.Entries) read.result();
            PartitionPage page = PartitionReader.read(read.command(), answer.entries(), answer.rangeTombstones(),
                    read.clockSecondsAtCompletion(), !answer.more());
            List<RowOp> deletions = acknowledgedBefore(read, ConsistencyLevel.QUORUM);
            for (Map.Entry<ByteBuffer, CellValue> live : liveCells(read.command().partitionKey(), page).entrySet()) {
                byte[] key = live.getKey().array();
                long micros = live.getValue().timestampMicros();
                for (RowOp deletion : deletions) {
                    for (LocalStore.Entry entry : deletion.entries()) {
                        byte[] deletionKey = entry.key().key();
                        boolean shadows = entry.cell().isTombstone() && entry.cell().timestampMicros() >= micros
                                && (Arrays.equals(deletionKey, key) || covering.covers(deletionKey, key));
                        if (shadows) {
                            out.add("QUORUM read " + read + " shows " + table.describe(key) + " = "
                                    + describe(live.getValue()) + ", deleted by " + table.describe(deletionKey) + " @"
                                    + entry.cell().timestampMicros() + " of " + deletion + " acknowledged before it");
                        }
                    }
                }
            }
        }
        return out.lines();
    }

    /** Every entry a read returned was written by some operation: same key, value, timestamp and TTL. */
    public List<String> readsInventNothing() {
        Violations out = new Violations();
        for (RowOp read : operations) {
            if (read.kind() == RowOp.Kind.READ && read.result() instanceof ClientResult.Entries answer) {
                for (LocalStore.Entry entry : answer.entries()) {
                    checkIssued(entry, "read " + read, out);
                }
                for (LocalStore.Entry entry : answer.rangeTombstones()) {
                    checkIssued(entry, "read " + read, out);
                }
            }
        }
        return out.lines();
    }

    // ---- final state ----------------------------------------------------------------------

    /** Replicas hold the same live cells (value, timestamp, TTL) when read at {@code nowSeconds}. */
    public List<String> replicasConverge(RowReplicas replicas, long nowSeconds) {
        Violations out = new Violations();
        for (Map.Entry<Integer, Map<NodeId, RowReplicas.Local>> partition : replicas.partitions().entrySet()) {
            PartitionKey pk = RowTable.partition(partition.getKey());
            Map<NodeId, Map<ByteBuffer, CellValue>> cells = new TreeMap<>();
            for (Map.Entry<NodeId, RowReplicas.Local> replica : partition.getValue().entrySet()) {
                PartitionPage page = PartitionReader.read(ReadCommand.partition(table.metadata(), pk),
                        replica.getValue().entries(), replica.getValue().rangeTombstones(), nowSeconds, true);
                cells.put(replica.getKey(), liveCells(pk, page));
            }
            Map<ByteBuffer, Boolean> keys = new TreeMap<>();
            cells.values().forEach(map -> map.keySet().forEach(k -> keys.put(k, true)));
            for (ByteBuffer key : keys.keySet()) {
                List<String> held = new ArrayList<>();
                boolean differ = false;
                CellValue first = null;
                boolean firstSet = false;
                for (Map.Entry<NodeId, Map<ByteBuffer, CellValue>> replica : cells.entrySet()) {
                    CellValue value = replica.getValue().get(key);
                    if (!firstSet) {
                        first = value;
                        firstSet = true;
                    } else if (!Objects.equals(first, value)) {
                        differ = true;
                    }
                    held.add(replica.getKey() + " holds " + (value == null ? "nothing" : describe(value)));
                }
                if (differ) {
                    out.add(table.describe(key.array()) + ": " + String.join(", ", held));
                }
            }
        }
        return out.lines();
    }

    /** Entries the replicas hold that no operation wrote. */
    public List<String> replicasInventNothing(RowReplicas replicas) {
        Violations out = new Violations();
        for (LocalStore.Entry entry : replicas.allEntries()) {
            checkIssued(entry, "a replica's store", out);
        }
        return out.lines();
    }

    /**
     * Every cell a write acknowledged at {@code cl} wrote is accounted for by the replicas' merged
     * data (at {@code nowSeconds} for expiry).
     */
    public List<String> acknowledgedWritesKept(RowReplicas replicas, ConsistencyLevel cl, long nowSeconds) {
        Violations out = new Violations();
        Map<Integer, Map<ByteBuffer, Cell>> merged = new HashMap<>();
        for (RowOp write : operations) {
            if (!write.acknowledged() || write.cl() != cl) {
                continue;
            }
            Map<ByteBuffer, Cell> held = merged.computeIfAbsent(write.partition(), replicas::merged);
            for (LocalStore.Entry entry : write.entries()) {
                byte[] key = entry.key().key();
                if (!accountedFor(key, entry.cell(), held, nowSeconds)) {
                    out.add("acknowledged " + cl + " write " + write + " lost " + table.describe(key) + ": expected "
                            + RowTable.describe(entry.cell()) + " (or newer), the replicas hold "
                            + RowTable.describe(held.get(ByteBuffer.wrap(key))));
                }
            }
        }
        return out.lines();
    }

    /** Two QUORUM-acknowledged updates of different columns of one row by two clients, at overlapping times. */
    public record ColumnPair(RowOp first, RowOp second) {
    }

    public List<ColumnPair> concurrentColumnUpdates() {
        List<RowOp> single = new ArrayList<>();
        for (RowOp op : operations) {
            if (op.acknowledged() && op.cl() == ConsistencyLevel.QUORUM && singleRegularCell(op) != null) {
                single.add(op);
            }
        }
        List<ColumnPair> pairs = new ArrayList<>();
        for (int i = 0; i < single.size(); i++) {
            for (int j = i + 1; j < single.size(); j++) {
                RowOp a = single.get(i);
                RowOp b = single.get(j);
                DecodedKey ka = singleRegularCell(a);
                DecodedKey kb = singleRegularCell(b);
                boolean overlap = a.invokedMicros() <= b.completedMicros() && b.invokedMicros() <= a.completedMicros();
                if (overlap && a.client() != b.client() && a.partition() == b.partition()
                        && ka.clustering().equals(kb.clustering()) && !ka.column().equals(kb.column())) {
                    pairs.add(new ColumnPair(a, b));
                }
            }
        }
        return pairs;
    }

    /** Both updates of each pair are accounted for by the replicas' merged data. */
    public List<String> concurrentColumnUpdatesKept(List<ColumnPair> pairs, RowReplicas replicas, long nowSeconds) {
        Violations out = new Violations();
        for (ColumnPair pair : pairs) {
            for (RowOp write : List.of(pair.first(), pair.second())) {
                LocalStore.Entry entry = write.entries().get(0);
                Map<ByteBuffer, Cell> held = replicas.merged(write.partition());
                byte[] key = entry.key().key();
                if (!accountedFor(key, entry.cell(), held, nowSeconds)) {
                    RowOp other = write == pair.first() ? pair.second() : pair.first();
                    out.add(table.describe(key) + " of " + write + " lost beside " + other + " of the same row: "
                            + "expected " + RowTable.describe(entry.cell()) + ", the replicas hold "
                            + RowTable.describe(held.get(ByteBuffer.wrap(key))));
                }
            }
        }
        return out.lines();
    }

    // ---- helpers --------------------------------------------------------------------------

    private DecodedKey singleRegularCell(RowOp op) {
        if (op.entries().size() != 1 || op.entries().get(0).cell().isTombstone()) {
            return null;
        }
        DecodedKey d = table.decode(op.entries().get(0).key().key());
        return d.kind() == DecodedKey.Kind.CELL && RowTable.REGULAR.contains(d.column()) ? d : null;
    }

    private List<RowOp> quorumReads() {
        List<RowOp> reads = new ArrayList<>();
        for (RowOp op : operations) {
            if (op.kind() == RowOp.Kind.READ && op.cl() == ConsistencyLevel.QUORUM
                    && op.result() instanceof ClientResult.Entries) {
                reads.add(op);
            }
        }
        return reads;
    }

    private List<RowOp> acknowledgedBefore(RowOp read, ConsistencyLevel cl) {
        List<RowOp> writes = new ArrayList<>();
        for (RowOp op : operations) {
            if (op.acknowledged() && op.cl() == cl && (read.isScan() || op.partition() == read.partition())
                    && op.completedMicros() < read.invokedMicros()) {
                writes.add(op);
            }
        }
        return writes;
    }

    /** The keys a read's answer speaks for: its range, up to the last entry returned when it was cut. */
    private static byte[][] checkedRange(SliceQuery query, ClientResult.Entries answer) {
        byte[] from = query.fromInclusive();
        byte[] to = query.toExclusive();
        if (answer.more() && !answer.entries().isEmpty()) {
            byte[] last = answer.entries().get(answer.entries().size() - 1).key().key();
            if (query.reversed()) {
                from = last;
            } else {
                to = Arrays.copyOf(last, last.length + 1); // every key up to and including the last one
            }
        } else if (answer.more()) {
            return new byte[][] {to, to};
        }
        return new byte[][] {from, to};
    }

    /** Whether a scan's page speaks for {@code key}: after its start, up to where the next page resumes. */
    private static boolean withinScan(DecoratedKey key, DecoratedKey after, ClientResult.Entries answer) {
        if (after != null && key.compareTo(after) <= 0) {
            return false;
        }
        if (answer.resumeAfter() == null) {
            return true;
        }
        return key.compareTo(answer.resumeAfter()) <= 0; // the next page starts after resumeAfter
    }

    private static boolean within(byte[] key, byte[][] range) {
        return Arrays.compareUnsigned(range[0], key) <= 0 && Arrays.compareUnsigned(key, range[1]) < 0;
    }

    private boolean accountedFor(byte[] key, Cell written, Map<ByteBuffer, Cell> held, long nowSeconds) {
        Cell same = held.get(ByteBuffer.wrap(key));
        if (same != null && same.timestampMicros() >= written.timestampMicros()) {
            return true;
        }
        if (written.isExpiring() && written.expiresAtSeconds() <= nowSeconds) {
            return true;
        }
        for (Map.Entry<ByteBuffer, Cell> deletion : held.entrySet()) {
            if (deletion.getValue().isTombstone() && deletion.getValue().timestampMicros() >= written.timestampMicros()
                    && covering.covers(deletion.getKey().array(), key)) {
                return true;
            }
        }
        return false;
    }

    private void checkIssued(LocalStore.Entry entry, String where, Violations out) {
        List<Cell> versions = issued.get(ByteBuffer.wrap(entry.key().key()));
        if (versions == null || !versions.contains(entry.cell())) {
            out.add(where + " holds " + table.describe(entry.key().key()) + " = " + RowTable.describe(entry.cell())
                    + ", which no write wrote" + (versions == null ? "" : " (written: " + versions.stream()
                    .map(RowTable::describe).limit(5).toList() + ")"));
        }
    }

    /** Every live cell a page shows (row markers, static and regular cells, set elements), by storage key. */
    private Map<ByteBuffer, CellValue> liveCells(PartitionKey pk, PartitionPage page) {
        Map<ByteBuffer, CellValue> cells = new TreeMap<>();
        if (page.staticRow() != null) {
            for (Map.Entry<String, ColumnData> column : page.staticRow().columns().entrySet()) {
                if (column.getValue().cell() != null) {
                    cells.put(ByteBuffer.wrap(table.keys().staticCell(pk, column.getKey(), null)),
                            column.getValue().cell());
                }
            }
        }
        for (Row row : page.rows()) {
            if (row.marker() != null) {
                cells.put(ByteBuffer.wrap(table.keys().rowMarker(pk, row.clustering())), row.marker());
            }
            for (Map.Entry<String, ColumnData> column : row.columns().entrySet()) {
                ColumnData data = column.getValue();
                if (data.isCollection()) {
                    for (ColumnData.Element element : data.elements()) {
                        cells.put(ByteBuffer.wrap(table.keys().cell(pk, row.clustering(), column.getKey(),
                                element.key())), element.cell());
                    }
                } else if (data.cell() != null) {
                    cells.put(ByteBuffer.wrap(table.keys().cell(pk, row.clustering(), column.getKey(), null)),
                            data.cell());
                }
            }
        }
        return cells;
    }

    private static String describe(CellValue cell) {
        return RowTable.describe(cell.ttlSeconds() == 0 ? Cell.value(cell.value(), cell.timestampMicros())
                : Cell.expiring(cell.value(), cell.timestampMicros(), cell.ttlSeconds(), cell.expiresAtSeconds()));
    }

    /** Violation lines, the first {@link #LISTED_MAX} listed and the rest counted. */
    private static final class Violations {
        private final List<String> lines = new ArrayList<>();
        private int count;

        void add(String line) {
            count++;
            if (lines.size() < LISTED_MAX) {
                lines.add(line);
            }
        }

        List<String> lines() {
            List<String> out = new ArrayList<>(lines);
            if (count > lines.size()) {
                out.add("... " + (count - lines.size()) + " more");
            }
            return out;
        }
    }
}
