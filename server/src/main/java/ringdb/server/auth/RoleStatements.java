package ringdb.server.auth;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import ringdb.core.schema.types.CqlType;
import ringdb.core.schema.types.CqlTypes;
import ringdb.cql.statements.AuthStatement;
import ringdb.cql.statements.DataResource;
import ringdb.cql.statements.Permission;
import ringdb.server.cql.CqlColumn;
import ringdb.server.cql.CqlException;
import ringdb.server.cql.CqlResult;
import ringdb.server.cql.QueryParameters;

/**
 * CREATE/ALTER/DROP ROLE (and USER), GRANT and REVOKE (permissions and roles), LIST ROLES and LIST
 * PERMISSIONS. Who may: role management and GRANT role are for superusers (a role may change its own
 * password); GRANT and REVOKE of permissions need AUTHORIZE on the resource and the permissions
 * granted (superusers: anything); a role lists its own roles and permissions, a superuser everyone's.
 * {@code user} null: the node itself (no connection), allowed.
 */
final class RoleStatements {
    private static final CqlType OPTIONS = CqlTypes.map(CqlTypes.TEXT, CqlTypes.TEXT, false);

    private final AuthService auth;

    RoleStatements(AuthService auth) {
        this.auth = auth;
    }

    CompletionStage<CqlResult> execute(AuthStatement statement, String user) {
        if (statement instanceof AuthStatement.CreateRole c) {
            return superuser(user, "CREATE ROLE").thenCompose(v -> create(c));
        }
        if (statement instanceof AuthStatement.AlterRole a) {
            return alter(a, user);
        }
        if (statement instanceof AuthStatement.DropRole d) {
            if (d.role().equals(user)) {
                return CompletableFuture.failedFuture(CqlException.invalid("Cannot DROP primary role for current "
                        + "login"));
            }
            return superuser(user, "DROP ROLE").thenCompose(v -> drop(d));
        }
        if (statement instanceof AuthStatement.GrantPermissions g) {
            return grant(g, user);
        }
        if (statement instanceof AuthStatement.GrantRole g) {
            return superuser(user, g.grant() ? "GRANT a role" : "REVOKE a role").thenCompose(v -> grantRole(g));
        }
        if (statement instanceof AuthStatement.ListRoles l) {
            return listRoles(l, user);
        }
        return listPermissions((AuthStatement.ListPermissions) statement, user);
    }

    private CompletionStage<Void> superuser(String user, String what) {
        if (user == null) {
            return CompletableFuture.completedFuture(null);
        }
        return auth.isSuperuser(user).thenAccept(isSuperuser -> {
            if (!isSuperuser) {
                throw AuthException.unauthorized("User " + user + " is not a superuser: only superusers may " + what);
            }
        });
    }

    private CompletionStage<CqlResult> create(AuthStatement.CreateRole c) {
        return auth.store().role(c.role()).thenCompose(existing -> {
            if (existing != null) {
                if (c.ifNotExists()) {
                    return done();
                }
                throw CqlException.invalid(c.role() + " already exists");
            }
            AuthStatement.RoleOptions o = c.options();
            CompletionStage<String> hash = o.password() == null ? CompletableFuture.completedFuture(null)
                    : auth.hash(o.password());
            return hash.thenCompose(h -> auth.store().write(c.role(), Boolean.TRUE.equals(o.superuser()),
                    Boolean.TRUE.equals(o.login()), h, QueryParameters.NO_TIMESTAMP)).thenCompose(v -> changed());
        });
    }

