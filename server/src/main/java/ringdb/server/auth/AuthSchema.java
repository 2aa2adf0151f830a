package ringdb.server.auth;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import ringdb.core.catalog.Schema;
import ringdb.core.catalog.SchemaStatements;
import ringdb.core.catalog.TableDefinition;
import ringdb.core.node.Node;
import ringdb.core.schema.Replication;
import ringdb.core.schema.types.CqlTypes;

/**
 * The replicated tables of roles and permissions, Cassandra's layout:
 * <pre>
 * system_auth.roles (role text PRIMARY KEY, is_superuser boolean, can_login boolean, salted_hash text,
 *                    member_of set&lt;text&gt;)
 * system_auth.role_permissions (role text, resource text, permissions set&lt;text&gt;,
 *                               PRIMARY KEY (role, resource))
 * </pre>
 * Every node creates them (if absent) when password authentication starts, stamped at
 * {@value #CREATED_AT_MICROS} µs (the earliest time a schema element can have): their
 * ids derive from their names, so every node creates the same tables and the creations merge into
 * one. CQL cannot create, alter or drop them (system_auth is a system keyspace).
 */
public final class AuthSchema {
    public static final String KEYSPACE = "system_auth";
    public static final String ROLES = "roles";
    public static final String ROLE_PERMISSIONS = "role_permissions";
    /** When the tables were created, on every node alike (a schema element at 0 would count as never created). */
    static final long CREATED_AT_MICROS = 1;

    private AuthSchema() {
    }

    /** Creates what is missing; completes once stored on this node. Call on the node's thread. */
    public static CompletableFuture<Void> ensure(Node node, int replicationFactor) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (node.schema().table(KEYSPACE, ROLES) != null && node.schema().table(KEYSPACE, ROLE_PERMISSIONS) != null) {
            done.complete(null);
            return done;
        }
        node.changeSchema((before, micros) -> apply(before, replicationFactor), (changes, error) -> {
            if (error != null) {
                done.completeExceptionally(error);
            } else {
                done.complete(null);
            }
        });
        return done;
    }

    static Schema apply(Schema before, int replicationFactor) {
        Schema s = SchemaStatements.createKeyspace(before, KEYSPACE, Replication.simple(replicationFactor), true,
                CREATED_AT_MICROS);
        TableDefinition.Column role = new TableDefinition.Column("role", CqlTypes.TEXT);
        s = SchemaStatements.createTable(s, new TableDefinition(KEYSPACE, ROLES, List.of(role), List.of(), List.of(),
                List.of(new TableDefinition.Column("can_login", CqlTypes.BOOLEAN),
                        new TableDefinition.Column("is_superuser", CqlTypes.BOOLEAN),
                        new TableDefinition.Column("member_of", CqlTypes.set(CqlTypes.TEXT, false)),
                        new TableDefinition.Column("salted_hash", CqlTypes.TEXT)), 0, null), true, CREATED_AT_MICROS);
        return SchemaStatements.createTable(s, new TableDefinition(KEYSPACE, ROLE_PERMISSIONS, List.of(role),
                List.of(new TableDefinition.Clustering("resource", CqlTypes.TEXT, false)), List.of(),
                List.of(new TableDefinition.Column("permissions", CqlTypes.set(CqlTypes.TEXT, false))), 0, null),
                true, CREATED_AT_MICROS);
    }
}
