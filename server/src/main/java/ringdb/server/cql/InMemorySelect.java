package ringdb.server.cql;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.node.Node;
import ringdb.core.rows.InMemoryRowRead;
import ringdb.core.rows.ReadCommand;
import ringdb.core.schema.ColumnKind;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.keys.Slice;
import ringdb.core.store.PartitionRecords;
import ringdb.cql.statements.BoundSelect;
import ringdb.cql.statements.Selector;
import ringdb.server.api.InMemoryRows;

/**
 * A first-page SELECT of one partition — the row of a table without clustering columns, or rows and
 * clustering slices of a table with them — answered from the partition's records as this node's store
 * holds them in memory when this node, a live replica of the key, answers the read alone
 * ({@link Node#readInMemoryLocalFirst}, {@link InMemoryRowRead}): the result rows are built straight from
 * the records, values copied from their array in the selection's order. Anything else — another kind of
 * SELECT, a level needing more than one replica, a partition not in memory or one the record reader
 * declines (static cells, collection elements, range tombstones), or a page full with LIMIT allowing
 * more — gets null, and {@link CqlReads} reads the general way, which gives the same rows.
 * Node's thread only.
 */
final class InMemorySelect {
    private static final List<Slice> WHOLE_PARTITION = List.of(Slice.ALL);

    private final Node node;
    private final InMemoryRows inMemory = new InMemoryRows("CQL");
    /** The table {@link #hasStatic} looked at last (definitions are immutable: replaced on change), and its answer. */
    private TableMetadata lastTable;
    private boolean lastHasStatic;

    InMemorySelect(Node node) {
        this.node = node;
    }

    /**
     * Whether {@code select} is a read this class may answer (the partition may still make it decline): one
     * partition, whole when the table has no clustering columns, else clustering slices (forward or
     * reversed, LIMIT, PER PARTITION LIMIT), of a table without static columns; no filter, DISTINCT or
     * aggregate, and only the values of primary key and single-cell columns.
     */
    boolean reads(BoundSelect select) {
        boolean clustered = !select.table().clustering().isEmpty();
        if (select.partitionKeys().size() != 1 || !select.filters().isEmpty() || select.distinct()
                || select.limit() <= 0 || select.slices().isEmpty() || hasStatic(select)
                || !clustered && (select.reversed() || select.perPartitionLimit() != Integer.MAX_VALUE
                || !select.slices().equals(WHOLE_PARTITION))) {
            return false;
        }
        for (Selector s : select.selectors()) {
            if (s.kind() != Selector.Kind.COLUMN
                    || s.column().kind() == ColumnKind.REGULAR && s.column().type().isMultiCell()) {
                return false;
            }
        }
        return true;
    }

    private boolean hasStatic(BoundSelect select) {
        TableMetadata table = select.table();
        if (table != lastTable) {
            boolean found = false;
            for (ColumnMetadata column : table.columns()) {
                found |= column.kind() == ColumnKind.STATIC;
            }
            lastHasStatic = found;
            lastTable = table;
        }
        return lastHasStatic;
    }

    /**
     * The rows of {@code select} (one of {@link #reads}) read at {@code consistency}, at most {@code page} of
     * them; null to read it the general way (also when the page is full and LIMIT allows more: the general
     * way says where the next page starts).
     */
    List<List<ByteBuffer>> rows(BoundSelect select, RowKeys keys, ConsistencyLevel consistency, int page) {
        PartitionKey key = select.partitionKeys().get(0);
        int limit = Math.min(select.limit(), page);
        int perPartition = select.perPartitionLimit() == Integer.MAX_VALUE ? 0 : select.perPartitionLimit();
        ReadCommand command = new ReadCommand(select.table(), key, select.slices(), null, select.reversed(),
                limit == Integer.MAX_VALUE ? 0 : limit, perPartition, null);
        List<List<ByteBuffer>> rows = inMemory.read(command, keys, node.nowMicros() / 1_000_000,
                (token, start, end, reader) -> node.readInMemoryLocalFirst(token, start, end, consistency, reader),
                (found, records) -> {
                    List<List<ByteBuffer>> out = new ArrayList<>(found.size());
                    for (InMemoryRowRead.Found row : found) {
                        out.add(row(select, key, row, records));
                    }
                    return out;
                });
        // a full page may have more rows after it (LIMIT and PER PARTITION LIMIT allow more than a page)
        boolean pageFull = rows != null && rows.size() >= page && page < select.limit()
                && page < select.perPartitionLimit();
        return pageFull ? null : rows;
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
            if (column.kind() == ColumnKind.CLUSTERING) {
                values.add(ByteBuffer.wrap(found.clustering().values().get(column.position())));
                continue;
            }
            int at = indexOf(found, column.name(), next);
            if (at >= 0) {
                next = at + 1;
            }
            int index = at < 0 ? -1 : found.records()[at];
            // a view of the records' array, not a copy: records held in memory are never modified
            values.add(index < 0 ? null : ByteBuffer.wrap(records.bytes(), records.valueStart(index),
                    records.valueEnd(index) - records.valueStart(index)));
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
