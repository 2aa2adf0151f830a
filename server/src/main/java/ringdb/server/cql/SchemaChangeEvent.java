package ringdb.server.cql;

import java.util.Objects;

/**
 * A change of the schema as the protocol reports it: in a RESULT of the DDL statement that made it
 * and in an EVENT pushed to every connection registered for SCHEMA_CHANGE. {@code table} is empty for a
 * change of a keyspace.
 */
public record SchemaChangeEvent(Change change, Target target, String keyspace, String table) {
    public enum Change { CREATED, UPDATED, DROPPED }

    public enum Target { KEYSPACE, TABLE }

    public SchemaChangeEvent {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(keyspace, "keyspace");
        table = table == null ? "" : table;
        if (target == Target.TABLE && table.isEmpty()) {
            throw new IllegalArgumentException("a table change needs the table's name");
        }
    }

    public static SchemaChangeEvent keyspace(Change change, String keyspace) {
        return new SchemaChangeEvent(change, Target.KEYSPACE, keyspace, "");
    }

    public static SchemaChangeEvent table(Change change, String keyspace, String table) {
        return new SchemaChangeEvent(change, Target.TABLE, keyspace, table);
    }
}
