package ringdb.cql.statements;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.types.CollectionType;
import ringdb.core.schema.types.CqlType;
import ringdb.core.schema.types.CqlTypes;
import ringdb.core.schema.types.ListType;
import ringdb.core.schema.types.MapType;
import ringdb.core.schema.types.SetType;
import ringdb.cql.grammar.CqlParser;

/**
 * Terms of the syntax tree turned into values of the type that receives them, with Cassandra's
 * rules on which literal fits which type ({@code Invalid STRING constant (x) for "age" of type int}).
 */
final class Literals {
    private static final Set<CqlType> STRING_TYPES = Set.of(CqlTypes.ASCII, CqlTypes.TEXT, CqlTypes.TIMESTAMP,
            CqlTypes.DATE, CqlTypes.TIME, CqlTypes.INET);
    private static final Set<CqlType> INTEGER_TYPES = Set.of(CqlTypes.TINYINT, CqlTypes.SMALLINT, CqlTypes.INT,
            CqlTypes.BIGINT, CqlTypes.VARINT, CqlTypes.DECIMAL, CqlTypes.FLOAT, CqlTypes.DOUBLE,
            CqlTypes.TIMESTAMP, CqlTypes.TIME);
    private static final Set<CqlType> FLOAT_TYPES = Set.of(CqlTypes.DECIMAL, CqlTypes.FLOAT, CqlTypes.DOUBLE);

    private Literals() {
    }

    /** The term for {@code receiver} (the column or what the value stands for and its type). */
    static Term term(CqlParser.TermContext term, ColumnSpec receiver, Binds binds) {
        if (term instanceof CqlParser.ConstantTermContext c) {
            return new Term.Constant(constant(c.constant(), receiver));
        }
        if (term instanceof CqlParser.NullTermContext) {
            return new Term.Constant(null);
        }
        if (term instanceof CqlParser.MarkerTermContext m) {
            return binds.marker(m.bindMarker(), receiver);
        }
        if (term instanceof CqlParser.ListTermContext l) {
            return list(l.term(), receiver, binds);
        }
        if (term instanceof CqlParser.SetTermContext s) {
            return set(s.term(), receiver, binds);
        }
        if (term instanceof CqlParser.MapTermContext m) {
            return map(m.term(), receiver, binds);
        }
        if (term instanceof CqlParser.FunctionTermContext f) {
            throw new InvalidRequestException("Unknown function " + Names.of(f.ident()) + " called (functions in "
                    + "values are not supported)");
        }
        if (term instanceof CqlParser.TokenTermContext) {
            throw new InvalidRequestException("token() of values is only allowed as the bound of a token(...) "
                    + "restriction");
        }
        if (term instanceof CqlParser.TupleTermContext) {
            throw new InvalidRequestException("tuples are not supported (value for \"" + receiver.name() + "\")");
        }
        throw new InvalidRequestException("type casts are not supported (value for \"" + receiver.name() + "\")");
    }

    /** Strips the quotes of a string literal: {@code 'it''s'} is {@code it's}, {@code $$x$$} is {@code x}. */
    static String unquote(String literal) {
        if (literal.startsWith("$$")) {
            return literal.substring(2, literal.length() - 2);
        }
        return literal.substring(1, literal.length() - 1).replace("''", "'");
    }

    static byte[] constant(CqlParser.ConstantContext c, ColumnSpec receiver) {
        CqlType type = receiver.type();
        String kind;
        String text;
        if (c.STRING() != null) {
            kind = "STRING";
            text = unquote(c.getText());
            check(STRING_TYPES.contains(type), kind, text, receiver);
        } else if (c.INTEGER() != null) {
            kind = "INTEGER";
            text = c.getText();
            check(INTEGER_TYPES.contains(type), kind, text, receiver);
        } else if (c.FLOAT() != null || c.K_NAN() != null || c.K_INFINITY() != null) {
            kind = "FLOAT";
            text = floatText(c);
            check(FLOAT_TYPES.contains(type) && !(type.equals(CqlTypes.DECIMAL) && c.FLOAT() == null), kind, text,
                    receiver);
        } else if (c.UUID() != null) {
            kind = "UUID";
            text = c.getText();
            check(type.equals(CqlTypes.UUID) || type.equals(CqlTypes.TIMEUUID), kind, text, receiver);
        } else if (c.HEXNUMBER() != null) {
            kind = "HEX";
            text = c.getText();
            check(type.equals(CqlTypes.BLOB), kind, text, receiver);
        } else {
            kind = "BOOLEAN";
            text = c.getText().toLowerCase(Locale.ROOT);
            check(type.equals(CqlTypes.BOOLEAN), kind, text, receiver);
        }
        try {
            byte[] bytes = type.equals(CqlTypes.FLOAT) ? floatValue(text) : type.fromString(text);
            type.validate(bytes);
            return bytes;
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("Invalid " + kind + " constant (" + text + ") for \"" + receiver.name()
                    + "\" of type " + type.cqlName() + ": " + e.getMessage());
        }
    }

