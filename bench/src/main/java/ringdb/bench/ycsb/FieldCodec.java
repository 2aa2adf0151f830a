package ringdb.bench.ycsb;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encodes a YCSB record (field name → bytes) into one ringdb value:
 * {@code [field count u16] then per field [name length u16][name UTF-8][value length u32][value]}.
 */
public final class FieldCodec {
    private static final int FIELDS_MAX = 65_535;

    private FieldCodec() {
    }

    public static byte[] encode(Map<String, byte[]> fields) {
        if (fields.size() > FIELDS_MAX) {
            throw new IllegalArgumentException("a record has at most " + FIELDS_MAX + " fields, got " + fields.size());
        }
        int size = 2;
        for (Map.Entry<String, byte[]> field : fields.entrySet()) {
            size += 2 + field.getKey().getBytes(StandardCharsets.UTF_8).length + 4 + field.getValue().length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putShort((short) fields.size());
        for (Map.Entry<String, byte[]> field : fields.entrySet()) {
            byte[] name = field.getKey().getBytes(StandardCharsets.UTF_8);
            out.putShort((short) name.length).put(name).putInt(field.getValue().length).put(field.getValue());
        }
        return out.array();
    }

    /** Decodes a value written by {@link #encode}; throws {@link IllegalArgumentException} if it is not one. */
    public static Map<String, byte[]> decode(byte[] value) {
        ByteBuffer in = ByteBuffer.wrap(value);
        Map<String, byte[]> fields = new LinkedHashMap<>();
        try {
            int count = Short.toUnsignedInt(in.getShort());
            for (int i = 0; i < count; i++) {
                byte[] name = new byte[Short.toUnsignedInt(in.getShort())];
                in.get(name);
                byte[] bytes = new byte[in.getInt()];
                in.get(bytes);
                fields.put(new String(name, StandardCharsets.UTF_8), bytes);
            }
        } catch (BufferUnderflowException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("value of " + value.length + " bytes is not a YCSB record", e);
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("value has " + in.remaining() + " bytes after its last field");
        }
        return fields;
    }
}
