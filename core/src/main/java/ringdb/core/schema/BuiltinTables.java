package ringdb.core.schema;

import ringdb.core.schema.types.CqlTypes;

/**
 * Tables every node has without a CREATE. The key-value API is the table
 * {@code ringdb.kv (key blob PRIMARY KEY, value blob)}: a put writes the cell {@code value} of
 * partition {@code key}, a delete its tombstone, a get reads it; no row marker is written, so a
 * key exists exactly while its value cell is live. Its token is the partitioner's token of the
 * key's bytes, the same as the key-value API's today. See docs/data-model.md.
 */
public final class BuiltinTables {
    /** The keyspace of built-in tables. */
    public static final String KEYSPACE = "ringdb";
    /** The key-value table's name and columns. */
    public static final String KEY_VALUE_TABLE = "kv";
    public static final String KEY_COLUMN = "key";
    public static final String VALUE_COLUMN = "value";

    private static final TableMetadata KEY_VALUE = TableMetadata.builder(KEYSPACE, KEY_VALUE_TABLE)
            .partitionKey(KEY_COLUMN, CqlTypes.BLOB).regular(VALUE_COLUMN, CqlTypes.BLOB)
            .gcGraceSeconds(TableParams.GC_GRACE_SECONDS_DEFAULT).createdAt(0, 0).build();

    private BuiltinTables() {
    }

    /** The key-value table; created at timestamp 0, never dropped, so its id is the same on every node. */
    public static TableMetadata keyValue() {
        return KEY_VALUE;
    }

    /** The built-in keyspace with the node's replication factor. */
    public static KeyspaceMetadata keyspace(int replicationFactor) {
        return new KeyspaceMetadata(KEYSPACE, Replication.simple(replicationFactor), 0);
    }
}
