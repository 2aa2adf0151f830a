package ringdb.server.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import ringdb.cql.statements.DataResource;
import ringdb.cql.statements.Permission;
import ringdb.server.cql.ClientState;
import ringdb.server.cql.CqlConsistency;
import ringdb.server.cql.CqlException;
import ringdb.server.cql.CqlQueryHandler;
import ringdb.server.cql.CqlResult;
import ringdb.server.cql.QueryParameters;

/**
 * Reads and writes system_auth.roles and system_auth.role_permissions ({@link AuthSchema}) through
 * the node's own CQL statements, so roles are replicated, hinted and repaired like any table.
 * Reads and writes ask for QUORUM and fall back to ONE when too few replicas are up (Cassandra reads
 * roles at QUORUM too): a node keeps letting users in while one replica is down.
 *
 * <p>Threading: any thread; stages complete on the node's thread.
 */
final class RoleStore {
    private static final String ROLES = AuthSchema.KEYSPACE + "." + AuthSchema.ROLES;
    private static final String PERMISSIONS = AuthSchema.KEYSPACE + "." + AuthSchema.ROLE_PERMISSIONS;
    private static final String ROLE_COLUMNS = "role, is_superuser, can_login, salted_hash, member_of";

    private final CqlQueryHandler statements;
    private final ClientState internal;

    RoleStore(CqlQueryHandler statements) {
        this.statements = statements;
        this.internal = new ClientState(null, 4);
    }

    /** The role, or null when there is none of that name. */
    CompletionStage<Role> role(String name) {
        return query("SELECT " + ROLE_COLUMNS + " FROM " + ROLES + " WHERE role = " + quote(name))
                .thenApply(rows -> rows.isEmpty() ? null : role(rows.get(0)));
    }

    CompletionStage<List<Role>> roles() {
        return query("SELECT " + ROLE_COLUMNS + " FROM " + ROLES).thenApply(rows -> {
            List<Role> out = new ArrayList<>();
            rows.forEach(row -> out.add(role(row)));
            out.sort(java.util.Comparator.comparing(Role::name));
            return out;
        });
    }

    /**
     * Writes the role's columns that are not null (a new role: all of them). {@code timestampMicros}:
     * the write's timestamp, or {@link QueryParameters#NO_TIMESTAMP} for now.
     */
    CompletionStage<Void> write(String name, Boolean superuser, Boolean login, String saltedHash,
                                long timestampMicros) {
        List<String> columns = new ArrayList<>(List.of("role"));
        List<String> values = new ArrayList<>(List.of(quote(name)));
        if (superuser != null) {
            columns.add("is_superuser");
            values.add(superuser.toString());
        }
        if (login != null) {
            columns.add("can_login");
            values.add(login.toString());
        }
        if (saltedHash != null) {
            columns.add("salted_hash");
            values.add(quote(saltedHash));
        }
        String using = timestampMicros == QueryParameters.NO_TIMESTAMP ? "" : " USING TIMESTAMP " + timestampMicros;
        return update("INSERT INTO " + ROLES + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", values) + ")" + using);
    }

    CompletionStage<Void> delete(String name) {
        return update("DELETE FROM " + ROLES + " WHERE role = " + quote(name))
                .thenCompose(v -> update("DELETE FROM " + PERMISSIONS + " WHERE role = " + quote(name)));
    }

    /** Adds {@code role} to (or removes it from) the roles {@code grantee} is a member of. */
    CompletionStage<Void> membership(String grantee, String role, boolean add) {
        return update("UPDATE " + ROLES + " SET member_of = member_of " + (add ? "+" : "-") + " {" + quote(role)
                + "} WHERE role = " + quote(grantee));
    }

    CompletionStage<Void> permissions(String role, DataResource resource, Set<Permission> permissions, boolean add) {
        List<String> names = new ArrayList<>();
        permissions.forEach(p -> names.add(quote(p.name())));
        return update("UPDATE " + PERMISSIONS + " SET permissions = permissions " + (add ? "+" : "-") + " {"
                + String.join(", ", names) + "} WHERE role = " + quote(role) + " AND resource = "
                + quote(resource.name()));
    }

