package ringdb.core.schema.keys;

import java.util.UUID;

/**
 * What a table entry's storage key says. Fields that do not apply to the kind are null:
 * {@code clustering} for partition entries and static cells, {@code column} except for cells,
 * {@code elementKey} except for a collection element's cell, {@code slice} except for range
 * tombstone bounds. A cell of a non-frozen collection without an element key is the deletion
 * of the whole collection.
 */
public record DecodedKey(UUID tableId, PartitionKey partitionKey, Kind kind, Clustering clustering, String column,
                         byte[] elementKey, Slice slice) {
    public enum Kind {
        PARTITION_DELETION, STATIC_CELL, ROW_DELETION, ROW_MARKER, CELL, RANGE_TOMBSTONE_OPEN, RANGE_TOMBSTONE_CLOSE
    }
}
