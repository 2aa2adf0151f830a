package ringdb.cql;

import java.util.List;
import ringdb.core.schema.KeyspaceMetadata;
import ringdb.core.schema.TableMetadata;

/**
 * What statement analysis needs to know of the schema: the node's current keyspaces and tables.
 * Implementations answer from one consistent state per call and never block; names are internal
 * names (as {@link ringdb.core.schema.Identifiers#parse} returns them).
 */
public interface SchemaView {
    /** The keyspace, or null when there is none of that name. */
    KeyspaceMetadata keyspace(String name);

    /** The table, or null when there is none of that name in that keyspace. */
    TableMetadata table(String keyspace, String table);

    /** The keyspace's tables, in name order (empty for an unknown keyspace). */
    List<TableMetadata> tables(String keyspace);

    /**
     * When a table of this name was last dropped (microseconds), 0 if never: a table created again
     * takes it as its incarnation, so it gets a new id ({@link ringdb.core.schema.TableId}).
     */
    long tableDroppedAtMicros(String keyspace, String table);
}
