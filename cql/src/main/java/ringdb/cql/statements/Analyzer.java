package ringdb.cql.statements;

import java.util.ArrayList;
import java.util.List;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.types.CqlTypes;
import ringdb.cql.CqlParsing;
import ringdb.cql.SchemaView;
import ringdb.cql.grammar.CqlParser;

/**
 * Resolves a parsed CQL statement against the schema. DML and SELECT are resolved now (their
 * table, columns, literals and bind markers); DDL is resolved when executed
 * ({@link SchemaStatement#execute}). Throws {@link InvalidRequestException} with Cassandra's
 * messages for what does not fit the schema.
 */
public final class Analyzer {
    private Analyzer() {
    }

    /** Parses and analyses {@code cql}; {@code sessionKeyspace} may be null (no USE yet). */
    public static CqlStatement analyze(String cql, String sessionKeyspace, SchemaView schema) {
        return analyze(CqlParsing.parse(cql), sessionKeyspace, schema);
    }

    public static CqlStatement analyze(CqlParsing.Parsed parsed, String sessionKeyspace, SchemaView schema) {
        CqlParser.StatementContext s = parsed.statement();
        Binds binds = new Binds(parsed);
        if (s.select() != null) {
            CqlParser.SelectContext c = s.select();
            return SelectAnalysis.select(c, Names.table(schema, c.tableName(), sessionKeyspace), binds);
        }
        if (s.insert() != null || s.update() != null || s.delete() != null) {
            return modification(s.insert(), s.update(), s.delete(), sessionKeyspace, schema, binds);
        }
        if (s.batch() != null) {
            return batch(s.batch(), sessionKeyspace, schema, binds);
        }
        if (!parsed.markers().isEmpty()) {
            throw new InvalidRequestException("Bind variables are not supported in schema, role and permission "
                    + "statements and USE");
        }
        AuthStatement auth = RoleAnalysis.of(s, sessionKeyspace);
        if (auth != null) {
            return auth;
        }
        return schemaOrUse(s, sessionKeyspace, schema);
    }

    private static CqlStatement schemaOrUse(CqlParser.StatementContext s, String sessionKeyspace,
                                            SchemaView schema) {
        if (s.use() != null) {
            String keyspace = Names.of(s.use().keyspaceName().ident());
            Names.keyspace(schema, keyspace);
            return new UseStatement(keyspace);
        }
        if (s.createKeyspace() != null) {
            return SchemaAnalysis.createKeyspace(s.createKeyspace());
        }
        if (s.alterKeyspace() != null) {
            return SchemaAnalysis.alterKeyspace(s.alterKeyspace());
        }
        if (s.dropKeyspace() != null) {
            return SchemaAnalysis.dropKeyspace(s.dropKeyspace());
        }
        if (s.createTable() != null) {
            return SchemaAnalysis.createTable(s.createTable(), sessionKeyspace);
        }
        if (s.alterTable() != null) {
            return SchemaAnalysis.alterTable(s.alterTable(), sessionKeyspace);
        }
        if (s.dropTable() != null) {
            return SchemaAnalysis.dropTable(s.dropTable(), sessionKeyspace);
        }
        throw new InvalidRequestException("TRUNCATE is not supported: DELETE the partitions, or DROP and CREATE the "
                + "table again");
    }

    private static ModificationStatement modification(CqlParser.InsertContext insert, CqlParser.UpdateContext update,
                                                      CqlParser.DeleteContext delete, String sessionKeyspace,
                                                      SchemaView schema, Binds binds) {
        if (insert != null) {
            return ModificationAnalysis.insert(insert, Names.table(schema, insert.tableName(), sessionKeyspace),
                    binds);
        }
        if (update != null) {
            return ModificationAnalysis.update(update, Names.table(schema, update.tableName(), sessionKeyspace),
                    binds);
        }
        return ModificationAnalysis.delete(delete, Names.table(schema, delete.tableName(), sessionKeyspace), binds);
    }

    private static BatchStatement batch(CqlParser.BatchContext c, String sessionKeyspace, SchemaView schema,
                                        Binds binds) {
        BatchStatement.Type type = c.K_UNLOGGED() != null ? BatchStatement.Type.UNLOGGED
                : c.K_COUNTER() != null ? BatchStatement.Type.COUNTER : BatchStatement.Type.LOGGED;
        if (type == BatchStatement.Type.COUNTER) {
            throw new InvalidRequestException("Counter batches are not supported (counters are not supported)");
        }
        binds.inBatch(true);
        List<ModificationStatement> statements = new ArrayList<>();
        for (CqlParser.BatchStatementContext b : c.batchStatement()) {
            statements.add(modification(b.insert(), b.update(), b.delete(), sessionKeyspace, schema, binds));
        }
        Term timestamp = batchTimestamp(c.usingClause(), statements, binds);
        binds.inBatch(false);
        List<ColumnSpec> variables = binds.variables();
        List<ModificationStatement> complete = new ArrayList<>();
        for (ModificationStatement s : statements) {
            complete.add(s.inBatch(variables, timestamp));
        }
        return new BatchStatement(type, complete, variables);
    }

    private static Term batchTimestamp(CqlParser.UsingClauseContext using, List<ModificationStatement> statements,
                                       Binds binds) {
        if (using == null) {
            return null;
        }
        Term timestamp = null;
        for (CqlParser.UsingParameterContext p : using.usingParameter()) {
            if (p.K_TTL() != null) {
                throw new InvalidRequestException("Global TTL on the BATCH statement is not supported.");
            }
            TableMetadata table = statements.isEmpty() ? null : statements.get(0).table();
            timestamp = Literals.term(p.term(), new ColumnSpec(table == null ? "" : table.keyspace(),
                    table == null ? "" : table.name(), "[timestamp]", CqlTypes.BIGINT), binds);
        }
        for (ModificationStatement s : statements) {
            if (timestamp != null && s.timestamp() != null) {
                throw new InvalidRequestException("Timestamp must be set either on BATCH or individual statements");
            }
        }
        return timestamp;
    }
}
