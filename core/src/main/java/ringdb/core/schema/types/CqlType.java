package ringdb.core.schema.types;

import ringdb.core.data.InvalidRequestException;

/**
 * A CQL data type. Values travel and are stored in their CQL native protocol serialization (v4,
 * section 6); a type validates such bytes, compares them in Cassandra's order, converts them to
 * and from Java and JSON values, and writes them in an order-preserving encoding for keys.
 *
 * <p>Instances are immutable and stateless; equal types are {@link #equals equal}. Every method
 * that takes a serialized value expects one that passed {@link #validate(byte[])}, except
 * {@code validate} itself.
 */
public abstract class CqlType {

    /** The type as CQL writes it: {@code int}, {@code frozen<list<text>>}, {@code map<text, int>}. */
    public abstract String cqlName();

    /** Throws {@link InvalidValueException} saying what is wrong with {@code value}. */
    public abstract void validate(byte[] value);

    /**
     * Validates the value of column {@code column}; the error names the column and this type:
     * "column 'age' is int: expected 4 bytes, got 3".
     */
    public final void validate(String column, byte[] value) {
        if (value == null) {
            throw new InvalidRequestException("column '" + column + "' is " + cqlName() + ": value is missing");
        }
        try {
            validate(value);
        } catch (InvalidValueException e) {
            throw new InvalidRequestException("column '" + column + "' is " + cqlName() + ": " + e.getMessage());
        }
    }

    /** Cassandra's order of two valid serialized values of this type. */
    public abstract int compare(byte[] left, byte[] right);

    /** The Java value (String, Integer, BigDecimal, UUID, java.time..., List, Set, Map; see docs). */
    public abstract Object toJava(byte[] value);

    /**
     * Serializes a Java value; throws {@link InvalidValueException} when it has the wrong Java type
     * or does not fit (a Long too large for an int).
     */
    public abstract byte[] fromJava(Object value);

    /**
     * A value JSON can hold, as a JSON library reads and writes it: String, Boolean, a Number
     * (Long, BigInteger, BigDecimal, Double), List, Map with String keys.
     */
    public abstract Object toJson(byte[] value);

    /** Reads a value in the shape {@link #toJson} produces; strings are also accepted for any type. */
    public abstract byte[] fromJson(Object json);

    /** Parses the text form {@link #toString(byte[])} writes (used for JSON strings and map keys). */
    public abstract byte[] fromString(String text);

    /** A readable text form: the number, the string, the uuid, 0x-hex for blobs. */
    public abstract String toString(byte[] value);

    /**
     * Writes {@code value} in the ascending order-preserving encoding: for valid values a and b,
     * {@code compare(a, b)} has the sign of the unsigned lexicographic comparison of the two
     * encodings, and no encoding is a proper prefix of another.
     */
    public abstract void encodeOrdered(byte[] value, OrderedWriter out);

    /** Reads back what {@link #encodeOrdered} wrote (a value equal in this type's order). */
    public abstract byte[] decodeOrdered(OrderedReader in);

    /**
     * The canonical form of a valid value: a set's elements and a map's entries sorted by this
     * type's order without duplicates (drivers send them in any order); other values unchanged.
     * The write path stores normalised values; {@link #compare} expects them.
     */
    public byte[] normalize(byte[] value) {
        return value;
    }

    /** A non-frozen collection: its elements are separate cells. */
    public boolean isMultiCell() {
        return false;
    }

    public boolean isCollection() {
        return false;
    }

    /** Whether values can be keys (partition or clustering components): not a non-frozen collection. */
    public boolean canBeKey() {
        return !isMultiCell();
    }

    /** The frozen form of this type (itself for a scalar or an already frozen collection). */
    public CqlType freeze() {
        return this;
    }

    /** Encodes in ascending ({@code descending == false}) or descending order. */
    public final void encodeOrdered(byte[] value, OrderedWriter out, boolean descending) {
        int mark = out.length();
        encodeOrdered(value, out);
        if (descending) {
            out.invertFrom(mark);
        }
    }

    /** Decodes what {@link #encodeOrdered(byte[], OrderedWriter, boolean)} wrote. */
    public final byte[] decodeOrdered(OrderedReader in, boolean descending) {
        in.inverted(descending);
        try {
            return decodeOrdered(in);
        } finally {
            in.inverted(false);
        }
    }

    /** The ascending encoding of one value alone. */
    public final byte[] encodeOrdered(byte[] value) {
        OrderedWriter out = new OrderedWriter(value.length + 8);
        encodeOrdered(value, out);
        return out.toByteArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CqlType t && t.cqlName().equals(cqlName());
    }

    @Override
    public int hashCode() {
        return cqlName().hashCode();
    }

    @Override
    public String toString() {
        return cqlName();
    }

    /** Throws unless {@code value} is {@code expected} bytes long. */
    static void checkLength(byte[] value, int expected) {
        if (value.length != expected) {
            throw new InvalidValueException("expected " + expected + " bytes, got " + value.length);
        }
    }

    static InvalidValueException wrongJava(Object value, String expected) {
        String got = value == null ? "null" : value.getClass().getSimpleName() + " " + value;
        return new InvalidValueException("expected " + expected + ", got " + got);
    }
}
