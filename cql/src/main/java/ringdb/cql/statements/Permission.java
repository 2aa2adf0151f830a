package ringdb.cql.statements;

import java.util.EnumSet;
import java.util.Set;

/**
 * What a role may be granted on a data resource, Cassandra's names: SELECT reads, MODIFY writes
 * (INSERT, UPDATE, DELETE, BATCH), CREATE, ALTER and DROP are the DDL of keyspaces and tables,
 * AUTHORIZE lets a role GRANT and REVOKE permissions on the resource. Stored by name: never rename.
 */
public enum Permission {
    CREATE, ALTER, DROP, SELECT, MODIFY, AUTHORIZE;

    /** ALL PERMISSIONS. */
    public static Set<Permission> all() {
        return EnumSet.allOf(Permission.class);
    }
}
