package ringdb.storage.rows;

import java.util.UUID;

/**
 * What a tombstone of a table entry covers beyond what the engine reads from its key alone
 * (docs/formats/rows.md, "Deletions as entries"). Partition deletions and range tombstone bounds
 * the engine recognises itself; a row deletion ({@code prefix(row) 0x20}) and a collection deletion
 * (a cell key without an element) cannot be told from a cell tombstone without the table's schema,
 * which is what an implementation brings. Called from compaction threads: implementations must be
 * thread-safe and must not block.
 */
@FunctionalInterface
public interface TombstoneKinds {
    /** What a tombstone at a key covers. */
    enum Kind {
        /** Only the entry at its own key (a cell, a collection element, a row marker). */
        ITSELF,
        /** A row deletion: the marker and cells of its row (keys {@code prefix(row) 0x21...} and {@code 0x22...}). */
        ROW,
        /** A collection deletion: the collection's elements (every longer key that begins with it). */
        COLLECTION,
        /** Not known (no schema, an unknown table or column): the engine assumes the least and keeps the most. */
        UNKNOWN
    }

    /** Knows nothing: every tombstone the engine cannot classify alone is {@link Kind#UNKNOWN}. */
    TombstoneKinds UNKNOWN = key -> Kind.UNKNOWN;

    /**
     * The kind of the table entry at {@code key} (never a partition deletion or a range tombstone
     * bound). Must not throw: an entry it cannot decode is {@link Kind#UNKNOWN}.
     */
    Kind kindOf(byte[] key);

    /** What {@link #gcGraceMicros} answers for a table entry whose tombstones are never purged (yet). */
    long KEPT = Long.MAX_VALUE;

    /**
     * How long tombstones of the table the table entry at {@code key} belongs to are kept (its
     * {@code gc_grace_seconds}, in microseconds), {@link #KEPT} when they must not be purged at all;
     * {@code otherwise} (the engine's) when not known.
     */
    default long gcGraceMicros(byte[] key, long otherwise) {
        return otherwise;
    }

    /**
     * Whether the table with this id is known to be dropped, for good: compaction then removes every
     * entry of it, data and tombstones ({@link DroppedTableFilter}). False when not known (a table not
     * learnt yet must keep its entries). Called from compaction threads.
     */
    default boolean isDroppedTable(UUID tableId) {
        return false;
    }
}
