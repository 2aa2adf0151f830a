package ringdb.core.catalog;

/**
 * One change of the schema a node holds, as a CQL layer reports it to clients (SCHEMA_CHANGE):
 * what changed ({@code target}: a keyspace or a table), how, and its names ({@code table} null for
 * a keyspace). Reported for local statements and for changes learnt from peers alike.
 */
public record SchemaChange(Type type, Target target, String keyspace, String table) {
    /** How it changed. */
    public enum Type { CREATED, UPDATED, DROPPED }

    /** What changed. */
    public enum Target { KEYSPACE, TABLE }
}
