package ringdb.cql.statements;

import ringdb.core.schema.types.CqlType;

/**
 * A bind variable or a result column as the native protocol describes it: keyspace, table, name
 * and type. Bind variables are named after their column ({@code age}), a named marker
 * ({@code :name}), or what they stand for: {@code [limit]}, {@code [timestamp]}, {@code [ttl]},
 * {@code in(k)}, {@code key(m)}, {@code value(m)}, {@code idx(l)}, {@code partition key token}.
 */
public record ColumnSpec(String keyspace, String table, String name, CqlType type) {
}
