package ringdb.core.schema.keys;

import ringdb.core.ring.StorageKeys;

/**
 * The byte values of the storage key layout of table entries, as docs/formats/rows.md writes
 * them down. They decide the order of entries within a partition: never renumber.
 */
public final class RowKeyFormat {
    /** First byte of every table entry's key: the data store's tag of table entries. */
    public static final int TABLE_TAG = StorageKeys.TABLE;
    /** Ends a partition key component that another follows. */
    public static final int PARTITION_COMPONENT_END = StorageKeys.COMPONENT_END;
    /** Ends the last partition key component, so the partition key's end is found without the schema. */
    public static final int LAST_PARTITION_COMPONENT_END = StorageKeys.LAST_COMPONENT_END;
    /** After the partition key: the partition deletion entry (the key ends there). */
    public static final int PARTITION_DELETION = 0x01;
    /** After the partition key: the static row. */
    public static final int STATIC_ROW = 0x02;
    /** After the partition key: the clustering rows and range tombstone bounds. */
    public static final int ROWS = 0x03;
    /** Precedes each clustering value. */
    public static final int COMPONENT = 0x40;
    /** A range tombstone bound placed before every entry that starts with this clustering prefix. */
    public static final int BEFORE_PREFIX = 0x10;
    /** A range tombstone bound placed after every entry that starts with this clustering prefix. */
    public static final int AFTER_PREFIX = 0xF0;
    /** After a full clustering: the row deletion entry. */
    public static final int ROW_DELETION = 0x20;
    /** After a full clustering: the row marker (the row exists, from an INSERT). */
    public static final int ROW_MARKER = 0x21;
    /** After a full clustering (or the static row marker): a cell, then the column name. */
    public static final int CELL = 0x22;
    /** After a bound position: the bound closes a range tombstone (sorts before an opening one). */
    public static final int BOUND_CLOSE = 0x00;
    /** After a bound position: the bound opens a range tombstone. */
    public static final int BOUND_OPEN = 0x01;
    /** Bytes of the table id after the tag. */
    public static final int TABLE_ID_BYTES = StorageKeys.TABLE_ID_BYTES;
    /** Where the partition key begins: after the tag and the table id. */
    public static final int PARTITION_OFFSET = 1 + TABLE_ID_BYTES;

    private RowKeyFormat() {
    }
}
