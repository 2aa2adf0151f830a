package ringdb.cql.statements;

import java.util.ArrayList;
import java.util.List;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.ColumnKind;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.types.CqlTypes;
import ringdb.cql.grammar.CqlParser;

/** A SELECT's selectors: {@code *}, columns, writetime(), ttl(), COUNT(*), with aliases. */
final class Selection {
    private Selection() {
    }

    static List<Selector> of(CqlParser.SelectionContext selection, TableMetadata table, boolean distinct) {
        List<Selector> out = new ArrayList<>();
        if (selection.selector().isEmpty()) {
            for (ColumnMetadata c : wildcard(table, distinct)) {
                out.add(new Selector(Selector.Kind.COLUMN, c, WhereClause.spec(table, c)));
            }
            return out;
        }
        for (CqlParser.SelectorContext s : selection.selector()) {
            Selector selector = selector(s.unaliasedSelector(), table);
            if (s.ident() != null) {
                ColumnSpec spec = selector.spec();
                selector = new Selector(selector.kind(), selector.column(), new ColumnSpec(spec.keyspace(),
                        spec.table(), Names.of(s.ident()), spec.type()));
            }
            out.add(selector);
        }
        if (distinct) {
            checkDistinct(out, table);
        }
        return out;
    }

    /** The columns of {@code SELECT *}: partition key, clustering, static then regular columns by name. */
    static List<ColumnMetadata> wildcard(TableMetadata table, boolean distinct) {
        List<ColumnMetadata> out = new ArrayList<>(table.partitionKey());
        if (!distinct) {
            out.addAll(table.clustering());
        }
        table.columns().stream().filter(c -> c.kind() == ColumnKind.STATIC).forEach(out::add);
        if (!distinct) {
            table.columns().stream().filter(c -> c.kind() == ColumnKind.REGULAR).forEach(out::add);
        }
        return out;
    }

    private static Selector selector(CqlParser.UnaliasedSelectorContext s, TableMetadata table) {
        if (s instanceof CqlParser.ColumnSelectorContext c) {
            ColumnMetadata column = WhereClause.column(table, c.ident());
            return new Selector(Selector.Kind.COLUMN, column, WhereClause.spec(table, column));
        }
        if (s instanceof CqlParser.CountSelectorContext c) {
            if (c.INTEGER() != null && !c.INTEGER().getText().equals("1")) {
                throw new InvalidRequestException("Only COUNT(1) is supported, got COUNT(" + c.INTEGER().getText()
                        + ")");
            }
            return new Selector(Selector.Kind.COUNT, null, new ColumnSpec(table.keyspace(), table.name(), "count",
                    CqlTypes.BIGINT));
        }
        if (s instanceof CqlParser.WritetimeSelectorContext w) {
            return timeSelector(Selector.Kind.WRITETIME, "writetime", w.ident(), table);
        }
        if (s instanceof CqlParser.TtlSelectorContext t) {
            return timeSelector(Selector.Kind.TTL, "ttl", t.ident(), table);
        }
        if (s instanceof CqlParser.TokenSelectorContext) {
            throw new InvalidRequestException("token() is not supported in the select clause");
        }
        CqlParser.FunctionSelectorContext f = (CqlParser.FunctionSelectorContext) s;
        throw new InvalidRequestException("Unknown function '" + Names.of(f.ident()) + "'");
    }

    private static Selector timeSelector(Selector.Kind kind, String function, CqlParser.IdentContext ident,
                                         TableMetadata table) {
        ColumnMetadata c = WhereClause.column(table, ident);
        String name = kind == Selector.Kind.WRITETIME ? "writeTime" : "ttl";
        if (c.kind().isPrimaryKey()) {
            throw new InvalidRequestException("Cannot use selection function " + name + " on PRIMARY KEY part "
                    + c.name());
        }
        if (c.type().isMultiCell()) {
            throw new InvalidRequestException("Cannot use selection function " + name + " on non-frozen collection "
                    + c.name());
        }
        return new Selector(kind, c, new ColumnSpec(table.keyspace(), table.name(), function + "(" + c.name() + ")",
                kind == Selector.Kind.WRITETIME ? CqlTypes.BIGINT : CqlTypes.INT));
    }

    private static void checkDistinct(List<Selector> selectors, TableMetadata table) {
        for (Selector s : selectors) {
            if (s.kind() == Selector.Kind.COLUMN && s.column().kind() != ColumnKind.PARTITION_KEY
                    && s.column().kind() != ColumnKind.STATIC) {
                throw new InvalidRequestException("SELECT DISTINCT queries must only request partition key columns "
                        + "and/or static columns (not " + s.column().name() + ")");
            }
        }
        for (ColumnMetadata k : table.partitionKey()) {
            boolean selected = selectors.stream().anyMatch(s -> k.equals(s.column()));
            boolean counting = selectors.stream().anyMatch(s -> s.kind() == Selector.Kind.COUNT);
            if (!selected && !counting) {
                throw new InvalidRequestException("SELECT DISTINCT queries must request all the partition key "
                        + "columns (missing " + k.name() + ")");
            }
        }
    }
}
