package ringdb.cql.statements;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.types.CqlType;
import ringdb.core.schema.types.CqlTypes;
import ringdb.core.schema.types.ListType;
import ringdb.core.schema.types.MapType;
import ringdb.core.schema.types.SetType;
import ringdb.cql.grammar.CqlParser;

/**
 * A WHERE clause read against a table: the restrictions of each column (at most an equality or an
 * IN, or up to two slice bounds, or any number of {@code CONTAINS} / {@code CONTAINS KEY}) and a
 * {@code token(...)} range.
 */
final class WhereClause {
    final Map<ColumnMetadata, List<Restriction>> byColumn = new LinkedHashMap<>();
    final List<SelectStatement.TokenBoundTerm> tokenBounds = new ArrayList<>();

    static WhereClause of(CqlParser.WhereClauseContext where, TableMetadata table, Binds binds) {
        WhereClause out = new WhereClause();
        if (where != null) {
            for (CqlParser.RelationContext r : where.relation()) {
                out.add(r, table, binds);
            }
        }
        return out;
    }

    private void add(CqlParser.RelationContext relation, TableMetadata table, Binds binds) {
        if (relation instanceof CqlParser.GroupedRelationContext g) {
            add(g.relation(), table, binds);
        } else if (relation instanceof CqlParser.SimpleRelationContext s) {
            ColumnMetadata c = column(table, s.ident());
            Restriction.Operator op = operator(s.operator());
            ColumnSpec spec = spec(table, c);
            addRestriction(new Restriction(c, op, List.of(Literals.term(s.term(), spec, binds)), false));
        } else if (relation instanceof CqlParser.InRelationContext in) {
            ColumnMetadata c = column(table, in.ident());
            List<Term> terms = new ArrayList<>();
            ColumnSpec spec = spec(table, c);
            for (CqlParser.TermContext t : in.term()) {
                terms.add(Literals.term(t, spec, binds));
            }
            addRestriction(new Restriction(c, Restriction.Operator.IN, terms, false));
        } else if (relation instanceof CqlParser.InMarkerRelationContext in) {
            ColumnMetadata c = column(table, in.ident());
            ColumnSpec spec = new ColumnSpec(table.keyspace(), table.name(), "in(" + c.name() + ")",
                    CqlTypes.list(c.type(), false));
            addRestriction(new Restriction(c, Restriction.Operator.IN, List.of(binds.marker(in.bindMarker(), spec)),
                    true));
        } else if (relation instanceof CqlParser.TokenRelationContext t) {
            addToken(t, table, binds);
        } else if (relation instanceof CqlParser.ContainsRelationContext contains) {
            ColumnMetadata c = column(table, contains.ident());
            boolean key = contains.K_KEY() != null;
            addRestriction(new Restriction(c, key ? Restriction.Operator.CONTAINS_KEY : Restriction.Operator.CONTAINS,
                    List.of(Literals.term(contains.term(), containsSpec(table, c, key), binds)), false));
        } else {
            throw new InvalidRequestException("Multi-column relations are not supported");
        }
    }

    private void addToken(CqlParser.TokenRelationContext t, TableMetadata table, Binds binds) {
        List<String> names = t.ident().stream().map(Names::of).toList();
        List<String> expected = table.partitionKey().stream().map(ColumnMetadata::name).toList();
        if (!names.equals(expected)) {
            throw new InvalidRequestException("The token function arguments must be the partition key columns in "
                    + "order: token(" + String.join(", ", expected) + ")");
        }
        Restriction.Operator op = operator(t.operator());
        if (op == Restriction.Operator.NEQ) {
            throw new InvalidRequestException("Unsupported \"!=\" relation on token");
        }
        for (SelectStatement.TokenBoundTerm b : tokenBounds) {
            boolean lower = isLower(b.operator());
            if (op == Restriction.Operator.EQ || b.operator() == Restriction.Operator.EQ || lower == isLower(op)) {
                throw new InvalidRequestException("More than one restriction was found for the " + (lower ? "start"
                        : "end") + " bound on the partition key token");
            }
        }
        if (t.term() instanceof CqlParser.TokenTermContext f) {
            if (f.term().size() != expected.size()) {
                throw new InvalidRequestException("token() takes the " + expected.size() + " partition key "
                        + "value(s) of " + table.name() + ", got " + f.term().size());
            }
            List<Term> key = new ArrayList<>();
            for (int i = 0; i < expected.size(); i++) {
                key.add(Literals.term(f.term(i), spec(table, table.partitionKey().get(i)), binds));
            }
            tokenBounds.add(new SelectStatement.TokenBoundTerm(op, null, key));
            return;
        }
        ColumnSpec spec = new ColumnSpec(table.keyspace(), table.name(), "partition key token", CqlTypes.BIGINT);
        tokenBounds.add(new SelectStatement.TokenBoundTerm(op, Literals.term(t.term(), spec, binds), List.of()));
    }

