package ringdb.core.schema.types;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import ringdb.core.data.Limits;

/**
 * list, set and map, frozen (one value) or not (one cell per element). Serialized as the CQL
 * native protocol v4 writes them: [int n] then n elements (list, set) or n key-value pairs
 * (map), each [int length][bytes]; no element may be null. Ordered element by element (a map
 * key then its value), a shorter collection before a longer one that it begins. Ordered
 * encoding: each element (or key, value) as 0x01 and its element type's ordered encoding,
 * then 0x00.
 */
public abstract class CollectionType extends CqlType {
    private final boolean frozen;

    CollectionType(boolean frozen) {
        this.frozen = frozen;
    }

    public final boolean isFrozen() {
        return frozen;
    }

    @Override
    public final boolean isMultiCell() {
        return !frozen;
    }

    @Override
    public final boolean isCollection() {
        return true;
    }

    /** "list", "set" or "map". */
    abstract String kind();

    /** The element types in serialization order: one for list and set, key and value for map. */
    abstract List<CqlType> parts();

    /**
     * For a non-frozen collection, the type of the key that identifies an element's cell: a
     * timeuuid for a list, the element for a set, the map key for a map.
     */
    public abstract CqlType cellKeyType();

    /** For a non-frozen collection, the type of an element cell's value (empty for a set). */
    public abstract CqlType cellValueType();

    @Override
    public final String cqlName() {
        StringBuilder s = new StringBuilder(kind()).append('<');
        List<CqlType> parts = parts();
        for (int i = 0; i < parts.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(parts.get(i).cqlName());
        }
        s.append('>');
        return frozen ? "frozen<" + s + ">" : s.toString();
    }

    /** Elements of a valid value, flattened (a map's key and value alternate). */
    static List<byte[]> elements(byte[] value) {
        ByteBuffer in = ByteBuffer.wrap(value);
        in.getInt();
        List<byte[]> out = new ArrayList<>();
        while (in.hasRemaining()) {
            byte[] element = new byte[in.getInt()];
            in.get(element);
            out.add(element);
        }
        return out;
    }

    /** Serializes flattened elements; {@code count} is the number of elements or map entries. */
    static byte[] serialize(List<byte[]> flat, int count) {
        int size = 4;
        for (byte[] e : flat) {
            size += 4 + e.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).putInt(count);
        for (byte[] e : flat) {
            out.putInt(e.length).put(e);
        }
        return out.array();
    }

    @Override
    public final void validate(byte[] value) {
        if (value.length < 4) {
            throw new InvalidValueException("expected at least 4 bytes (the element count), got " + value.length);
        }
        ByteBuffer in = ByteBuffer.wrap(value);
        int count = in.getInt();
        if (count < 0) {
            throw new InvalidValueException("negative element count " + count);
        }
        if (count > Limits.COLLECTION_ELEMENTS_MAX) {
            throw new InvalidValueException(count + " elements; the limit is " + Limits.COLLECTION_ELEMENTS_MAX);
        }
        List<CqlType> parts = parts();
        for (int i = 0; i < count; i++) {
            for (int p = 0; p < parts.size(); p++) {
                String what = kind() + " element " + i + (parts.size() == 2 ? (p == 0 ? " key" : " value") : "");
                if (in.remaining() < 4) {
                    throw new InvalidValueException(what + ": the value ends before its length");
                }
                int length = in.getInt();
                if (length < 0 || length > in.remaining()) {
                    throw new InvalidValueException(what + ": length " + length + " but " + in.remaining()
                            + " bytes remain" + (length < 0 ? " (null elements are not allowed)" : ""));
                }
                byte[] element = new byte[length];
                in.get(element);
                try {
                    parts.get(p).validate(element);
                } catch (InvalidValueException e) {
                    throw new InvalidValueException(what + " is " + parts.get(p).cqlName() + ": " + e.getMessage());
                }
            }
        }
        if (in.hasRemaining()) {
            throw new InvalidValueException(in.remaining() + " bytes after the last element");
        }
    }

    @Override
    public final int compare(byte[] left, byte[] right) {
        List<byte[]> a = elements(left);
        List<byte[]> b = elements(right);
        List<CqlType> parts = parts();
        int common = Math.min(a.size(), b.size());
        for (int i = 0; i < common; i++) {
            int c = parts.get(i % parts.size()).compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    @Override
    public final void encodeOrdered(byte[] value, OrderedWriter out) {
        List<byte[]> flat = elements(value);
        List<CqlType> parts = parts();
        for (int i = 0; i < flat.size(); i++) {
            if (i % parts.size() == 0) {
                out.writeByte(0x01);
            }
            parts.get(i % parts.size()).encodeOrdered(flat.get(i), out);
        }
        out.writeByte(0x00);
    }

    @Override
    public final byte[] decodeOrdered(OrderedReader in) {
        List<byte[]> flat = new ArrayList<>();
        List<CqlType> parts = parts();
        for (int marker = in.readByte(); marker != 0; marker = in.readByte()) {
            if (marker != 0x01) {
                throw new IllegalArgumentException("bad collection marker " + marker + " at byte "
                        + (in.position() - 1));
            }
            for (CqlType part : parts) {
                flat.add(part.decodeOrdered(in));
            }
        }
        return serialize(flat, flat.size() / parts.size());
    }

    @Override
    public final byte[] fromString(String text) {
        throw new InvalidValueException(cqlName() + " values are written as JSON arrays or objects, not text");
    }

    @Override
    public final String toString(byte[] value) {
        return String.valueOf(toJson(value));
    }

    @Override
    public final byte[] fromJson(Object json) {
        if (json instanceof String s) {
            throw new InvalidValueException("expected a JSON " + (kind().equals("map") ? "object" : "array")
                    + " for " + cqlName() + ", got the string '" + s + "'");
        }
        return fromJsonValue(json);
    }

    abstract byte[] fromJsonValue(Object json);
}
