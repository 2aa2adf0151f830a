package ringdb.core.catalog;

/**
 * A schema statement that cannot be applied as asked: the keyspace or table already exists, or the
 * keyspace, table or column it names does not. {@link #kind} lets a protocol answer with its own
 * error code (CQL's AlreadyExists, Invalid); the message names what is wrong.
 */
public final class SchemaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a schema statement was refused. */
    public enum Kind { ALREADY_EXISTS, UNKNOWN_KEYSPACE, UNKNOWN_TABLE, INVALID }

    private final Kind kind;
    private final String keyspace;
    private final String table;

    public SchemaException(Kind kind, String keyspace, String table, String message) {
        super(message);
        this.kind = kind;
        this.keyspace = keyspace;
        this.table = table;
    }

    public Kind kind() {
        return kind;
    }

    /** The keyspace the statement named. */
    public String keyspace() {
        return keyspace;
    }

    /** The table the statement named; null for a keyspace statement. */
    public String table() {
        return table;
    }
}