    private CompletionStage<CqlResult> alter(AuthStatement.AlterRole a, String user) {
        AuthStatement.RoleOptions o = a.options();
        boolean ownPassword = a.role().equals(user) && o.superuser() == null && o.login() == null;
        CompletionStage<Void> allowed = ownPassword ? CompletableFuture.completedFuture(null)
                : superuser(user, "ALTER ROLE (other than their own password)");
        if (a.role().equals(user) && Boolean.FALSE.equals(o.superuser())) {
            return CompletableFuture.failedFuture(CqlException.unauthorized("You aren't allowed to alter your own "
                    + "superuser status"));
        }
        return allowed.thenCompose(v -> auth.store().role(a.role())).thenCompose(existing -> {
            if (existing == null) {
                if (a.ifExists()) {
                    return done();
                }
                throw CqlException.invalid(a.role() + " doesn't exist");
            }
            if (o.isEmpty()) {
                return done();
            }
            CompletionStage<String> hash = o.password() == null ? CompletableFuture.completedFuture(null)
                    : auth.hash(o.password());
            return hash.thenCompose(h -> auth.store().write(a.role(), o.superuser(), o.login(), h,
                    QueryParameters.NO_TIMESTAMP)).thenCompose(v -> changed());
        });
    }

    private CompletionStage<CqlResult> drop(AuthStatement.DropRole d) {
        return auth.store().role(d.role()).thenCompose(existing -> {
            if (existing == null) {
                if (d.ifExists()) {
                    return done();
                }
                throw CqlException.invalid(d.role() + " doesn't exist");
            }
            return auth.store().delete(d.role()).thenCompose(v -> changed());
        });
    }

    private CompletionStage<CqlResult> grant(AuthStatement.GrantPermissions g, String user) {
        String verb = g.grant() ? "GRANT" : "REVOKE";
        if (!auth.settings().authorization()) {
            return CompletableFuture.failedFuture(CqlException.invalid(verb + " operation is not supported by "
                    + "AllowAllAuthorizer (authorizer: CassandraAuthorizer)"));
        }
        CompletionStage<Void> allowed = CompletableFuture.completedFuture(null);
        if (user != null) {
            allowed = auth.check(user, Permission.AUTHORIZE, g.resource());
            for (Permission p : g.permissions()) {
                allowed = allowed.thenCompose(v -> auth.check(user, p, g.resource()));
            }
        }
        return allowed.thenCompose(v -> exists(g.role())).thenCompose(v -> auth.store().permissions(g.role(),
                g.resource(), g.permissions(), g.grant())).thenCompose(v -> changed());
    }

    private CompletionStage<CqlResult> grantRole(AuthStatement.GrantRole g) {
        if (g.role().equals(g.grantee())) {
            return CompletableFuture.failedFuture(CqlException.invalid(g.grantee() + " is a member of "
                    + g.role() + ": a role cannot be granted to itself"));
        }
        return exists(g.role()).thenCompose(v -> exists(g.grantee()))
                .thenCompose(v -> auth.store().membership(g.grantee(), g.role(), g.grant()))
                .thenCompose(v -> changed());
    }

    private CompletionStage<Void> exists(String role) {
        return auth.store().role(role).thenAccept(r -> {
            if (r == null) {
                throw CqlException.invalid(role + " doesn't exist");
            }
        });
    }

    private CompletionStage<CqlResult> listRoles(AuthStatement.ListRoles l, String user) {
        return visible(user, l.of()).thenCompose(names -> auth.store().roles().thenApply(roles -> {
            List<List<ByteBuffer>> rows = new ArrayList<>();
            for (Role r : roles) {
                if (names != null && !names.contains(r.name()) || l.users() && !r.login()) {
                    continue;
                }
                rows.add(l.users() ? List.of(text(r.name()), bool(r.superuser()))
                        : List.of(text(r.name()), bool(r.superuser()), bool(r.login()),
                                ByteBuffer.wrap(OPTIONS.fromJava(Map.of()))));
            }
            List<CqlColumn> columns = l.users()
                    ? List.of(column("roles", "name", CqlTypes.TEXT), column("roles", "super", CqlTypes.BOOLEAN))
                    : List.of(column("roles", "role", CqlTypes.TEXT), column("roles", "super", CqlTypes.BOOLEAN),
                            column("roles", "login", CqlTypes.BOOLEAN), column("roles", "options", OPTIONS));
            return new CqlResult.Rows(columns, rows, null);
        }));
    }

