package ringdb.core.schema;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A table's stable id. Cassandra gives a new table a fresh time-based uuid, so two nodes that
 * create the same table at once create two tables with different ids (a schema disagreement
 * that needs an operator). Here the id is derived: a name-based uuid (version 3) of the
 * keyspace, the table name and the table's incarnation, the timestamp of the last drop of that
 * name (0 if it was never dropped). Concurrent creations of one table derive the same id and
 * their data is one table's data; a table created again after a drop gets a new id, so data of
 * the dropped table never shows under the new definition.
 */
public final class TableId {
    private TableId() {
    }

    public static UUID derive(String keyspace, String table, long incarnationMicros) {
        String name = "ringdb table\0" + keyspace + "\0" + table + "\0" + incarnationMicros;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }
}
