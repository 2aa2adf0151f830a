package ringdb.core.schema;

import java.util.Objects;

/**
 * A keyspace: its name, replication, and the timestamp (microseconds) of the statement that last
 * defined it, which decides between two concurrent definitions (higher wins; on a tie the greater
 * serialized definition, so every node picks the same one).
 */
public record KeyspaceMetadata(String name, Replication replication, long timestampMicros) {
    public KeyspaceMetadata {
        Identifiers.checkSchemaName(name, "keyspace");
        Objects.requireNonNull(replication, "replication");
    }
}
