package ringdb.cql.statements;

import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.types.CqlType;
import ringdb.core.schema.types.CqlTypes;
import ringdb.core.schema.types.ListType;
import ringdb.core.schema.types.MapType;
import ringdb.core.schema.types.SetType;
import ringdb.cql.grammar.CqlParser;

/** UPDATE's SET assignments and DELETE's selections as {@link Operation}s. */
final class Assignments {
    private Assignments() {
    }

    static Operation of(CqlParser.AssignmentContext a, TableMetadata table, Binds binds) {
        if (a instanceof CqlParser.AssignValueContext v) {
            ColumnMetadata c = settable(table, v.ident());
            return new Operation(c, Operation.Kind.SET, null, Literals.term(v.term(), WhereClause.spec(table, c),
                    binds));
        }
        if (a instanceof CqlParser.AssignAppendContext v) {
            ColumnMetadata c = settable(table, v.ident(0));
            ColumnMetadata same = WhereClause.column(table, v.ident(1));
            if (!same.equals(c)) {
                throw new InvalidRequestException("Only expressions of the form X = X " + v.op.getText()
                        + " <value> are supported.");
            }
            return addOrRemove(c, v.op.getText().equals("+"), v.term(), table, binds, a.getText());
        }
        if (a instanceof CqlParser.AssignShorthandContext v) {
            ColumnMetadata c = settable(table, v.ident());
            return addOrRemove(c, v.op.getText().equals("+="), v.term(), table, binds, a.getText());
        }
        if (a instanceof CqlParser.AssignPrependContext v) {
            ColumnMetadata c = settable(table, v.ident(0));
            ColumnMetadata same = WhereClause.column(table, v.ident(1));
            if (!same.equals(c) || !(c.type() instanceof ListType) || !c.type().isMultiCell()) {
                throw new InvalidRequestException("Invalid operation (" + a.getText() + ") for non list column "
                        + c.name());
            }
            return new Operation(c, Operation.Kind.LIST_PREPEND, null, Literals.term(v.term(),
                    WhereClause.spec(table, c), binds));
        }
        CqlParser.AssignElementContext v = (CqlParser.AssignElementContext) a;
        ColumnMetadata c = settable(table, v.ident());
        Term[] keyValue = element(c, v.term(0), table, binds, a.getText());
        Term value = Literals.term(v.term(1), elementValueSpec(table, c), binds);
        return new Operation(c, c.type() instanceof ListType ? Operation.Kind.LIST_SET_INDEX : Operation.Kind.MAP_PUT,
                keyValue[0], value);
    }

    private static ColumnMetadata settable(TableMetadata table, CqlParser.IdentContext ident) {
        ColumnMetadata c = WhereClause.column(table, ident);
        if (c.kind().isPrimaryKey()) {
            throw new InvalidRequestException("PRIMARY KEY part " + c.name() + " found in SET part");
        }
        return c;
    }

    private static Operation addOrRemove(ColumnMetadata c, boolean add, CqlParser.TermContext term,
                                         TableMetadata table, Binds binds, String text) {
        CqlType type = c.type();
        if (!type.isCollection()) {
            throw new InvalidRequestException("Invalid operation (" + text + ") for non counter column " + c.name()
                    + " (counters are not supported)");
        }
        if (!type.isMultiCell()) {
            throw new InvalidRequestException("Invalid operation (" + text + ") for frozen collection column "
                    + c.name());
        }
        ColumnSpec spec = WhereClause.spec(table, c);
        if (type instanceof MapType map) {
            if (add) {
                return new Operation(c, Operation.Kind.MAP_PUT_ALL, null, Literals.term(term, spec, binds));
            }
            ColumnSpec keys = new ColumnSpec(table.keyspace(), table.name(), c.name(), CqlTypes.set(map.key(), false));
            return new Operation(c, Operation.Kind.MAP_REMOVE_KEYS, null, Literals.term(term, keys, binds));
        }
        Operation.Kind kind = type instanceof SetType ? (add ? Operation.Kind.SET_ADD : Operation.Kind.SET_REMOVE)
                : (add ? Operation.Kind.LIST_APPEND : Operation.Kind.LIST_REMOVE_VALUES);
        return new Operation(c, kind, null, Literals.term(term, spec, binds));
    }

    /** The element selector {@code c[x]}: [0] the index or key term. */
    private static Term[] element(ColumnMetadata c, CqlParser.TermContext key, TableMetadata table, Binds binds,
                                  String text) {
        if (!c.type().isMultiCell() || c.type() instanceof SetType) {
            throw new InvalidRequestException("Invalid operation (" + text + ") for " + (c.type().isMultiCell()
                    ? "set" : "non collection or frozen") + " column " + c.name() + ": elements are addressed "
                    + "in non-frozen lists and maps only");
        }
        if (c.type() instanceof ListType) {
            ColumnSpec spec = new ColumnSpec(table.keyspace(), table.name(), "idx(" + c.name() + ")", CqlTypes.INT);
            return new Term[] {Literals.term(key, spec, binds)};
        }
        MapType map = (MapType) c.type();
        ColumnSpec spec = new ColumnSpec(table.keyspace(), table.name(), "key(" + c.name() + ")", map.key());
        return new Term[] {Literals.term(key, spec, binds)};
    }

    private static ColumnSpec elementValueSpec(TableMetadata table, ColumnMetadata c) {
        CqlType type = c.type() instanceof ListType l ? l.element() : ((MapType) c.type()).value();
        return new ColumnSpec(table.keyspace(), table.name(), "value(" + c.name() + ")", type);
    }

    static Operation deletion(CqlParser.DeleteSelectionContext s, TableMetadata table, Binds binds) {
        ColumnMetadata c = WhereClause.column(table, s.ident());
        if (c.kind().isPrimaryKey()) {
            throw new InvalidRequestException("Invalid identifier " + c.name() + " for deletion (should not be a "
                    + "PRIMARY KEY part)");
        }
        if (s.term() == null) {
            return new Operation(c, Operation.Kind.DELETE, null, null);
        }
        if (c.type().isMultiCell() && c.type() instanceof SetType set) {
            ColumnSpec spec = new ColumnSpec(table.keyspace(), table.name(), "value(" + c.name() + ")", set.element());
            Term element = Literals.term(s.term(), spec, binds);
            ColumnSpec whole = WhereClause.spec(table, c);
            return new Operation(c, Operation.Kind.SET_REMOVE, null, new Term.Collection((SetType) whole.type(),
                    c.name(), java.util.List.of(element), 1));
        }
        Term key = element(c, s.term(), table, binds, s.getText())[0];
        return new Operation(c, c.type() instanceof ListType ? Operation.Kind.LIST_DELETE_INDEX
                : Operation.Kind.MAP_DELETE_KEY, key, null);
    }
}
