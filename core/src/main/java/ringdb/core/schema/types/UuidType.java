package ringdb.core.schema.types;

import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * uuid and timeuuid: 16 bytes. Order, as Cassandra's:
 * <ul>
 *   <li>uuid: by version (the high nibble of byte 6) first; two version-1 uuids by their
 *   timestamp, then by their last 8 bytes unsigned; other versions by their 16 bytes unsigned.</li>
 *   <li>timeuuid (version 1 only): by timestamp, then by the last 8 bytes compared as signed bytes.</li>
 * </ul>
 * Ordered encoding: uuid writes the version byte, then for version 1 the reordered timestamp
 * word (time_hi, time_mid, time_low), else the first 8 bytes, then the last 8 bytes; timeuuid
 * writes the reordered timestamp word then the last 8 bytes with each byte's sign bit flipped.
 */
final class UuidType extends CqlType {
    private final boolean timeBased;

    UuidType(boolean timeBased) {
        this.timeBased = timeBased;
    }

    @Override
    public String cqlName() {
        return timeBased ? "timeuuid" : "uuid";
    }

    @Override
    public void validate(byte[] value) {
        checkLength(value, 16);
        if (timeBased && version(msb(value)) != 1) {
            throw new InvalidValueException("a timeuuid is a version 1 uuid, got version " + version(msb(value)));
        }
    }

    private static long msb(byte[] v) {
        return ByteBuffer.wrap(v).getLong(0);
    }

    private static long lsb(byte[] v) {
        return ByteBuffer.wrap(v).getLong(8);
    }

    private static int version(long msb) {
        return (int) ((msb >>> 12) & 0xF);
    }

    /** time_hi (without the version nibble kept above it), time_mid, time_low: timestamp order. */
    static long reorder(long msb) {
        return (msb << 48) | ((msb << 16) & 0xFFFF00000000L) | (msb >>> 32);
    }

    static long unreorder(long reordered) {
        return (reordered << 32) | ((reordered >>> 16) & 0xFFFF0000L) | (reordered >>> 48);
    }

    @Override
    public int compare(byte[] left, byte[] right) {
        long m1 = msb(left);
        long m2 = msb(right);
        if (timeBased) {
            int c = Long.compare(reorder(m1), reorder(m2));
            // signed bytes: flipping the sign bit of every byte but the first makes one signed long comparison do it
            return c != 0 ? c : Long.compare(lsb(left) ^ 0x0080808080808080L, lsb(right) ^ 0x0080808080808080L);
        }
        int v1 = version(m1);
        int v2 = version(m2);
        if (v1 != v2) {
            return Integer.compare(v1, v2);
        }
        int c = v1 == 1 ? Long.compareUnsigned(reorder(m1), reorder(m2)) : Long.compareUnsigned(m1, m2);
        return c != 0 ? c : Long.compareUnsigned(lsb(left), lsb(right));
    }

    @Override
    public void encodeOrdered(byte[] value, OrderedWriter out) {
        long msb = msb(value);
        if (timeBased) {
            out.writeFixed(reorder(msb), 8).writeFixed(lsb(value) ^ 0x8080808080808080L, 8);
            return;
        }
        int version = version(msb);
        out.writeByte(version).writeFixed(version == 1 ? reorder(msb) : msb, 8).writeFixed(lsb(value), 8);
    }

    @Override
    public byte[] decodeOrdered(OrderedReader in) {
        if (timeBased) {
            long msb = unreorder(in.readFixed(8));
            return bytes(msb, in.readFixed(8) ^ 0x8080808080808080L);
        }
        int version = in.readByte();
        long word = in.readFixed(8);
        return bytes(version == 1 ? unreorder(word) : word, in.readFixed(8));
    }

    private static byte[] bytes(long msb, long lsb) {
        return ByteBuffer.allocate(16).putLong(msb).putLong(lsb).array();
    }

    @Override
    public Object toJava(byte[] value) {
        return new UUID(msb(value), lsb(value));
    }

    @Override
    public byte[] fromJava(Object value) {
        if (value instanceof UUID u) {
            byte[] out = bytes(u.getMostSignificantBits(), u.getLeastSignificantBits());
            validate(out);
            return out;
        }
        throw wrongJava(value, "a UUID");
    }

    @Override
    public Object toJson(byte[] value) {
        return toString(value);
    }

    @Override
    public byte[] fromJson(Object json) {
        return json instanceof String s ? fromString(s) : fromJava(json);
    }

    @Override
    public byte[] fromString(String text) {
        String t = text.trim();
        if (!t.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
            throw new InvalidValueException("'" + text + "' is not a uuid (8-4-4-4-12 hex digits)");
        }
        return fromJava(UUID.fromString(t));
    }

    @Override
    public String toString(byte[] value) {
        return toJava(value).toString();
    }
}
