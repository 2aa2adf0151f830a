package ringdb.server.cql;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.node.Node;
import ringdb.core.rows.InMemoryRowRead;
import ringdb.core.rows.ReadCommand;
import ringdb.core.schema.ColumnKind;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.keys.Slice;
import ringdb.core.store.PartitionRecords;
import ringdb.cql.statements.BoundSelect;
import ringdb.cql.statements.Selector;
import ringdb.server.api.InMemoryRows;

/**
 * A SELECT of the one row of a table without clustering columns by its full partition key, answered
 * from the partition's records as this node's store holds them in memory when this node, a live replica
 * of the key, answers the read alone ({@link Node#readInMemoryLocalFirst}, {@link InMemoryRowRead}):
 * the result rows are built straight from the records, values copied from their array in the
 * selection's order. Anything else — another kind of SELECT, a level needing more than one replica, a
 * partition not in memory or one the record reader declines (static cells, collection elements, range
 * tombstones) — gets null, and {@link CqlReads} reads the general way, which gives the same rows.
 * Node's thread only.
 */
final class InMemorySelect {
    private static final List<Slice> WHOLE_PARTITION = List.of(Slice.ALL);

    private final Node node;
    private final InMemoryRows inMemory = new InMemoryRows("CQL");

    InMemorySelect(Node node) {
        this.node = node;
    }

    /**
     * Whether {@code select} is a read this class may answer (the partition may still make it decline):
     * one partition of a table without clustering or static columns, whole, no filter, DISTINCT, PER
     * PARTITION LIMIT, ORDER BY or aggregate, and only the values of partition key and single-cell columns.
     */
    static boolean reads(BoundSelect select) {
        if (select.partitionKeys().size() != 1 || !select.table().clustering().isEmpty()
                || !select.filters().isEmpty() || select.distinct() || select.reversed() || select.limit() <= 0
                || select.perPartitionLimit() != Integer.MAX_VALUE || !select.slices().equals(WHOLE_PARTITION)) {
            return false;
        }
        // a table without clustering columns has no live static column (TableMetadata refuses one)
        for (Selector s : select.selectors()) {
            if (s.kind() != Selector.Kind.COLUMN || s.column().kind() == ColumnKind.STATIC
                    || s.column().kind() == ColumnKind.REGULAR && s.column().type().isMultiCell()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The rows of {@code select} (one of {@link #reads}) read at {@code consistency}: none or its one row;
     * null to read it the general way.
     */
    List<List<ByteBuffer>> rows(BoundSelect select, RowKeys keys, ConsistencyLevel consistency) {
        PartitionKey key = select.partitionKeys().get(0);
        ReadCommand command = new ReadCommand(select.table(), key, WHOLE_PARTITION, null, false, 1, 0, null);
        return inMemory.read(command, keys, node.nowMicros() / 1_000_000,
                (token, start, end, reader) -> node.readInMemoryLocalFirst(token, start, end, consistency, reader),
                (found, records) -> found.exists() ? List.of(row(select, key, found, records)) : List.of());
    }

    /** The selected values of the row {@code found} in {@code records}, in the selection's order. */
    private static List<ByteBuffer> row(BoundSelect select, PartitionKey key, InMemoryRowRead.Found found,
                                        PartitionRecords records) {
        List<ByteBuffer> values = new ArrayList<>(select.selectors().size());
        int next = 0; // where the search for the next column starts: SELECT * names them in the row's order
        for (Selector s : select.selectors()) {
            ColumnMetadata column = s.column();
            if (column.kind() == ColumnKind.PARTITION_KEY) {
                values.add(ByteBuffer.wrap(key.components().get(column.position())));
                continue;
            }
            int at = indexOf(found, column.name(), next);
            if (at >= 0) {
                next = at + 1;
            }
            int index = at < 0 ? -1 : found.records()[at];
            values.add(index < 0 ? null : ByteBuffer.wrap(Arrays.copyOfRange(records.bytes(),
                    records.valueStart(index), records.valueEnd(index))));
        }
        return values;
    }

    /**
     * The position in {@code found} of the live column {@code name}, searched from {@code from} on and then
     * from the start; -1 when the row has no live value of it.
     */
    private static int indexOf(InMemoryRowRead.Found found, String name, int from) {
        int count = found.count();
        for (int n = 0, i = from < count ? from : 0; n < count; n++, i = i + 1 == count ? 0 : i + 1) {
            if (found.names()[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
