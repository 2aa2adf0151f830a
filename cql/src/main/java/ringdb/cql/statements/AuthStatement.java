package ringdb.cql.statements;

import java.util.Set;

/**
 * The statements of roles and permissions: executed by the node's authentication service, not on
 * the schema or the data. Role names are as written (an unquoted identifier lower-cased, a string
 * or quoted identifier as is). Option values of CREATE/ALTER ROLE are null when not given.
 */
public sealed interface AuthStatement extends CqlStatement {
    /** PASSWORD, LOGIN and SUPERUSER of CREATE/ALTER ROLE (and USER); null: not given. */
    record RoleOptions(String password, Boolean login, Boolean superuser) {
        public boolean isEmpty() {
            return password == null && login == null && superuser == null;
        }
    }

    /** CREATE ROLE / CREATE USER (a user is a role with LOGIN). */
    record CreateRole(String role, boolean ifNotExists, RoleOptions options) implements AuthStatement {
    }

    /** ALTER ROLE / ALTER USER. */
    record AlterRole(String role, boolean ifExists, RoleOptions options) implements AuthStatement {
    }

    /** DROP ROLE / DROP USER. */
    record DropRole(String role, boolean ifExists) implements AuthStatement {
    }

    /** GRANT permissions ON resource TO role, or REVOKE ... FROM role. */
    record GrantPermissions(boolean grant, Set<Permission> permissions, DataResource resource, String role)
            implements AuthStatement {
        public GrantPermissions {
            permissions = Set.copyOf(permissions);
        }
    }

    /** GRANT role TO grantee, or REVOKE role FROM grantee: the grantee gets (loses) the role's permissions. */
    record GrantRole(boolean grant, String role, String grantee) implements AuthStatement {
    }

    /** LIST ROLES [OF role] [NORECURSIVE], or LIST USERS ({@code users}). */
    record ListRoles(String of, boolean recursive, boolean users) implements AuthStatement {
    }

    /** LIST permissions [ON resource] [OF role] [NORECURSIVE]; {@code resource} and {@code of} may be null. */
    record ListPermissions(Set<Permission> permissions, DataResource resource, String of, boolean recursive)
            implements AuthStatement {
        public ListPermissions {
            permissions = Set.copyOf(permissions);
        }
    }
}
