package ringdb.cql.statements;

import java.util.List;
import ringdb.core.schema.KeyspaceMetadata;
import ringdb.core.schema.TableMetadata;

/**
 * What a DDL statement does to the schema, for the schema holder to apply and for the RESULT
 * Schema_change / EVENT to report.
 *
 * @param applied false when nothing changes (IF NOT EXISTS on what exists, IF EXISTS on what does not)
 * @param keyspaceMetadata the created or altered keyspace, or the dropped one
 * @param table the table's name, "" when the target is a keyspace
 * @param tableMetadata the created or altered table, the dropped one, or null for a keyspace
 * @param droppedTables the tables dropped with a dropped keyspace (empty otherwise)
 * @param atMicros the statement's timestamp: a drop's time becomes the name's incarnation
 * @param warnings options accepted and ignored
 */
public record SchemaChange(boolean applied, Change change, Target target, KeyspaceMetadata keyspaceMetadata,
                           String table, TableMetadata tableMetadata, List<TableMetadata> droppedTables,
                           long atMicros, List<String> warnings) {
    /** The native protocol's change types. */
    public enum Change { CREATED, UPDATED, DROPPED }

    /** The native protocol's targets (TYPE, FUNCTION, AGGREGATE are not produced). */
    public enum Target { KEYSPACE, TABLE }

    public SchemaChange {
        droppedTables = List.copyOf(droppedTables);
        warnings = List.copyOf(warnings);
    }

    public String keyspace() {
        return keyspaceMetadata.name();
    }
}
