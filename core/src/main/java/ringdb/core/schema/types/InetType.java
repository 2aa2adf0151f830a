package ringdb.core.schema.types;

import java.util.Arrays;

/**
 * inet: an IPv4 (4 bytes) or IPv6 (16 bytes) address, ordered as unsigned bytes, the shorter
 * first when one is a prefix of the other (as Cassandra). Ordered encoding: the bytes escaped as
 * for blobs. Java value: the text form (dotted quad, or RFC 5952 IPv6), since core does not use
 * java.net.
 */
final class InetType extends CqlType {
    @Override
    public String cqlName() {
        return "inet";
    }

    @Override
    public void validate(byte[] value) {
        if (value.length != 4 && value.length != 16) {
            throw new InvalidValueException("expected 4 or 16 bytes, got " + value.length);
        }
    }

    @Override
    public int compare(byte[] left, byte[] right) {
        return Arrays.compareUnsigned(left, right);
    }

    @Override
    public Object toJava(byte[] value) {
        return toString(value);
    }

    @Override
    public byte[] fromJava(Object value) {
        if (value instanceof byte[] b) {
            validate(b);
            return b.clone();
        }
        if (value instanceof String s) {
            return fromString(s);
        }
        throw wrongJava(value, "an address as a String or byte[]");
    }

    @Override
    public Object toJson(byte[] value) {
        return toString(value);
    }

    @Override
    public byte[] fromJson(Object json) {
        return fromJava(json);
    }

    @Override
    public byte[] fromString(String text) {
        return InetText.parse(text.trim());
    }

    @Override
    public String toString(byte[] value) {
        return InetText.format(value);
    }

    @Override
    public void encodeOrdered(byte[] value, OrderedWriter out) {
        out.writeEscaped(value);
    }

    @Override
    public byte[] decodeOrdered(OrderedReader in) {
        return in.readEscaped();
    }
}
