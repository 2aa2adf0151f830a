package ringdb.server.auth;

import java.util.Set;

/**
 * A row of system_auth.roles: a role, whether it is a superuser and may log in, its password hash and
 * the roles granted to it.
 */
public record Role(String name, boolean superuser, boolean login, String saltedHash, Set<String> memberOf) {
    public Role {
        memberOf = Set.copyOf(memberOf);
    }
}
