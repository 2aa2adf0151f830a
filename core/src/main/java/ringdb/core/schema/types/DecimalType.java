package ringdb.core.schema.types;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * decimal: a 4-byte scale then the unscaled value as a varint; value = unscaled × 10^-scale.
 * Ordered numerically, so 1.0 and 1.00 are equal (as in Cassandra). The ordered encoding is of
 * the number, not of its scale: 0x01 for zero; otherwise a sign byte (0x02 positive, 0x00
 * negative), the decimal exponent E (8 bytes, sign bit flipped) of 0.d1d2...×10^E, each
 * significant digit as the byte digit+1, then 0x00; all after the sign byte inverted for a
 * negative number. Decoding yields the number with its trailing zeros stripped.
 */
final class DecimalType extends CqlType {
    @Override
    public String cqlName() {
        return "decimal";
    }

    @Override
    public void validate(byte[] value) {
        if (value.length < 5) {
            throw new InvalidValueException("expected a 4-byte scale and at least 1 byte of unscaled value, got "
                    + value.length + " bytes");
        }
    }

    static BigDecimal number(byte[] value) {
        int scale = ByteBuffer.wrap(value).getInt();
        return new BigDecimal(new BigInteger(Arrays.copyOfRange(value, 4, value.length)), scale);
    }

    static byte[] serialize(BigDecimal d) {
        byte[] unscaled = d.unscaledValue().toByteArray();
        return ByteBuffer.allocate(4 + unscaled.length).putInt(d.scale()).put(unscaled).array();
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
        if (value instanceof BigDecimal d) {
            return serialize(d);
        }
        if (value instanceof BigInteger b) {
            return serialize(new BigDecimal(b));
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new InvalidValueException(d + " is not a decimal number");
            }
            return serialize(new BigDecimal(Double.toString(d)));
        }
        return serialize(BigDecimal.valueOf(FixedWidthType.integral(value, "a number")));
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
            return serialize(new BigDecimal(text.trim()));
        } catch (NumberFormatException e) {
            throw new InvalidValueException("'" + text + "' is not a decimal");
        }
    }

    @Override
    public String toString(byte[] value) {
        return number(value).toString();
    }

    @Override
    public void encodeOrdered(byte[] value, OrderedWriter out) {
        BigDecimal d = number(value);
        if (d.signum() == 0) {
            out.writeByte(0x01);
            return;
        }
        BigDecimal stripped = d.abs().stripTrailingZeros();
        String digits = stripped.unscaledValue().toString();
        long exponent = (long) digits.length() - stripped.scale();
        out.writeByte(d.signum() > 0 ? 0x02 : 0x00);
        int mark = out.length();
        out.writeFixed(exponent ^ Long.MIN_VALUE, 8);
        for (int i = 0; i < digits.length(); i++) {
            out.writeByte(digits.charAt(i) - '0' + 1);
        }
        out.writeByte(0);
        if (d.signum() < 0) {
            out.invertFrom(mark);
        }
    }

    @Override
    public byte[] decodeOrdered(OrderedReader in) {
        int head = in.readByte();
        if (head == 0x01) {
            return serialize(BigDecimal.ZERO);
        }
        if (head != 0x00 && head != 0x02) {
            throw new IllegalArgumentException("bad decimal sign byte " + head + " at byte " + (in.position() - 1));
        }
        int flip = head == 0x00 ? 0xFF : 0;
        long exponent = 0;
        for (int i = 0; i < 8; i++) {
            exponent = (exponent << 8) | (in.readByte() ^ flip);
        }
        exponent ^= Long.MIN_VALUE;
        StringBuilder digits = new StringBuilder();
        for (int b = in.readByte() ^ flip; b != 0; b = in.readByte() ^ flip) {
            if (b > 10) {
                throw new IllegalArgumentException("bad decimal digit byte at byte " + (in.position() - 1));
            }
            digits.append((char) ('0' + b - 1));
        }
        BigInteger unscaled = new BigInteger(digits.toString());
        long scale = digits.length() - exponent;
        if (scale != (int) scale) {
            throw new IllegalArgumentException("decimal scale out of range at byte " + in.position());
        }
        BigDecimal d = new BigDecimal(head == 0x00 ? unscaled.negate() : unscaled, (int) scale);
        return serialize(d);
    }
}