    /** The permissions granted to {@code role} directly, by resource. */
    CompletionStage<Map<DataResource, Set<Permission>>> permissionsOf(String role) {
        return query("SELECT role, resource, permissions FROM " + PERMISSIONS + " WHERE role = " + quote(role))
                .thenApply(rows -> permissionRows(rows).getOrDefault(role, Map.of()));
    }

    /** Every role's permissions: role, then resource. */
    CompletionStage<Map<String, Map<DataResource, Set<Permission>>>> allPermissions() {
        return query("SELECT role, resource, permissions FROM " + PERMISSIONS).thenApply(RoleStore::permissionRows);
    }

    private static Map<String, Map<DataResource, Set<Permission>>> permissionRows(List<List<ByteBuffer>> rows) {
        Map<String, Map<DataResource, Set<Permission>>> out = new LinkedHashMap<>();
        for (List<ByteBuffer> row : rows) {
            Set<Permission> granted = EnumSet.noneOf(Permission.class);
            for (String p : textSet(row.get(2))) {
                try {
                    granted.add(Permission.valueOf(p));
                } catch (IllegalArgumentException e) {
                    // a permission this version does not know: ignored
                }
            }
            if (!granted.isEmpty()) {
                out.computeIfAbsent(text(row.get(0)), r -> new LinkedHashMap<>())
                        .put(DataResource.parse(text(row.get(1))), granted);
            }
        }
        return out;
    }

    private static Role role(List<ByteBuffer> row) {
        return new Role(text(row.get(0)), bool(row.get(1)), bool(row.get(2)), row.get(3) == null ? null
                : text(row.get(3)), textSet(row.get(4)));
    }

    private CompletionStage<Void> update(String cql) {
        return run(cql, CqlConsistency.QUORUM).thenApply(result -> null);
    }

    private CompletionStage<List<List<ByteBuffer>>> query(String cql) {
        return run(cql, CqlConsistency.QUORUM).thenApply(result -> result instanceof CqlResult.Rows rows
                ? rows.rows() : List.of());
    }

    /** Runs at {@code cl}; when QUORUM is unavailable, once more at ONE. */
    private CompletionStage<CqlResult> run(String cql, CqlConsistency cl) {
        QueryParameters parameters = new QueryParameters(cl, List.of(), Map.of(), -1, null, null,
                QueryParameters.NO_TIMESTAMP, false);
        return statements.query(cql, parameters, internal).handle((result, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(result);
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cl == CqlConsistency.QUORUM && cause instanceof CqlException e
                    && e.code() == CqlException.Code.UNAVAILABLE) {
                return run(cql, CqlConsistency.ONE).toCompletableFuture();
            }
            return CompletableFuture.<CqlResult>failedFuture(cause);
        }).thenCompose(stage -> stage);
    }

    static String quote(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static String text(ByteBuffer value) {
        return value == null ? null : StandardCharsets.UTF_8.decode(value.duplicate()).toString();
    }

    private static boolean bool(ByteBuffer value) {
        return value != null && value.remaining() > 0 && value.get(value.position()) != 0;
    }

    /** A set&lt;text&gt; in protocol v4 serialization: [int n] then n times [int length][bytes]. */
    private static Set<String> textSet(ByteBuffer value) {
        Set<String> out = new LinkedHashSet<>();
        if (value == null || value.remaining() < 4) {
            return out;
        }
        ByteBuffer b = value.duplicate();
        int n = b.getInt();
        for (int i = 0; i < n && b.remaining() >= 4; i++) {
            int length = b.getInt();
            ByteBuffer element = b.slice();
            element.limit(length);
            out.add(StandardCharsets.UTF_8.decode(element).toString());
            b.position(b.position() + length);
        }
        return out;
    }
}
