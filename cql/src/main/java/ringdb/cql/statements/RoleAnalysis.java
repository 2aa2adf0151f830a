package ringdb.cql.statements;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import ringdb.core.data.InvalidRequestException;
import ringdb.cql.grammar.CqlParser;

/** Syntax trees of the role and permission statements into {@link AuthStatement}s. */
final class RoleAnalysis {
    private RoleAnalysis() {
    }

    /** The statement, or null when {@code s} is not one of roles and permissions. */
    static AuthStatement of(CqlParser.StatementContext s, String sessionKeyspace) {
        if (s.createRole() != null) {
            var c = s.createRole();
            return new AuthStatement.CreateRole(role(c.roleName()), c.ifNotExists() != null, options(c.roleOptions()));
        }
        if (s.alterRole() != null) {
            var c = s.alterRole();
            return new AuthStatement.AlterRole(role(c.roleName()), c.ifExists() != null, options(c.roleOptions()));
        }
        if (s.dropRole() != null) {
            return new AuthStatement.DropRole(role(s.dropRole().roleName()), s.dropRole().ifExists() != null);
        }
        if (s.createUser() != null) {
            var c = s.createUser();
            return new AuthStatement.CreateRole(role(c.roleName()), c.ifNotExists() != null,
                    userOptions(c.STRING(), c.K_SUPERUSER() != null, c.K_NOSUPERUSER() != null, true));
        }
        if (s.alterUser() != null) {
            var c = s.alterUser();
            return new AuthStatement.AlterRole(role(c.roleName()), c.ifExists() != null,
                    userOptions(c.STRING(), c.K_SUPERUSER() != null, c.K_NOSUPERUSER() != null, false));
        }
        if (s.dropUser() != null) {
            return new AuthStatement.DropRole(role(s.dropUser().roleName()), s.dropUser().ifExists() != null);
        }
        return grantsAndLists(s, sessionKeyspace);
    }

    private static AuthStatement grantsAndLists(CqlParser.StatementContext s, String sessionKeyspace) {
        if (s.grantPermission() != null) {
            var c = s.grantPermission();
            return new AuthStatement.GrantPermissions(true, permissions(c.permissions()),
                    resource(c.resource(), sessionKeyspace), role(c.roleName()));
        }
        if (s.revokePermission() != null) {
            var c = s.revokePermission();
            return new AuthStatement.GrantPermissions(false, permissions(c.permissions()),
                    resource(c.resource(), sessionKeyspace), role(c.roleName()));
        }
        if (s.grantRole() != null) {
            return new AuthStatement.GrantRole(true, role(s.grantRole().roleName(0)), role(s.grantRole().roleName(1)));
        }
        if (s.revokeRole() != null) {
            return new AuthStatement.GrantRole(false, role(s.revokeRole().roleName(0)),
                    role(s.revokeRole().roleName(1)));
        }
        if (s.listRoles() != null) {
            var c = s.listRoles();
            return new AuthStatement.ListRoles(c.roleName() == null ? null : role(c.roleName()),
                    c.K_NORECURSIVE() == null, false);
        }
        if (s.listUsers() != null) {
            return new AuthStatement.ListRoles(null, true, true);
        }
        if (s.listPermissions() != null) {
            var c = s.listPermissions();
            return new AuthStatement.ListPermissions(permissions(c.permissions()),
                    c.resource() == null ? null : resource(c.resource(), sessionKeyspace),
                    c.roleName() == null ? null : role(c.roleName()), c.K_NORECURSIVE() == null);
        }
        return null;
    }

    /** A role name: an identifier as identifiers are (unquoted: lower case), a string as written. */
    static String role(CqlParser.RoleNameContext c) {
        String name = c.STRING() != null ? Literals.unquote(c.STRING().getText()) : Names.of(c.ident());
        if (name.isEmpty()) {
            throw new InvalidRequestException("Role name can't be an empty string");
        }
        return name;
    }

    private static AuthStatement.RoleOptions options(CqlParser.RoleOptionsContext c) {
        String password = null;
        Boolean login = null;
        Boolean superuser = null;
        if (c == null) {
            return new AuthStatement.RoleOptions(null, null, null);
        }
        Set<String> seen = new java.util.HashSet<>();
        for (CqlParser.RoleOptionContext o : c.roleOption()) {
            String name = Names.of(o.ident()).toLowerCase(Locale.ROOT);
            if (!seen.add(name)) {
                throw new InvalidRequestException("Multiple definition for property " + name.toUpperCase(Locale.ROOT));
            }
            CqlParser.ConstantContext value = o.constant();
            switch (name) {
                case "password" -> {
                    if (value.STRING() == null) {
                        throw new InvalidRequestException("PASSWORD must be a string, e.g. PASSWORD = 'secret'");
                    }
                    password = Literals.unquote(value.getText());
                }
                case "login" -> login = bool("LOGIN", value);
                case "superuser" -> superuser = bool("SUPERUSER", value);
                default -> throw new InvalidRequestException("Invalid role option: " + name.toUpperCase(Locale.ROOT)
                        + " (ringdb knows PASSWORD, LOGIN and SUPERUSER)");
            }
        }
        return new AuthStatement.RoleOptions(password, login, superuser);
    }

    private static boolean bool(String option, CqlParser.ConstantContext value) {
        if (value.K_TRUE() != null) {
            return true;
        }
        if (value.K_FALSE() != null) {
            return false;
        }
        throw new InvalidRequestException(option + " must be true or false, not " + value.getText());
    }

    private static AuthStatement.RoleOptions userOptions(org.antlr.v4.runtime.tree.TerminalNode password,
                                                         boolean superuser, boolean nosuperuser, boolean create) {
        Boolean isSuper = superuser ? Boolean.TRUE : nosuperuser ? Boolean.FALSE : null;
        if (create && isSuper == null) {
            isSuper = Boolean.FALSE;
        }
        return new AuthStatement.RoleOptions(password == null ? null : Literals.unquote(password.getText()),
                create ? Boolean.TRUE : null, isSuper);
    }

    private static Set<Permission> permissions(CqlParser.PermissionsContext c) {
        if (c.K_ALL() != null) {
            return Permission.all();
        }
        return EnumSet.of(Permission.valueOf(c.permission().getText().toUpperCase(Locale.ROOT)));
    }

    private static DataResource resource(CqlParser.ResourceContext c, String sessionKeyspace) {
        if (c instanceof CqlParser.AllKeyspacesResourceContext) {
            return DataResource.ALL_KEYSPACES;
        }
        if (c instanceof CqlParser.KeyspaceResourceContext k) {
            return DataResource.keyspace(Names.of(k.keyspaceName().ident()));
        }
        CqlParser.TableNameContext name = ((CqlParser.TableResourceContext) c).tableName();
        return DataResource.table(Names.keyspaceOf(name, sessionKeyspace), Names.tableOf(name));
    }
}
