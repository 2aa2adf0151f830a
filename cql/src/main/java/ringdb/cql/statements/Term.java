package ringdb.cql.statements;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.types.CollectionType;

/**
 * A value of a statement, known when it is prepared (a literal) or when it is executed (a bind
 * marker, or a collection literal holding bind markers). Immutable.
 */
public sealed interface Term permits Term.Constant, Term.Marker, Term.Collection {

    /** The serialized value of this term given the statement's bind values. */
    Value bind(BindValues values);

    /** A bound value: serialized bytes, null for NULL, or unset (leave the column as it is). */
    record Value(byte[] bytes, boolean unset) {
        public static final Value NULL = new Value(null, false);
        public static final Value UNSET = new Value(null, true);

        public static Value of(byte[] bytes) {
            return new Value(bytes, false);
        }

        public boolean isNull() {
            return bytes == null && !unset;
        }
    }

    /** A literal, already serialized and validated (null bytes: NULL). */
    record Constant(byte[] bytes) implements Term {
        @Override
        public Value bind(BindValues values) {
            return bytes == null ? Value.NULL : Value.of(bytes);
        }
    }

    /** Bind marker number {@code index} of the statement, for {@code spec}. */
    record Marker(int index, ColumnSpec spec) implements Term {
        @Override
        public Value bind(BindValues values) {
            if (values.isUnset(index)) {
                return Value.UNSET;
            }
            byte[] bytes = values.get(index);
            if (bytes == null) {
                return Value.NULL;
            }
            spec.type().validate(spec.name(), bytes);
            return Value.of(spec.type().normalize(bytes));
        }
    }

    /**
     * A collection literal with bind markers among its elements: for a map, keys and values
     * alternate in {@code elements}.
     */
    record Collection(CollectionType type, String column, List<Term> elements, int count) implements Term {
        public Collection {
            elements = List.copyOf(elements);
        }

        @Override
        public Value bind(BindValues values) {
            List<byte[]> bytes = new ArrayList<>();
            for (Term element : elements) {
                Value v = element.bind(values);
                if (v.unset() || v.bytes() == null) {
                    throw new InvalidRequestException("column '" + column + "' is " + type.cqlName()
                            + ": null and unset are not allowed inside a collection");
                }
                bytes.add(v.bytes());
            }
            return Value.of(type.normalize(serialize(bytes, count)));
        }
    }

    /** The native protocol form of a collection: [int n] then each element as [int length][bytes]. */
    static byte[] serialize(List<byte[]> elements, int count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(4).putInt(count).array());
        for (byte[] e : elements) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(e.length).array());
            out.writeBytes(e);
        }
        return out.toByteArray();
    }
}
