package ringdb.cql.statements;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.types.CqlType;
import ringdb.core.schema.types.CqlTypes;
import ringdb.core.schema.types.InvalidValueException;
import ringdb.cql.grammar.CqlParser;

/** DDL syntax trees into {@link SchemaStatement}s (resolved against the schema when executed). */
final class SchemaAnalysis {
    private SchemaAnalysis() {
    }

    static SchemaStatement createKeyspace(CqlParser.CreateKeyspaceContext c) {
        return new KeyspaceStatements.Create(Names.of(c.keyspaceName().ident()), c.ifNotExists() != null,
                Properties.of(c.properties().property()));
    }

    static SchemaStatement alterKeyspace(CqlParser.AlterKeyspaceContext c) {
        return new KeyspaceStatements.Alter(Names.of(c.keyspaceName().ident()), c.ifExists() != null,
                Properties.of(c.properties().property()));
    }

    static SchemaStatement dropKeyspace(CqlParser.DropKeyspaceContext c) {
        return new KeyspaceStatements.Drop(Names.of(c.keyspaceName().ident()), c.ifExists() != null);
    }

    static SchemaStatement dropTable(CqlParser.DropTableContext c, String sessionKeyspace) {
        return new TableStatements.Drop(Names.keyspaceOf(c.tableName(), sessionKeyspace), Names.tableOf(c.tableName()),
                c.ifExists() != null);
    }

    static CqlType type(CqlParser.CqlTypeContext type) {
        if (type.STRING() != null) {
            throw new InvalidRequestException("custom types (" + type.getText() + ") are not supported");
        }
        String text = type.getText();
        try {
            return CqlTypes.parse(text);
        } catch (InvalidValueException e) {
            throw new InvalidRequestException(e.getMessage());
        }
    }

    static SchemaStatement createTable(CqlParser.CreateTableContext c, String sessionKeyspace) {
        TableStatements.CreateParts parts = new TableStatements.CreateParts();
        for (CqlParser.TableElementContext e : c.tableElement()) {
            if (e.columnDefinition() != null) {
                CqlParser.ColumnDefinitionContext d = e.columnDefinition();
                String name = Names.of(d.ident());
                parts.columns.add(new TableStatements.ColumnDefinition(name, type(d.cqlType()), d.K_STATIC() != null));
                if (d.K_PRIMARY() != null) {
                    parts.primaryKeys++;
                    parts.partitionKey.add(name);
                }
            } else {
                parts.primaryKeys++;
                CqlParser.PartitionKeyDefinitionContext pk = e.partitionKeyDefinition();
                pk.ident().forEach(i -> parts.partitionKey.add(Names.of(i)));
                e.ident().forEach(i -> parts.clustering.add(Names.of(i)));
            }
        }
        String table = Names.tableOf(c.tableName());
        if (parts.primaryKeys == 0) {
            throw new InvalidRequestException("No PRIMARY KEY specified for table '" + table + "' (exactly one "
                    + "required)");
        }
        if (parts.primaryKeys > 1) {
            throw new InvalidRequestException("Multiple PRIMARY KEYs specified (exactly one required)");
        }
        Map<String, Object> options = new LinkedHashMap<>();
        if (c.tableOptions() != null) {
            tableOptions(c.tableOptions(), options, parts);
        }
        return new TableStatements.Create(Names.keyspaceOf(c.tableName(), sessionKeyspace), table,
                c.ifNotExists() != null, parts.columns, parts.partitionKey, parts.clustering, parts.descending,
                TableOptions.of(options));
    }

    /** Reads WITH options; CLUSTERING ORDER BY goes into {@code parts} (null for ALTER, which refuses it). */
    private static void tableOptions(CqlParser.TableOptionsContext c, Map<String, Object> options,
                                     TableStatements.CreateParts parts) {
        List<CqlParser.PropertyContext> properties = new ArrayList<>();
        for (CqlParser.TableOptionContext o : c.tableOption()) {
            if (o.K_COMPACT() != null) {
                throw new InvalidRequestException("COMPACT STORAGE is not supported");
            } else if (o.property() != null) {
                properties.add(o.property());
            } else if (parts == null) {
                throw new InvalidRequestException("Cannot change the clustering order of an existing table");
            } else {
                clusteringOrder(o.clusteringOrder(), parts);
            }
        }
        options.putAll(Properties.of(properties));
    }

    private static void clusteringOrder(List<CqlParser.ClusteringOrderContext> orders,
                                        TableStatements.CreateParts parts) {
        for (int i = 0; i < orders.size(); i++) {
            String column = Names.of(orders.get(i).ident());
            if (!parts.clustering.contains(column)) {
                throw new InvalidRequestException("Only clustering key columns can be defined in CLUSTERING ORDER "
                        + "directive: " + column + " is not one");
            }
            if (i >= parts.clustering.size() || !parts.clustering.get(i).equals(column)) {
                throw new InvalidRequestException("The order of columns in the CLUSTERING ORDER directive must match "
                        + "that of the clustering columns (" + String.join(", ", parts.clustering) + ")");
            }
            if (parts.descending.put(column, orders.get(i).K_DESC() != null) != null) {
                throw new InvalidRequestException("Duplicate column " + column + " in CLUSTERING ORDER directive");
            }
        }
    }

    static SchemaStatement alterTable(CqlParser.AlterTableContext c, String sessionKeyspace) {
        String keyspace = Names.keyspaceOf(c.tableName(), sessionKeyspace);
        String table = Names.tableOf(c.tableName());
        boolean ifExists = c.ifExists() != null;
        CqlParser.AlterTableInstructionContext i = c.alterTableInstruction();
        if (i instanceof CqlParser.AlterAddContext add) {
            List<TableStatements.ColumnDefinition> added = new ArrayList<>();
            for (CqlParser.AddedColumnContext a : add.addedColumn()) {
                added.add(new TableStatements.ColumnDefinition(Names.of(a.ident()), type(a.cqlType()),
                        a.K_STATIC() != null));
            }
            return new TableStatements.Alter(keyspace, table, ifExists, TableStatements.AlterKind.ADD,
                    add.ifNotExists() != null, added, List.of(), null);
        }
        if (i instanceof CqlParser.AlterDropContext drop) {
            List<String> dropped = drop.ident().stream().map(Names::of).toList();
            return new TableStatements.Alter(keyspace, table, ifExists, TableStatements.AlterKind.DROP,
                    drop.ifExists() != null, List.of(), dropped, null);
        }
        if (i instanceof CqlParser.AlterOptionsContext with) {
            Map<String, Object> options = new LinkedHashMap<>();
            tableOptions(with.tableOptions(), options, null);
            return new TableStatements.Alter(keyspace, table, ifExists, TableStatements.AlterKind.OPTIONS, false,
                    List.of(), List.of(), TableOptions.of(options));
        }
        if (i instanceof CqlParser.AlterTypeContext) {
            throw new InvalidRequestException("Altering column types is not supported");
        }
        throw new InvalidRequestException("Renaming columns is not supported");
    }
}
