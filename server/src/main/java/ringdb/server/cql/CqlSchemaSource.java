package ringdb.server.cql;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import ringdb.core.schema.BuiltinTables;
import ringdb.core.schema.KeyspaceMetadata;
import ringdb.core.schema.SchemaSerializer;
import ringdb.core.schema.TableMetadata;

/**
 * The node's schema as the CQL server shows it (system_schema tables, schema_version): its
 * keyspaces and tables now. The node's schema holder implements it; {@link #builtin} is the schema
 * every node has without a CREATE.
 *
 * <p>Threading: called on the CQL connections' event loop; must be cheap and must not block.
 */
public interface CqlSchemaSource {
    List<KeyspaceMetadata> keyspaces();

    List<TableMetadata> tables();

    /**
     * The schema version drivers compare to see that nodes agree (schema_version of system.local and
     * peers): a uuid made of the schema digest, so equal schemas give equal versions on every node.
     */
    default UUID version() {
        return versionOf(SchemaSerializer.digest(keyspaces(), tables()));
    }

    /** The schema version of a schema digest (its first 16 bytes as a uuid). */
    static UUID versionOf(byte[] digest) {
        ByteBuffer bytes = ByteBuffer.wrap(digest);
        return new UUID(bytes.getLong(), bytes.getLong());
    }

    /** The built-in keyspace (with the node's replication factor) and its key-value table. */
    static CqlSchemaSource builtin(int replicationFactor) {
        List<KeyspaceMetadata> keyspaces = List.of(BuiltinTables.keyspace(replicationFactor));
        List<TableMetadata> tables = List.of(BuiltinTables.keyValue());
        return new CqlSchemaSource() {
            @Override
            public List<KeyspaceMetadata> keyspaces() {
                return keyspaces;
            }

            @Override
            public List<TableMetadata> tables() {
                return tables;
            }
        };
    }
}
