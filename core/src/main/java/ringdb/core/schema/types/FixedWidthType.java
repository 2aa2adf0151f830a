package ringdb.core.schema.types;

/**
 * A type whose values are a fixed number of big-endian bytes, ordered as a signed or unsigned
 * integer (tinyint, smallint, int, bigint, timestamp, time: signed; date: unsigned). The ordered
 * encoding is the value with its sign bit flipped when signed, so unsigned byte order is numeric
 * order.
 */
abstract class FixedWidthType extends CqlType {
    private final String name;
    private final int width;
    private final boolean signed;

    FixedWidthType(String name, int width, boolean signed) {
        this.name = name;
        this.width = width;
        this.signed = signed;
    }

    @Override
    public final String cqlName() {
        return name;
    }

    @Override
    public void validate(byte[] value) {
        checkLength(value, width);
    }

    /** The value as a long: sign-extended when signed, zero-extended otherwise. */
    final long read(byte[] value) {
        long v = 0;
        for (byte b : value) {
            v = (v << 8) | (b & 0xFF);
        }
        if (signed && width < 8) {
            int shift = 64 - 8 * width;
            v = (v << shift) >> shift;
        }
        return v;
    }

    final byte[] write(long v) {
        byte[] out = new byte[width];
        for (int i = width - 1; i >= 0; i--) {
            out[i] = (byte) v;
            v >>>= 8;
        }
        return out;
    }

    /** Serializes {@code v}, refusing what does not fit the width. */
    final byte[] writeChecked(long v) {
        if (width < 8) {
            long min = signed ? -(1L << (8 * width - 1)) : 0;
            long max = signed ? (1L << (8 * width - 1)) - 1 : (1L << (8 * width)) - 1;
            if (v < min || v > max) {
                throw new InvalidValueException(v + " is out of range for " + name + " [" + min + ", " + max + "]");
            }
        }
        return write(v);
    }

    @Override
    public final int compare(byte[] left, byte[] right) {
        return signed ? Long.compare(read(left), read(right)) : Long.compareUnsigned(read(left), read(right));
    }

    @Override
    public final void encodeOrdered(byte[] value, OrderedWriter out) {
        long v = read(value);
        if (signed) {
            v ^= 1L << (8 * width - 1);
        }
        out.writeFixed(v, width);
    }

    @Override
    public final byte[] decodeOrdered(OrderedReader in) {
        long v = in.readFixed(width);
        if (signed) {
            v ^= 1L << (8 * width - 1);
        }
        return write(v);
    }

    @Override
    public byte[] fromJson(Object json) {
        if (json instanceof String s) {
            return fromString(s);
        }
        return fromJava(json);
    }

    /** An integral Java number as a long; refuses fractions and other types. */
    static long integral(Object value, String expected) {
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof java.math.BigInteger b && b.bitLength() < 64) {
            return b.longValue();
        }
        if (value instanceof java.math.BigDecimal d) {
            try {
                return d.longValueExact();
            } catch (ArithmeticException e) {
                throw new InvalidValueException(d + " is not an integer within 64 bits");
            }
        }
        throw wrongJava(value, expected);
    }

    static long parseLong(String text, String type) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidValueException("'" + text + "' is not a valid " + type);
        }
    }
}
