package ringdb.cql.statements;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.ColumnKind;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.types.CqlTypes;
import ringdb.cql.grammar.CqlParser;

/** INSERT, UPDATE and DELETE syntax trees resolved against their table. */
final class ModificationAnalysis {
    static final String LWT_REFUSED = "lightweight transactions are not supported (IF NOT EXISTS, IF EXISTS and IF "
            + "conditions): ringdb has no Paxos yet";

    private ModificationAnalysis() {
    }

    /** USING TIMESTAMP and TTL terms: [0] timestamp, [1] ttl. */
    static Term[] using(CqlParser.UsingClauseContext using, TableMetadata table, Binds binds, boolean ttlAllowed) {
        Term[] out = new Term[2];
        if (using == null) {
            return out;
        }
        for (CqlParser.UsingParameterContext p : using.usingParameter()) {
            int slot = p.K_TIMESTAMP() != null ? 0 : 1;
            if (out[slot] != null) {
                throw new InvalidRequestException("USING " + (slot == 0 ? "TIMESTAMP" : "TTL") + " is given twice");
            }
            if (slot == 1 && !ttlAllowed) {
                throw new InvalidRequestException("A TTL is not allowed in a DELETE statement");
            }
            ColumnSpec spec = new ColumnSpec(table.keyspace(), table.name(), slot == 0 ? "[timestamp]" : "[ttl]",
                    slot == 0 ? CqlTypes.BIGINT : CqlTypes.INT);
            out[slot] = Literals.term(p.term(), spec, binds);
        }
        return out;
    }

    static ModificationStatement insert(CqlParser.InsertContext c, TableMetadata table, Binds binds) {
        if (c.ifNotExists() != null) {
            throw new InvalidRequestException(LWT_REFUSED);
        }
        Term[] using = using(c.usingClause(), table, binds, true);
        if (c.K_JSON() != null) {
            return JsonInsert.analyze(c, table, binds, using);
        }
        if (c.ident().size() != c.term().size()) {
            throw new InvalidRequestException("Unmatched column names/values");
        }
        Map<ColumnMetadata, CqlParser.TermContext> given = new LinkedHashMap<>();
        for (int i = 0; i < c.ident().size(); i++) {
            ColumnMetadata column = WhereClause.column(table, c.ident(i));
            if (given.put(column, c.term(i)) != null) {
                throw new InvalidRequestException("Multiple definitions found for column " + column.name());
            }
        }
        Map<ColumnMetadata, Term> values = new LinkedHashMap<>();
        given.forEach((column, term) -> values.put(column, Literals.term(term, WhereClause.spec(table, column),
                binds)));
        return insert(table, values, using, null, false, binds.variables());
    }

    /** An INSERT of these column values (key columns included). */
    static ModificationStatement insert(TableMetadata table, Map<ColumnMetadata, Term> values, Term[] using,
                                        Term json, boolean jsonDefaultUnset, List<ColumnSpec> variables) {
        List<Restriction> pk = new ArrayList<>();
        List<Restriction> clustering = new ArrayList<>();
        List<Operation> operations = new ArrayList<>();
        for (Map.Entry<ColumnMetadata, Term> e : values.entrySet()) {
            ColumnMetadata c = e.getKey();
            Restriction eq = new Restriction(c, Restriction.Operator.EQ, List.of(e.getValue()), false);
            switch (c.kind()) {
                case PARTITION_KEY -> pk.add(eq);
                case CLUSTERING -> clustering.add(eq);
                default -> operations.add(new Operation(c, Operation.Kind.SET, null, e.getValue()));
            }
        }
        pk.sort((a, b) -> Integer.compare(a.column().position(), b.column().position()));
        clustering.sort((a, b) -> Integer.compare(a.column().position(), b.column().position()));
        checkComplete(table, pk, table.partitionKey(), "Some partition key parts are missing: ");
        boolean staticOnly = !operations.isEmpty() && clustering.isEmpty()
                && operations.stream().allMatch(o -> o.column().kind() == ColumnKind.STATIC);
        if (!staticOnly) {
            checkComplete(table, clustering, table.clustering(), "Some clustering keys are missing: ");
        }
        return new ModificationStatement(table, ModificationStatement.Type.INSERT, BoundModification.Kind.WRITE, pk,
                clustering, List.of(), !staticOnly, operations, using[0], using[1], json, jsonDefaultUnset,
                variables);
    }

    private static void checkComplete(TableMetadata table, List<Restriction> given, List<ColumnMetadata> expected,
                                      String message) {
        if (given.size() < expected.size()) {
            List<ColumnMetadata> missing = new ArrayList<>(expected);
            given.forEach(r -> missing.remove(r.column()));
            throw new InvalidRequestException(message + ModificationStatement.names(missing));
        }
    }

    static ModificationStatement update(CqlParser.UpdateContext c, TableMetadata table, Binds binds) {
        if (c.conditions() != null) {
            throw new InvalidRequestException(LWT_REFUSED);
        }
        Term[] using = using(c.usingClause(), table, binds, true);
        List<Operation> operations = new ArrayList<>();
        for (CqlParser.AssignmentContext a : c.assignment()) {
            operations.add(Assignments.of(a, table, binds));
        }
        WhereClause where = WhereClause.of(c.whereClause(), table, binds);
        List<Restriction> pk = keyRestrictions(where, table);
        boolean staticOnly = operations.stream().allMatch(o -> o.column().kind() == ColumnKind.STATIC);
        List<Restriction> clustering = clusteringEqualities(where, table, "UPDATE");
        if (!(staticOnly && clustering.isEmpty()) && clustering.size() < table.clustering().size()) {
            checkComplete(table, clustering, table.clustering(), "Some clustering keys are missing: ");
        }
        checkOnlyKeys(where, table);
        return new ModificationStatement(table, ModificationStatement.Type.UPDATE, BoundModification.Kind.WRITE, pk,
                clustering, List.of(), false, operations, using[0], using[1], null, false, binds.variables());
    }

