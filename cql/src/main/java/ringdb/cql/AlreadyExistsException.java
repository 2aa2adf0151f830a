package ringdb.cql;

/**
 * CREATE of a keyspace or table that exists, without IF NOT EXISTS (native protocol error 0x2400,
 * which carries the keyspace and the table; the table is empty for a keyspace).
 */
public final class AlreadyExistsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String keyspace;
    private final String table;

    public AlreadyExistsException(String keyspace, String table) {
        super(table.isEmpty() ? "Cannot add existing keyspace \"" + keyspace + "\""
                : "Cannot add already existing table \"" + table + "\" to keyspace \"" + keyspace + "\"");
        this.keyspace = keyspace;
        this.table = table;
    }

    public String keyspace() {
        return keyspace;
    }

    /** The table, or "" when a keyspace exists. */
    public String table() {
        return table;
    }
}
