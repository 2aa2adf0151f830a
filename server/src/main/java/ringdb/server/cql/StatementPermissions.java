package ringdb.server.cql;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import ringdb.cql.statements.BatchStatement;
import ringdb.cql.statements.CqlStatement;
import ringdb.cql.statements.DataResource;
import ringdb.cql.statements.KeyspaceStatements;
import ringdb.cql.statements.ModificationStatement;
import ringdb.cql.statements.Permission;
import ringdb.cql.statements.SelectStatement;
import ringdb.cql.statements.TableStatements;

/**
 * The permissions a statement needs, as Cassandra asks them: SELECT on the table read, MODIFY on
 * each table written, CREATE on all keyspaces for a new keyspace and on the keyspace for a new
 * table, ALTER and DROP on the keyspace or table altered or dropped. Reads of the system and
 * system_schema tables (what drivers read to connect) need nothing. USE and role statements are
 * checked elsewhere.
 */
public final class StatementPermissions {
    /** A permission on a resource. */
    public record Required(Permission permission, DataResource resource) {
    }

    private StatementPermissions() {
    }

    public static List<Required> of(CqlStatement statement) {
        if (statement instanceof SelectStatement select) {
            if (SystemTables.isSystemKeyspace(select.table().keyspace())) {
                return List.of();
            }
            return List.of(new Required(Permission.SELECT,
                    DataResource.table(select.table().keyspace(), select.table().name())));
        }
        if (statement instanceof ModificationStatement m) {
            return List.of(modify(m));
        }
        if (statement instanceof BatchStatement batch) {
            Set<Required> out = new LinkedHashSet<>();
            batch.statements().forEach(m -> out.add(modify(m)));
            return new ArrayList<>(out);
        }
        return schema(statement);
    }

    private static Required modify(ModificationStatement m) {
        return new Required(Permission.MODIFY, DataResource.table(m.table().keyspace(), m.table().name()));
    }

    private static List<Required> schema(CqlStatement statement) {
        if (statement instanceof KeyspaceStatements.Create) {
            return List.of(new Required(Permission.CREATE, DataResource.ALL_KEYSPACES));
        }
        if (statement instanceof KeyspaceStatements.Alter alter) {
            return List.of(new Required(Permission.ALTER, DataResource.keyspace(alter.name())));
        }
        if (statement instanceof KeyspaceStatements.Drop drop) {
            return List.of(new Required(Permission.DROP, DataResource.keyspace(drop.name())));
        }
        if (statement instanceof TableStatements.Create create) {
            return List.of(new Required(Permission.CREATE, DataResource.keyspace(create.keyspace())));
        }
        if (statement instanceof TableStatements.Alter alter) {
            return List.of(new Required(Permission.ALTER, DataResource.table(alter.keyspace(), alter.name())));
        }
        if (statement instanceof TableStatements.Drop drop) {
            return List.of(new Required(Permission.DROP, DataResource.table(drop.keyspace(), drop.name())));
        }
        return List.of();
    }

    /** The resource a CREATE makes (its creator gets every permission on it), or null. */
    public static DataResource created(CqlStatement statement) {
        if (statement instanceof KeyspaceStatements.Create create) {
            return DataResource.keyspace(create.name());
        }
        if (statement instanceof TableStatements.Create create) {
            return DataResource.table(create.keyspace(), create.name());
        }
        return null;
    }
}
