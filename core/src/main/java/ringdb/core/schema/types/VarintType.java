package ringdb.core.schema.types;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * varint: an arbitrary-precision integer, two's complement big-endian (at least one byte).
 * Ordered numerically. Ordered encoding: 0x01 for zero; 0x02, the magnitude's length (4 bytes)
 * and the magnitude for a positive number; 0x00 and the inverted length and magnitude for a
 * negative one. Decoding yields the shortest two's complement form.
 */
final class VarintType extends CqlType {
    @Override
    public String cqlName() {
        return "varint";
    }

    @Override
    public void validate(byte[] value) {
        if (value.length == 0) {
            throw new InvalidValueException("expected at least 1 byte, got 0");
        }
    }

    static BigInteger number(byte[] value) {
        return new BigInteger(value);
    }

    @Override
    public int compare(byte[] left, byte[] right) {
        return number(left).compareTo(number(right));
    }

    @Override
    public Object toJava(byte[] value) {
        return number(value);
    }

    @Override
    public byte[] fromJava(Object value) {
        if (value instanceof BigInteger b) {
            return b.toByteArray();
        }
        if (value instanceof BigDecimal d) {
            try {
                return d.toBigIntegerExact().toByteArray();
            } catch (ArithmeticException e) {
                throw new InvalidValueException(d + " is not an integer");
            }
        }
        return BigInteger.valueOf(FixedWidthType.integral(value, "an integer")).toByteArray();
    }

    @Override
    public Object toJson(byte[] value) {
        return number(value);
    }

    @Override
    public byte[] fromJson(Object json) {
        return json instanceof String s ? fromString(s) : fromJava(json);
    }

    @Override
    public byte[] fromString(String text) {
        try {
            return new BigInteger(text.trim()).toByteArray();
        } catch (NumberFormatException e) {
            throw new InvalidValueException("'" + text + "' is not a varint");
        }
    }

    @Override
    public String toString(byte[] value) {
        return number(value).toString();
    }

    @Override
    public void encodeOrdered(byte[] value, OrderedWriter out) {
        encode(number(value), out);
    }

    static void encode(BigInteger n, OrderedWriter out) {
        int sign = n.signum();
        if (sign == 0) {
            out.writeByte(0x01);
            return;
        }
        byte[] magnitude = magnitude(n.abs());
        out.writeByte(sign > 0 ? 0x02 : 0x00);
        int mark = out.length();
        out.writeFixed(magnitude.length, 4).writeBytes(magnitude);
        if (sign < 0) {
            out.invertFrom(mark);
        }
    }

    @Override
    public byte[] decodeOrdered(OrderedReader in) {
        return decode(in).toByteArray();
    }

    static BigInteger decode(OrderedReader in) {
        int head = in.readByte();
        if (head == 0x01) {
            return BigInteger.ZERO;
        }
        boolean negative = head == 0x00;
        if (!negative && head != 0x02) {
            throw new IllegalArgumentException("bad varint sign byte " + head + " at byte " + (in.position() - 1));
        }
        long length = in.readFixed(4);
        if (negative) {
            length = ~length & 0xFFFFFFFFL;
        }
        byte[] magnitude = in.readBytes((int) length);
        if (negative) {
            for (int i = 0; i < magnitude.length; i++) {
                magnitude[i] = (byte) ~magnitude[i];
            }
        }
        BigInteger abs = new BigInteger(1, magnitude);
        return negative ? abs.negate() : abs;
    }

    /** Unsigned big-endian bytes of a positive number, without leading zeros. */
    private static byte[] magnitude(BigInteger positive) {
        byte[] b = positive.toByteArray();
        if (b[0] == 0) {
            return java.util.Arrays.copyOfRange(b, 1, b.length);
        }
        return b;
    }
}