    /**
     * The roles a statement of {@code user} may see about {@code of}: null for all of them (a superuser
     * asking about everyone); else {@code of} (or the user) and the roles granted to it.
     */
    private CompletionStage<Set<String>> visible(String user, String of) {
        String subject = of != null ? of : user;
        CompletionStage<Void> allowed = user == null || user.equals(of) ? CompletableFuture.completedFuture(null)
                : auth.isSuperuser(user).thenAccept(isSuperuser -> {
                    if (!isSuperuser && of != null) {
                        throw AuthException.unauthorized("You are not authorized to view roles granted to " + of);
                    }
                });
        return allowed.thenCompose(v -> subject == null ? CompletableFuture.completedFuture((Set<String>) null)
                : user != null && of == null ? auth.isSuperuser(user).thenCompose(s -> s
                        ? CompletableFuture.completedFuture((Set<String>) null) : granted(subject))
                : granted(subject));
    }

    private CompletionStage<Set<String>> granted(String role) {
        return auth.effective(role).thenCompose(e -> {
            Set<String> names = new java.util.TreeSet<>();
            if (e == null) {
                throw CqlException.invalid(role + " doesn't exist");
            }
            names.add(role);
            return collect(names, new ArrayList<>(e.role().memberOf()));
        });
    }

    private CompletionStage<Set<String>> collect(Set<String> names, List<String> next) {
        if (next.isEmpty() || names.size() >= AuthService.ROLE_GRAPH_MAX) {
            return CompletableFuture.completedFuture(names);
        }
        String name = next.remove(next.size() - 1);
        if (!names.add(name)) {
            return collect(names, next);
        }
        return auth.store().role(name).thenCompose(r -> {
            if (r != null) {
                next.addAll(r.memberOf());
            }
            return collect(names, next);
        });
    }

    private CompletionStage<CqlResult> listPermissions(AuthStatement.ListPermissions l, String user) {
        CompletionStage<Set<String>> roles = l.of() == null ? visible(user, null)
                : l.recursive() ? visible(user, l.of()) : visible(user, l.of()).thenApply(v -> Set.of(l.of()));
        return roles.thenCompose(names -> auth.store().allPermissions().thenApply(all -> {
            List<List<ByteBuffer>> rows = new ArrayList<>();
            List<String> sortedRoles = new ArrayList<>(all.keySet());
            sortedRoles.sort(Comparator.naturalOrder());
            for (String role : sortedRoles) {
                if (names != null && !names.contains(role)) {
                    continue;
                }
                List<Map.Entry<DataResource, Set<Permission>>> entries = new ArrayList<>(all.get(role).entrySet());
                entries.sort(Comparator.comparing(entry -> entry.getKey().name()));
                for (Map.Entry<DataResource, Set<Permission>> entry : entries) {
                    if (l.resource() != null && !covers(entry.getKey(), l.resource())) {
                        continue;
                    }
                    for (Permission p : new java.util.TreeSet<>(entry.getValue())) {
                        if (l.permissions().contains(p)) {
                            rows.add(List.of(text(role), text(role), text(entry.getKey().toString()), text(p.name())));
                        }
                    }
                }
            }
            return new CqlResult.Rows(List.of(column("permissions", "role", CqlTypes.TEXT),
                    column("permissions", "username", CqlTypes.TEXT), column("permissions", "resource", CqlTypes.TEXT),
                    column("permissions", "permission", CqlTypes.TEXT)), rows, null);
        }));
    }

    /** Whether a permission granted on {@code granted} applies to {@code asked} (it is it or one of its parents). */
    private static boolean covers(DataResource granted, DataResource asked) {
        for (DataResource r = asked; r != null; r = r.parent()) {
            if (r.equals(granted)) {
                return true;
            }
        }
        return false;
    }

    private CompletionStage<CqlResult> changed() {
        auth.invalidate();
        return done();
    }

    private static CompletionStage<CqlResult> done() {
        return CompletableFuture.completedFuture(new CqlResult.Void());
    }

    private static CqlColumn column(String table, String name, CqlType type) {
        return new CqlColumn(AuthSchema.KEYSPACE, table, name, type);
    }

    private static ByteBuffer text(String value) {
        return ByteBuffer.wrap(CqlTypes.TEXT.fromJava(value));
    }

    private static ByteBuffer bool(boolean value) {
        return ByteBuffer.wrap(CqlTypes.BOOLEAN.fromJava(value));
    }
}
