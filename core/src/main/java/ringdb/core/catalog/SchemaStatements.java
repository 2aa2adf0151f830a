package ringdb.core.catalog;

import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.BuiltinTables;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.KeyspaceMetadata;
import ringdb.core.schema.Replication;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.TableParams;
import ringdb.core.schema.types.CqlType;

/**
 * The schema statements (CREATE/DROP KEYSPACE, CREATE/ALTER/DROP TABLE) as pure functions: each
 * takes the schema and the statement's timestamp and returns the schema after it, the same schema
 * when IF [NOT] EXISTS made it a no-op, or throws {@link SchemaException} saying what is wrong.
 * The built-in keyspace and table cannot be created, altered or dropped.
 */
public final class SchemaStatements {
    private SchemaStatements() {
    }

    public static Schema createKeyspace(Schema schema, String name, Replication replication, boolean ifNotExists,
                                        long micros) {
        if (schema.keyspace(name) != null) {
            if (ifNotExists) {
                return schema;
            }
            throw new SchemaException(SchemaException.Kind.ALREADY_EXISTS, name, null,
                    "keyspace " + name + " already exists");
        }
        return schema.withKeyspace(new KeyspaceMetadata(name, replication, micros));
    }

    public static Schema dropKeyspace(Schema schema, String name, boolean ifExists, long micros) {
        builtin(name, null, "drop");
        if (schema.keyspace(name) == null) {
            if (ifExists) {
                return schema;
            }
            throw unknownKeyspace(name);
        }
        return schema.withKeyspaceDropped(name, micros);
    }

    public static Schema createTable(Schema schema, TableDefinition definition, boolean ifNotExists, long micros) {
        String keyspace = definition.keyspace();
        builtin(keyspace, definition.name(), "create");
        if (schema.keyspace(keyspace) == null) {
            throw unknownKeyspace(keyspace);
        }
        if (schema.table(keyspace, definition.name()) != null) {
            if (ifNotExists) {
                return schema;
            }
            throw new SchemaException(SchemaException.Kind.ALREADY_EXISTS, keyspace, definition.name(),
                    "table " + keyspace + "." + definition.name() + " already exists");
        }
        TableMetadata table;
        try {
            table = definition.build(micros, schema.incarnationFor(keyspace, definition.name()));
        } catch (InvalidRequestException | IllegalArgumentException e) {
            throw new SchemaException(SchemaException.Kind.INVALID, keyspace, definition.name(), e.getMessage());
        }
        return schema.withTable(table);
    }

    public static Schema dropTable(Schema schema, String keyspace, String name, boolean ifExists, long micros) {
        builtin(keyspace, name, "drop");
        if (existing(schema, keyspace, name, ifExists) == null) {
            return schema;
        }
        return schema.withTableDropped(keyspace, name, micros);
    }

    /** ALTER TABLE ADD: a regular or static column. */
    public static Schema addColumn(Schema schema, String keyspace, String name, String column, CqlType type,
                                   boolean isStatic, boolean ifNotExists, long micros) {
        TableMetadata table = alterable(schema, keyspace, name);
        if (table.column(column) != null && ifNotExists) {
            return schema;
        }
        return alter(schema, keyspace, name, () -> table.withColumnAdded(column, type, isStatic, micros));
    }

    /** ALTER TABLE DROP: a regular or static column. */
    public static Schema dropColumn(Schema schema, String keyspace, String name, String column, boolean ifExists,
                                    long micros) {
        TableMetadata table = alterable(schema, keyspace, name);
        ColumnMetadata existing = table.column(column);
        if (existing == null && ifExists) {
            return schema;
        }
        return alter(schema, keyspace, name, () -> table.withColumnDropped(column, micros));
    }

    /** ALTER TABLE WITH: the options; null leaves an option as it is. */
    public static Schema alterOptions(Schema schema, String keyspace, String name, Integer defaultTimeToLiveSeconds,
                                      Integer gcGraceSeconds, long micros) {
        TableMetadata table = alterable(schema, keyspace, name);
        TableParams now = table.params();
        return alter(schema, keyspace, name, () -> table.withParams(new TableParams(
                defaultTimeToLiveSeconds == null ? now.defaultTimeToLiveSeconds() : defaultTimeToLiveSeconds,
                gcGraceSeconds == null ? now.gcGraceSeconds() : gcGraceSeconds, micros)));
    }

    /**
     * Puts a keyspace definition made elsewhere (a CQL statement analysed against this schema) into
     * the schema as it is: created, or replacing an older definition of that name.
     */
    public static Schema putKeyspace(Schema schema, KeyspaceMetadata keyspace) {
        builtin(keyspace.name(), null, "change");
        return schema.withKeyspace(keyspace);
    }

    /**
     * Puts a table definition made elsewhere (a CQL statement analysed against this schema) into the
     * schema as it is: created, or replacing an older version of the same table.
     */
    public static Schema putTable(Schema schema, TableMetadata table) {
        builtin(table.keyspace(), table.name(), "change");
        if (schema.keyspace(table.keyspace()) == null) {
            throw unknownKeyspace(table.keyspace());
        }
        return schema.withTable(table);
    }

    /** When a table of this name (or its keyspace) was last dropped, microseconds; 0 or less if never. */
    public static long droppedAtMicros(Schema schema, String keyspace, String table) {
        return schema.incarnationFor(keyspace, table);
    }

    private interface Alteration {
        TableMetadata apply();
    }

    private static Schema alter(Schema schema, String keyspace, String name, Alteration alteration) {
        try {
            return schema.withTable(alteration.apply());
        } catch (InvalidRequestException | IllegalArgumentException e) {
            throw new SchemaException(SchemaException.Kind.INVALID, keyspace, name, e.getMessage());
        }
    }

    private static TableMetadata alterable(Schema schema, String keyspace, String name) {
        builtin(keyspace, name, "alter");
        return existing(schema, keyspace, name, false);
    }

    private static TableMetadata existing(Schema schema, String keyspace, String name, boolean ifExists) {
        if (schema.keyspace(keyspace) == null) {
            if (ifExists) {
                return null;
            }
            throw unknownKeyspace(keyspace);
        }
        TableMetadata table = schema.table(keyspace, name);
        if (table == null && !ifExists) {
            throw new SchemaException(SchemaException.Kind.UNKNOWN_TABLE, keyspace, name,
                    "keyspace " + keyspace + " has no table " + name);
        }
        return table;
    }

    private static SchemaException unknownKeyspace(String name) {
        return new SchemaException(SchemaException.Kind.UNKNOWN_KEYSPACE, name, null, "keyspace " + name
                + " does not exist");
    }

    private static void builtin(String keyspace, String table, String verb) {
        if (keyspace.equals(BuiltinTables.KEYSPACE)) {
            throw new SchemaException(SchemaException.Kind.INVALID, keyspace, table, "cannot " + verb + " "
                    + (table == null ? "keyspace " + keyspace : keyspace + "." + table) + ": the keyspace "
                    + BuiltinTables.KEYSPACE + " and its tables are built in");
        }
    }
}
