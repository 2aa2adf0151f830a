package ringdb.core.schema;

import java.util.Objects;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.types.CqlType;

/**
 * One column: its internal name, type, kind, position among the key columns of its kind (0 for
 * others), clustering order (descending applies to clustering columns only) and the timestamp
 * (microseconds) at which it was added, which decides a concurrent add against a drop.
 */
public record ColumnMetadata(String name, CqlType type, ColumnKind kind, int position, boolean descending,
                             long addedAtMicros) {
    public ColumnMetadata {
        Identifiers.checkColumnName(name);
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(kind, "kind");
        if (kind.isPrimaryKey() && !type.canBeKey()) {
            throw new InvalidRequestException("column '" + name + "' is " + type.cqlName() + ": a primary key column "
                    + "cannot be a non-frozen collection; use frozen<" + type.cqlName() + ">");
        }
        if (descending && kind != ColumnKind.CLUSTERING) {
            throw new InvalidRequestException("column '" + name + "' is not a clustering column: only clustering "
                    + "columns have an order");
        }
    }

    public static ColumnMetadata partitionKey(String name, CqlType type, int position) {
        return new ColumnMetadata(name, type, ColumnKind.PARTITION_KEY, position, false, 0);
    }

    public static ColumnMetadata clustering(String name, CqlType type, int position, boolean descending) {
        return new ColumnMetadata(name, type, ColumnKind.CLUSTERING, position, descending, 0);
    }

    public static ColumnMetadata regular(String name, CqlType type) {
        return new ColumnMetadata(name, type, ColumnKind.REGULAR, 0, false, 0);
    }

    public static ColumnMetadata staticColumn(String name, CqlType type) {
        return new ColumnMetadata(name, type, ColumnKind.STATIC, 0, false, 0);
    }

    public ColumnMetadata addedAt(long micros) {
        return new ColumnMetadata(name, type, kind, position, descending, micros);
    }
}
