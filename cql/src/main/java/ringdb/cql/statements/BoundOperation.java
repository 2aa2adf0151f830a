package ringdb.cql.statements;

import ringdb.core.schema.ColumnMetadata;

/**
 * An {@link Operation} with its values: serialized in the native protocol form of the column's
 * type (or of the element, key or collection the {@link Operation.Kind} names); {@code value} null
 * for a deletion.
 */
public record BoundOperation(ColumnMetadata column, Operation.Kind kind, byte[] key, byte[] value) {
}
