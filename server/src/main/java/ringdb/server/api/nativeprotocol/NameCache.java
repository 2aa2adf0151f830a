package ringdb.server.api.nativeprotocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Decodes the UTF-8 names in requests (keyspaces, tables, columns) and keeps recent ones, so a name
 * that recurs costs a comparison of its bytes instead of a new string. The cache is a fixed number
 * of slots chosen by a hash of the bytes; a name replaces whatever held its slot.
 *
 * <p>Threading: any thread. A slot holds an immutable entry and is replaced whole; a thread that
 * misses another's entry only decodes the name again.
 */
final class NameCache {
    private static final int SLOTS = 256; // a power of two
    /** Longer names are decoded every time: a long name is rare, and would only hold memory. */
    static final int LENGTH_MAX = 64;

    private final Entry[] slots = new Entry[SLOTS];

    private record Entry(byte[] bytes, String name) {
    }

    /** Reads the name of {@code length} bytes (the caller checked the body holds them) at the body's reader index. */
    String decode(ByteBuf body, int length) {
        int start = body.readerIndex();
        if (length > LENGTH_MAX) {
            String name = body.toString(start, length, StandardCharsets.UTF_8);
            body.skipBytes(length);
            return name;
        }
        int hash = 1;
        for (int i = 0; i < length; i++) {
            hash = 31 * hash + body.getByte(start + i);
        }
        int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
        Entry entry = slots[slot];
        if (entry != null && entry.bytes.length == length && holds(body, start, entry.bytes)) {
            body.skipBytes(length);
            return entry.name;
        }
        byte[] bytes = new byte[length];
        body.readBytes(bytes);
        String name = new String(bytes, StandardCharsets.UTF_8);
        slots[slot] = new Entry(bytes, name);
        return name;
    }

    private static boolean holds(ByteBuf body, int start, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (body.getByte(start + i) != bytes[i]) {
                return false;
            }
        }
        return true;
    }
}
