package ringdb.server.cql;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import ringdb.core.catalog.Schema;
import ringdb.core.catalog.SchemaStatements;
import ringdb.core.schema.KeyspaceMetadata;
import ringdb.core.schema.Replication;
import ringdb.core.schema.TableMetadata;
import ringdb.cql.SchemaView;

/**
 * A node's schema as the CQL server and the CQL language see it: the keyspaces and tables of the
 * node's catalog ({@code Node#schema()}, built-in ones included) and, for statement analysis, the
 * system and system_schema tables the server serves from memory.
 *
 * <p>Threading: the node's thread (the CQL connections are served there).
 */
public final class NodeSchema implements CqlSchemaSource {
    private final Supplier<Schema> schema;

    public NodeSchema(Supplier<Schema> schema) {
        this.schema = schema;
    }

    @Override
    public List<KeyspaceMetadata> keyspaces() {
        return schema.get().keyspaces();
    }

    @Override
    public List<TableMetadata> tables() {
        Schema now = schema.get();
        List<TableMetadata> out = new ArrayList<>();
        for (KeyspaceMetadata keyspace : now.keyspaces()) {
            out.addAll(now.tables(keyspace.name()));
        }
        return out;
    }

    /**
     * The version of the node's schema records, made of the digest gossip carries, so that the
     * version a node shows for a peer ({@link #versionOf(String)} of the peer's gossiped digest) and
     * the one the peer shows for itself are equal exactly when they hold the same schema.
     */
    @Override
    public UUID version() {
        return CqlSchemaSource.versionOf(schema.get().digest());
    }

    /** The schema version of a digest as gossip carries it (hex); null when there is none or it is malformed. */
    static UUID versionOf(String gossipedDigest) {
        if (gossipedDigest == null) {
            return null;
        }
        try {
            byte[] digest = HexFormat.of().parseHex(gossipedDigest);
            return digest.length < 16 ? null : CqlSchemaSource.versionOf(digest);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A view of {@code schema} for statement analysis, with the system tables of {@code system}. */
    static SchemaView view(Schema schema, SystemTables system) {
        return new SchemaView() {
            @Override
            public KeyspaceMetadata keyspace(String name) {
                if (SystemTables.isSystemKeyspace(name)) {
                    return new KeyspaceMetadata(name, Replication.simple(1), 0);
                }
                return schema.keyspace(name);
            }

            @Override
            public TableMetadata table(String keyspace, String table) {
                if (SystemTables.isSystemKeyspace(keyspace)) {
                    return system == null ? null : system.definition(keyspace, table);
                }
                return schema.table(keyspace, table);
            }

            @Override
            public List<TableMetadata> tables(String keyspace) {
                if (SystemTables.isSystemKeyspace(keyspace)) {
                    return system == null ? List.of() : system.definitions().stream()
                            .filter(t -> t.keyspace().equals(keyspace)).toList();
                }
                return schema.tables(keyspace);
            }

            @Override
            public long tableDroppedAtMicros(String keyspace, String table) {
                return SchemaStatements.droppedAtMicros(schema, keyspace, table);
            }
        };
    }
}
