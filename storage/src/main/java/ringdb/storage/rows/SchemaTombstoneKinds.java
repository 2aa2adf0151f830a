package ringdb.storage.rows;

import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.DecodedKey;
import ringdb.core.schema.keys.RowKeyDecoder;

/**
 * {@link TombstoneKinds} from the tables' schema: a key is decoded with its table's definition
 * ({@link RowKeyDecoder}); a row deletion is {@link Kind#ROW}, the element-less cell of a non-frozen
 * collection {@link Kind#COLLECTION}, any other decodable entry {@link Kind#ITSELF}. A key of a table
 * the schema does not hold (not learnt yet, or dropped), of a column its definition never held, or
 * that does not decode is {@link Kind#UNKNOWN}. A known table's tombstones are kept for its
 * {@code gc_grace_seconds}; an unknown table's are not purged at all ({@link TombstoneKinds#KEPT}):
 * its gc_grace may be longer than the engine's (a compaction that runs after a restart before the
 * node published its schema, or of data streamed before the schema arrived, must not purge a
 * deletion a replica that missed it still needs), and a dropped table's entries stay as its data
 * does (until compaction removes a dropped table's entries altogether, {@link #isDroppedTable}). A key
 * that is no table entry keeps the engine's gc_grace.
 */
public final class SchemaTombstoneKinds implements TombstoneKinds {
    private final Function<UUID, TableMetadata> tables;
    private final Predicate<UUID> dropped;

    /** {@code tables} finds a table by id (null when unknown); it is called from compaction threads. */
    public SchemaTombstoneKinds(Function<UUID, TableMetadata> tables) {
        this(tables, id -> false);
    }

    /**
     * As above; {@code dropped} tells whether a table id is dropped for good (then compaction removes
     * all its entries), false for an id not known; called from compaction threads.
     */
    public SchemaTombstoneKinds(Function<UUID, TableMetadata> tables, Predicate<UUID> dropped) {
        this.tables = tables;
        this.dropped = dropped;
    }

    @Override
    public boolean isDroppedTable(UUID tableId) {
        return dropped.test(tableId);
    }

    @Override
    public Kind kindOf(byte[] key) {
        try {
            TableMetadata table = tables.apply(RowKeyDecoder.tableId(key));
            if (table == null) {
                return Kind.UNKNOWN;
            }
            DecodedKey decoded = RowKeyDecoder.decode(table, key);
            return switch (decoded.kind()) {
                case ROW_DELETION -> Kind.ROW;
                case CELL, STATIC_CELL -> cellKind(table, decoded);
                default -> Kind.ITSELF;
            };
        } catch (RuntimeException e) {
            return Kind.UNKNOWN;
        }
    }

    @Override
    public long gcGraceMicros(byte[] key, long otherwise) {
        UUID id;
        try {
            id = RowKeyDecoder.tableId(key);
        } catch (RuntimeException notATableEntry) {
            return otherwise;
        }
        TableMetadata table = tables.apply(id);
        return table == null ? KEPT : table.params().gcGraceSeconds() * 1_000_000L;
    }

    private static Kind cellKind(TableMetadata table, DecodedKey decoded) {
        ColumnMetadata column = table.addedColumns().get(decoded.column());
        if (column == null) {
            return Kind.UNKNOWN;
        }
        return decoded.elementKey() == null && column.type().isMultiCell() ? Kind.COLLECTION : Kind.ITSELF;
    }
}
