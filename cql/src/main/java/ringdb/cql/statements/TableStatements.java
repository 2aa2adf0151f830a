package ringdb.cql.statements;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.BuiltinTables;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.KeyspaceMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.types.CqlType;
import ringdb.cql.AlreadyExistsException;
import ringdb.cql.SchemaView;

/** CREATE, ALTER and DROP TABLE. */
public final class TableStatements {
    private TableStatements() {
    }

    /** A column as CREATE TABLE or ALTER TABLE ADD declares it. */
    public record ColumnDefinition(String name, CqlType type, boolean isStatic) {
    }

    /** CREATE TABLE [IF NOT EXISTS] ks.t (...) [WITH ...]. */
    public record Create(String keyspace, String name, boolean ifNotExists, List<ColumnDefinition> columns,
                         List<String> partitionKey, List<String> clustering, Map<String, Boolean> descending,
                         TableOptions options) implements SchemaStatement {
        public Create {
            columns = List.copyOf(columns);
            partitionKey = List.copyOf(partitionKey);
            clustering = List.copyOf(clustering);
            descending = new LinkedHashMap<>(descending);
        }

        @Override
        public List<String> warnings() {
            return options.warnings();
        }

        @Override
        public SchemaChange execute(SchemaView schema, long nowMicros) {
            KeyspaceStatements.checkNotSystem(keyspace, "create a table in");
            KeyspaceMetadata ks = schema.keyspace(keyspace);
            if (ks == null) {
                throw new InvalidRequestException("Keyspace '" + keyspace + "' doesn't exist");
            }
            TableMetadata existing = schema.table(keyspace, name);
            if (existing != null) {
                if (ifNotExists) {
                    return new SchemaChange(false, SchemaChange.Change.CREATED, SchemaChange.Target.TABLE, ks, name,
                            existing, List.of(), nowMicros, warnings());
                }
                throw new AlreadyExistsException(keyspace, name);
            }
            TableMetadata table = build(schema.tableDroppedAtMicros(keyspace, name), nowMicros);
            return new SchemaChange(true, SchemaChange.Change.CREATED, SchemaChange.Target.TABLE, ks, name, table,
                    List.of(), nowMicros, warnings());
        }

        private TableMetadata build(long incarnationMicros, long nowMicros) {
            Map<String, ColumnDefinition> byName = new LinkedHashMap<>();
            for (ColumnDefinition c : columns) {
                if (byName.put(c.name(), c) != null) {
                    throw new InvalidRequestException("Multiple definition of identifier " + c.name());
                }
            }
            TableMetadata.Builder b = TableMetadata.builder(keyspace, name).createdAt(nowMicros, incarnationMicros);
            for (String k : partitionKey) {
                b.partitionKey(k, keyColumn(byName, k).type());
            }
            for (String c : clustering) {
                b.clustering(c, keyColumn(byName, c).type(), descending.getOrDefault(c, false));
            }
            for (ColumnDefinition c : columns) {
                if (partitionKey.contains(c.name()) || clustering.contains(c.name())) {
                    continue;
                }
                if (c.isStatic()) {
                    if (clustering.isEmpty()) {
                        throw new InvalidRequestException("Static columns are only useful (and thus allowed) if the "
                                + "table has at least one clustering column");
                    }
                    b.staticColumn(c.name(), c.type());
                } else {
                    b.regular(c.name(), c.type());
                }
            }
            b.defaultTimeToLiveSeconds(options.defaultTimeToLiveSeconds() == null ? 0
                    : options.defaultTimeToLiveSeconds());
            if (options.gcGraceSeconds() != null) {
                b.gcGraceSeconds(options.gcGraceSeconds());
            }
            return b.build();
        }

        private static ColumnDefinition keyColumn(Map<String, ColumnDefinition> byName, String key) {
            ColumnDefinition c = byName.get(key);
            if (c == null) {
                throw new InvalidRequestException("Unknown definition " + key + " referenced in PRIMARY KEY");
            }
            if (c.isStatic()) {
                throw new InvalidRequestException("Static column " + key + " cannot be part of the PRIMARY KEY");
            }
            return c;
        }
    }

    /** What an ALTER TABLE does. */
    public enum AlterKind { ADD, DROP, OPTIONS }

