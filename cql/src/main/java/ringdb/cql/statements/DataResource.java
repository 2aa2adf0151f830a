package ringdb.cql.statements;

import java.util.Objects;

/**
 * A resource permissions are granted on: all keyspaces ({@code keyspace} null), one keyspace
 * ({@code table} null) or one table. Its {@link #name()} is Cassandra's ({@code data},
 * {@code data/ks}, {@code data/ks/t}), the form stored in system_auth.role_permissions.
 * A permission on a resource holds on everything inside it.
 */
public record DataResource(String keyspace, String table) {
    public static final DataResource ALL_KEYSPACES = new DataResource(null, null);
    private static final String ROOT = "data";

    public DataResource {
        if (keyspace == null && table != null) {
            throw new IllegalArgumentException("a table resource needs its keyspace");
        }
    }

    public static DataResource keyspace(String keyspace) {
        return new DataResource(Objects.requireNonNull(keyspace, "keyspace"), null);
    }

    public static DataResource table(String keyspace, String table) {
        return new DataResource(Objects.requireNonNull(keyspace, "keyspace"), Objects.requireNonNull(table, "table"));
    }

    /** The stored name: data, data/ks or data/ks/t. */
    public String name() {
        return keyspace == null ? ROOT : table == null ? ROOT + "/" + keyspace : ROOT + "/" + keyspace + "/" + table;
    }

    /** The resource of a stored name; throws IllegalArgumentException for anything else. */
    public static DataResource parse(String name) {
        String[] parts = name.split("/", -1);
        if (!parts[0].equals(ROOT) || parts.length > 3) {
            throw new IllegalArgumentException("not a data resource: " + name);
        }
        return parts.length == 1 ? ALL_KEYSPACES : parts.length == 2 ? keyspace(parts[1]) : table(parts[1], parts[2]);
    }

    /** The resource this one is inside (a table's keyspace, a keyspace's all keyspaces); null for all keyspaces. */
    public DataResource parent() {
        return keyspace == null ? null : table == null ? ALL_KEYSPACES : keyspace(keyspace);
    }

    /** As CQL shows it: {@code <all keyspaces>}, {@code <keyspace ks>}, {@code <table ks.t>}. */
    @Override
    public String toString() {
        return keyspace == null ? "<all keyspaces>" : table == null ? "<keyspace " + keyspace + ">"
                : "<table " + keyspace + "." + table + ">";
    }
}