    /**
     * A float literal read as a float, as Cassandra reads it: the text of the largest floats
     * ({@code 3.4028235E38}) is slightly above Float.MAX_VALUE as a double, yet is that float.
     */
    private static byte[] floatValue(String text) {
        float f = Float.parseFloat(text);
        if (Float.isInfinite(f) && !text.endsWith("Infinity")) {
            throw new IllegalArgumentException(text + " is out of range for float");
        }
        return CqlTypes.FLOAT.fromJava(f);
    }

    private static String floatText(CqlParser.ConstantContext c) {
        boolean negative = c.getText().startsWith("-");
        if (c.K_NAN() != null) {
            return "NaN";
        }
        if (c.K_INFINITY() != null) {
            return negative ? "-Infinity" : "Infinity";
        }
        return c.getText();
    }

    private static void check(boolean fits, String kind, String text, ColumnSpec receiver) {
        if (!fits) {
            throw new InvalidRequestException("Invalid " + kind + " constant (" + text + ") for \"" + receiver.name()
                    + "\" of type " + receiver.type().cqlName());
        }
    }

    private static Term list(List<CqlParser.TermContext> elements, ColumnSpec receiver, Binds binds) {
        if (!(receiver.type() instanceof ListType list)) {
            throw new InvalidRequestException("Invalid list literal for " + receiver.name() + " of type "
                    + receiver.type().cqlName());
        }
        ColumnSpec element = elementSpec(receiver, "value", list.element());
        List<Term> terms = new ArrayList<>();
        for (CqlParser.TermContext e : elements) {
            terms.add(term(e, element, binds));
        }
        return collection(list, receiver, terms, terms.size());
    }

    private static Term set(List<CqlParser.TermContext> elements, ColumnSpec receiver, Binds binds) {
        if (receiver.type() instanceof MapType map && elements.isEmpty()) {
            return collection(map, receiver, List.of(), 0);
        }
        if (!(receiver.type() instanceof SetType set)) {
            throw new InvalidRequestException("Invalid set literal for " + receiver.name() + " of type "
                    + receiver.type().cqlName());
        }
        ColumnSpec element = elementSpec(receiver, "value", set.element());
        List<Term> terms = new ArrayList<>();
        for (CqlParser.TermContext e : elements) {
            terms.add(term(e, element, binds));
        }
        return collection(set, receiver, terms, terms.size());
    }

    private static Term map(List<CqlParser.TermContext> entries, ColumnSpec receiver, Binds binds) {
        if (!(receiver.type() instanceof MapType map)) {
            throw new InvalidRequestException("Invalid map literal for " + receiver.name() + " of type "
                    + receiver.type().cqlName());
        }
        ColumnSpec key = elementSpec(receiver, "key", map.key());
        ColumnSpec value = elementSpec(receiver, "value", map.value());
        List<Term> terms = new ArrayList<>();
        for (int i = 0; i < entries.size(); i += 2) {
            terms.add(term(entries.get(i), key, binds));
            terms.add(term(entries.get(i + 1), value, binds));
        }
        return collection(map, receiver, terms, terms.size() / 2);
    }

    static ColumnSpec elementSpec(ColumnSpec receiver, String role, CqlType type) {
        return new ColumnSpec(receiver.keyspace(), receiver.table(), role + "(" + receiver.name() + ")", type);
    }

    /** A collection term; folded into one constant when every element is a literal. */
    private static Term collection(CollectionType type, ColumnSpec receiver, List<Term> elements, int count) {
        Term.Collection c = new Term.Collection(type, receiver.name(), elements, count);
        if (elements.stream().allMatch(e -> e instanceof Term.Constant)) {
            return new Term.Constant(c.bind(BindValues.NONE).bytes());
        }
        return c;
    }
}
