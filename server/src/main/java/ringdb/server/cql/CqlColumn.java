package ringdb.server.cql;

import java.util.Objects;
import ringdb.core.schema.types.CqlType;

/** A column of a result or a bind variable of a prepared statement: where it comes from, its name and type. */
public record CqlColumn(String keyspace, String table, String name, CqlType type) {
    public CqlColumn {
        Objects.requireNonNull(keyspace, "keyspace");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }
}