    /** The equality or IN of every partition-key column, in key order. */
    static List<Restriction> keyRestrictions(WhereClause where, TableMetadata table) {
        if (!where.tokenBounds.isEmpty()) {
            throw new InvalidRequestException("The token function cannot be used in WHERE clauses for UPDATE and "
                    + "DELETE statements");
        }
        List<Restriction> out = new ArrayList<>();
        List<ColumnMetadata> missing = new ArrayList<>();
        for (ColumnMetadata k : table.partitionKey()) {
            Restriction r = where.equality(k);
            if (r == null && where.byColumn.containsKey(k)) {
                throw new InvalidRequestException("Only EQ and IN relation are supported on the partition key (unless "
                        + "you use the token() function)");
            }
            if (r == null) {
                missing.add(k);
            } else {
                out.add(r);
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidRequestException("Some partition key parts are missing: "
                    + ModificationStatement.names(missing));
        }
        return out;
    }

    /** The equalities and INs on a clustering prefix; a slice is refused (UPDATE) or left for DELETE. */
    private static List<Restriction> clusteringEqualities(WhereClause where, TableMetadata table, String statement) {
        List<Restriction> out = new ArrayList<>();
        for (ColumnMetadata c : table.clustering()) {
            List<Restriction> rs = where.byColumn.get(c);
            if (rs == null) {
                break;
            }
            Restriction eq = where.equality(c);
            if (eq == null) {
                if (statement.equals("UPDATE") || rs.stream().anyMatch(r -> !r.operator().isSlice())) {
                    throw new InvalidRequestException("Slice restrictions are not supported on the clustering "
                            + "columns in " + statement + " statements" + (statement.equals("UPDATE") ? ""
                            : " (except on the last restricted clustering column)"));
                }
                break;
            }
            out.add(eq);
        }
        for (ColumnMetadata c : table.clustering()) {
            if (where.byColumn.containsKey(c) && c.position() > out.size()
                    && !(statement.equals("DELETE") && c.position() == out.size())) {
                throw new InvalidRequestException("PRIMARY KEY column \"" + c.name() + "\" cannot be restricted as "
                        + "preceding column \"" + table.clustering().get(c.position() - 1).name()
                        + "\" is not restricted");
            }
        }
        return out;
    }

    private static void checkOnlyKeys(WhereClause where, TableMetadata table) {
        for (ColumnMetadata c : where.byColumn.keySet()) {
            if (!c.kind().isPrimaryKey()) {
                throw new InvalidRequestException("Non PRIMARY KEY columns found in where clause: " + c.name());
            }
        }
    }

    static ModificationStatement delete(CqlParser.DeleteContext c, TableMetadata table, Binds binds) {
        if (c.conditions() != null) {
            throw new InvalidRequestException(LWT_REFUSED);
        }
        Term[] using = using(c.usingClause(), table, binds, false);
        List<Operation> operations = new ArrayList<>();
        for (CqlParser.DeleteSelectionContext s : c.deleteSelection()) {
            operations.add(Assignments.deletion(s, table, binds));
        }
        WhereClause where = WhereClause.of(c.whereClause(), table, binds);
        List<Restriction> pk = keyRestrictions(where, table);
        checkOnlyKeys(where, table);
        List<Restriction> clustering = clusteringEqualities(where, table, "DELETE");
        List<Restriction> slice = clustering.size() < table.clustering().size()
                ? where.byColumn.getOrDefault(table.clustering().get(clustering.size()), List.of()) : List.of();
        BoundModification.Kind kind = deleteKind(table, operations, clustering, slice);
        return new ModificationStatement(table, ModificationStatement.Type.DELETE, kind, pk, clustering, slice, false,
                operations, using[0], null, null, false, binds.variables());
    }

    private static BoundModification.Kind deleteKind(TableMetadata table, List<Operation> operations,
                                                     List<Restriction> clustering, List<Restriction> slice) {
        boolean full = clustering.size() == table.clustering().size();
        if (!operations.isEmpty()) {
            boolean staticOnly = operations.stream().allMatch(o -> o.column().kind() == ColumnKind.STATIC);
            if (!slice.isEmpty() || (!full && !(staticOnly && clustering.isEmpty()))) {
                throw new InvalidRequestException(slice.isEmpty() ? "Some clustering keys are missing: "
                        + ModificationStatement.names(table.clustering().subList(clustering.size(),
                        table.clustering().size())) : "Range deletions are not supported for specific columns");
            }
            return BoundModification.Kind.WRITE;
        }
        if (full) {
            return BoundModification.Kind.DELETE_ROWS;
        }
        return clustering.isEmpty() && slice.isEmpty() ? BoundModification.Kind.DELETE_PARTITION
                : BoundModification.Kind.DELETE_SLICES;
    }
}