    /** ALTER TABLE [IF EXISTS] ks.t ADD ... | DROP ... | WITH .... */
    public record Alter(String keyspace, String name, boolean ifExists, AlterKind kind, boolean ifColumn,
                        List<ColumnDefinition> added, List<String> dropped, TableOptions options)
            implements SchemaStatement {
        public Alter {
            added = List.copyOf(added);
            dropped = List.copyOf(dropped);
        }

        @Override
        public List<String> warnings() {
            return options == null ? List.of() : options.warnings();
        }

        @Override
        public SchemaChange execute(SchemaView schema, long nowMicros) {
            KeyspaceStatements.checkNotSystem(keyspace, "alter a table in");
            checkNotBuiltin(keyspace, name, "altered");
            KeyspaceMetadata ks = Names.keyspace(schema, keyspace);
            TableMetadata table = schema.table(keyspace, name);
            if (table == null) {
                if (ifExists) {
                    return new SchemaChange(false, SchemaChange.Change.UPDATED, SchemaChange.Target.TABLE, ks, name,
                            null, List.of(), nowMicros, warnings());
                }
                throw new InvalidRequestException("unconfigured table " + name);
            }
            TableMetadata next = switch (kind) {
                case ADD -> add(table, nowMicros);
                case DROP -> drop(table, nowMicros);
                case OPTIONS -> table.withParams(options.applyTo(table.params(), nowMicros));
            };
            boolean changed = next != table;
            return new SchemaChange(changed, SchemaChange.Change.UPDATED, SchemaChange.Target.TABLE, ks, name, next,
                    List.of(), nowMicros, warnings());
        }

        private TableMetadata add(TableMetadata table, long nowMicros) {
            TableMetadata next = table;
            for (ColumnDefinition c : added) {
                ColumnMetadata existing = next.column(c.name());
                if (existing != null) {
                    if (ifColumn) {
                        continue;
                    }
                    throw new InvalidRequestException("Column with name '" + c.name() + "' already exists");
                }
                if (c.isStatic() && table.clustering().isEmpty()) {
                    throw new InvalidRequestException("Static columns are not allowed in tables with no clustering "
                            + "columns");
                }
                next = next.withColumnAdded(c.name(), c.type(), c.isStatic(), nowMicros);
            }
            return next;
        }

        private TableMetadata drop(TableMetadata table, long nowMicros) {
            TableMetadata next = table;
            for (String c : dropped) {
                ColumnMetadata existing = next.column(c);
                if (existing == null) {
                    if (ifColumn) {
                        continue;
                    }
                    throw new InvalidRequestException("Column " + c + " was not found in table " + name);
                }
                if (existing.kind().isPrimaryKey()) {
                    throw new InvalidRequestException("Cannot drop PRIMARY KEY part " + c);
                }
                next = next.withColumnDropped(c, nowMicros);
            }
            return next;
        }
    }

    /** DROP TABLE [IF EXISTS] ks.t. */
    public record Drop(String keyspace, String name, boolean ifExists) implements SchemaStatement {
        @Override
        public SchemaChange execute(SchemaView schema, long nowMicros) {
            KeyspaceStatements.checkNotSystem(keyspace, "drop a table in");
            checkNotBuiltin(keyspace, name, "dropped");
            KeyspaceMetadata ks = schema.keyspace(keyspace);
            TableMetadata table = ks == null ? null : schema.table(keyspace, name);
            if (table == null) {
                if (ifExists) {
                    KeyspaceMetadata shown = ks != null ? ks
                            : new KeyspaceMetadata(keyspace, ringdb.core.schema.Replication.simple(1), nowMicros);
                    return new SchemaChange(false, SchemaChange.Change.DROPPED, SchemaChange.Target.TABLE, shown,
                            name, null, List.of(), nowMicros, List.of());
                }
                if (ks == null) {
                    throw new InvalidRequestException("Keyspace '" + keyspace + "' doesn't exist");
                }
                throw new InvalidRequestException("Table '" + keyspace + "." + name + "' doesn't exist");
            }
            return new SchemaChange(true, SchemaChange.Change.DROPPED, SchemaChange.Target.TABLE, ks, name, table,
                    List.of(table), nowMicros, List.of());
        }
    }

    static void checkNotBuiltin(String keyspace, String table, String what) {
        if (keyspace.equals(BuiltinTables.KEYSPACE) && table.equals(BuiltinTables.KEY_VALUE_TABLE)) {
            throw new InvalidRequestException("table " + keyspace + "." + table + " is the built-in key-value table "
                    + "and cannot be " + what);
        }
    }

    /** Gathers a CREATE TABLE's pieces while its syntax tree is read. */
    static final class CreateParts {
        final List<ColumnDefinition> columns = new ArrayList<>();
        final List<String> partitionKey = new ArrayList<>();
        final List<String> clustering = new ArrayList<>();
        final Map<String, Boolean> descending = new LinkedHashMap<>();
        int primaryKeys;
    }
}