    /**
     * What the value of {@code c CONTAINS v} (an element of a list or set, a value of a map) or of
     * {@code c CONTAINS KEY v} (a key of a map) is, named as Cassandra names it ({@code value(c)},
     * {@code key(c)}).
     */
    private static ColumnSpec containsSpec(TableMetadata table, ColumnMetadata c, boolean key) {
        CqlType part = null;
        if (c.type() instanceof MapType map) {
            part = key ? map.key() : map.value();
        } else if (c.type() instanceof ListType list && !key) {
            part = list.element();
        } else if (c.type() instanceof SetType set && !key) {
            part = set.element();
        }
        if (part == null) {
            throw new InvalidRequestException(key ? "Cannot use CONTAINS KEY on non-map column " + c.name()
                    : "Cannot use CONTAINS on non-collection column " + c.name());
        }
        return new ColumnSpec(table.keyspace(), table.name(), (key ? "key(" : "value(") + c.name() + ")", part);
    }

    private void addRestriction(Restriction r) {
        List<Restriction> existing = byColumn.computeIfAbsent(r.column(), c -> new ArrayList<>());
        if (r.operator().isContains() || existing.stream().anyMatch(e -> e.operator().isContains())) {
            // each CONTAINS is a filter of its own: c CONTAINS 1 AND c CONTAINS 2 asks for both
            existing.add(r);
            return;
        }
        for (Restriction e : existing) {
            if (!e.operator().isSlice() || !r.operator().isSlice()) {
                throw new InvalidRequestException(r.column().name() + " cannot be restricted by more than one "
                        + "relation if it includes an Equal or IN");
            }
            boolean lower = isLower(e.operator());
            if (lower == isLower(r.operator())) {
                throw new InvalidRequestException("More than one restriction was found for the " + (lower ? "start"
                        : "end") + " bound on " + r.column().name());
            }
        }
        existing.add(r);
    }

    static boolean isLower(Restriction.Operator op) {
        return op == Restriction.Operator.GT || op == Restriction.Operator.GTE;
    }

    static ColumnMetadata column(TableMetadata table, CqlParser.IdentContext ident) {
        String name = Names.of(ident);
        ColumnMetadata c = table.column(name);
        if (c == null) {
            throw new InvalidRequestException("Undefined column name " + name + " in table " + table.keyspace() + "."
                    + table.name());
        }
        return c;
    }

    static ColumnSpec spec(TableMetadata table, ColumnMetadata c) {
        return new ColumnSpec(table.keyspace(), table.name(), c.name(), c.type());
    }

    private static Restriction.Operator operator(CqlParser.OperatorContext op) {
        return switch (op.getText()) {
            case "=" -> Restriction.Operator.EQ;
            case "<" -> Restriction.Operator.LT;
            case "<=" -> Restriction.Operator.LTE;
            case ">" -> Restriction.Operator.GT;
            case ">=" -> Restriction.Operator.GTE;
            default -> Restriction.Operator.NEQ;
        };
    }

    /** The equality or IN restriction of {@code c}, or null. */
    Restriction equality(ColumnMetadata c) {
        List<Restriction> rs = byColumn.get(c);
        if (rs == null || rs.size() != 1) {
            return null;
        }
        Restriction r = rs.get(0);
        return r.operator() == Restriction.Operator.EQ || r.operator() == Restriction.Operator.IN ? r : null;
    }
}
