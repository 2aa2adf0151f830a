package ringdb.core.schema.types;

/**
 * float (4 bytes) and double (8 bytes), IEEE 754 big-endian. Ordered as {@link Double#compare}:
 * -Infinity &lt; ... &lt; -0.0 &lt; 0.0 &lt; ... &lt; Infinity &lt; NaN, all NaNs equal (as Cassandra,
 * which compares the composed Java values). The ordered encoding canonicalises NaN, then flips
 * the sign bit of a positive number and every bit of a negative one.
 */
final class FloatingType extends CqlType {
    private final boolean isDouble;

    FloatingType(boolean isDouble) {
        this.isDouble = isDouble;
    }

    @Override
    public String cqlName() {
        return isDouble ? "double" : "float";
    }

    private int width() {
        return isDouble ? 8 : 4;
    }

    @Override
    public void validate(byte[] value) {
        checkLength(value, width());
    }

    private long bits(byte[] value) {
        long v = 0;
        for (byte b : value) {
            v = (v << 8) | (b & 0xFF);
        }
        return v;
    }

    private double number(byte[] value) {
        long v = bits(value);
        return isDouble ? Double.longBitsToDouble(v) : Float.intBitsToFloat((int) v);
    }

    private byte[] serialize(double d) {
        long v = isDouble ? Double.doubleToRawLongBits(d) : Float.floatToRawIntBits((float) d) & 0xFFFFFFFFL;
        byte[] out = new byte[width()];
        for (int i = out.length - 1; i >= 0; i--) {
            out[i] = (byte) v;
            v >>>= 8;
        }
        return out;
    }

    @Override
    public int compare(byte[] left, byte[] right) {
        return isDouble ? Double.compare(number(left), number(right))
                : Float.compare((float) number(left), (float) number(right));
    }

    @Override
    public Object toJava(byte[] value) {
        return isDouble ? (Object) number(value) : (Object) (float) number(value);
    }

    @Override
    public byte[] fromJava(Object value) {
        if (value instanceof Float || value instanceof Double || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte || value instanceof java.math.BigDecimal
                || value instanceof java.math.BigInteger) {
            double d = ((Number) value).doubleValue();
            if (!isDouble && !Double.isNaN(d) && !Double.isInfinite(d) && Math.abs(d) > Float.MAX_VALUE) {
                throw new InvalidValueException(value + " is out of range for float");
            }
            return serialize(d);
        }
        throw wrongJava(value, "a number");
    }

    @Override
    public Object toJson(byte[] value) {
        double d = number(value);
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return toString(value);
        }
        return isDouble ? d : (Object) Double.valueOf(Float.toString((float) d));
    }

    @Override
    public byte[] fromJson(Object json) {
        return json instanceof String s ? fromString(s) : fromJava(json);
    }

    @Override
    public byte[] fromString(String text) {
        try {
            return fromJava(Double.parseDouble(text.trim()));
        } catch (NumberFormatException e) {
            throw new InvalidValueException("'" + text + "' is not a " + cqlName());
        }
    }

    @Override
    public String toString(byte[] value) {
        return isDouble ? Double.toString(number(value)) : Float.toString((float) number(value));
    }

    @Override
    public void encodeOrdered(byte[] value, OrderedWriter out) {
        double d = number(value);
        long v;
        long sign;
        if (isDouble) {
            v = Double.doubleToLongBits(d);
            sign = Long.MIN_VALUE;
        } else {
            v = Float.floatToIntBits((float) d) & 0xFFFFFFFFL;
            sign = 1L << 31;
        }
        long mask = isDouble ? -1L : 0xFFFFFFFFL;
        v = (v & sign) != 0 ? ~v & mask : v ^ sign;
        out.writeFixed(v, width());
    }

    @Override
    public byte[] decodeOrdered(OrderedReader in) {
        long sign = isDouble ? Long.MIN_VALUE : 1L << 31;
        long mask = isDouble ? -1L : 0xFFFFFFFFL;
        long v = in.readFixed(width());
        v = (v & sign) != 0 ? v ^ sign : ~v & mask;
        double d = isDouble ? Double.longBitsToDouble(v) : Float.intBitsToFloat((int) v);
        return serialize(d);
    }
}
