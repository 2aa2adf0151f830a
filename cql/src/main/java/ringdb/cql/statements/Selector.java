package ringdb.cql.statements;

import ringdb.core.schema.ColumnMetadata;

/**
 * One column of a SELECT's result: a column's value, its write time or remaining TTL, or the
 * count of rows; {@code spec} is the result column as the client sees it (alias applied).
 */
public record Selector(Kind kind, ColumnMetadata column, ColumnSpec spec) {
    /** What a selector reads. */
    public enum Kind {
        /** The column's value. */
        COLUMN,
        /** {@code writetime(c)}: the cell's timestamp (microseconds, bigint), null for no cell. */
        WRITETIME,
        /** {@code ttl(c)}: seconds left before the cell expires (int), null when it never does. */
        TTL,
        /** {@code COUNT(*)}: the number of rows (bigint); column is null. */
        COUNT
    }
}
