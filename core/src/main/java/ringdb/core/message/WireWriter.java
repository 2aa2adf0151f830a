package ringdb.core.message;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable big-endian byte buffer for encoding one frame. Not thread-safe. */
final class WireWriter {
    private byte[] bytes;
    private int size;

    WireWriter(int initialCapacityBytes) {
        bytes = new byte[Math.max(16, initialCapacityBytes)];
    }

    int size() {
        return size;
    }

    /** Empties the buffer for the next frame, keeping its capacity. */
    void clear() {
        size = 0;
    }

    byte[] array() {
        return bytes;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
        long needed = (long) size + more;
        if (needed > MessageCodec.FRAME_SIZE_BYTES_MAX + MessageCodec.LENGTH_FIELD_BYTES) {
            throw new CodecException("message too large: frame would exceed "
                    + MessageCodec.FRAME_SIZE_BYTES_MAX + " bytes");
        }
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, bytes.length * 2L)));
        }
    }

    void u8(int value) {
        ensure(1);
        bytes[size++] = (byte) value;
    }

    void bool(boolean value) {
        u8(value ? 1 : 0);
    }

    void i32(int value) {
        ensure(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            bytes[size++] = (byte) (value >>> shift);
        }
    }

    void i64(long value) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            bytes[size++] = (byte) (value >>> shift);
        }
    }

    /** Length-prefixed (i32) bytes. */
    void bytes(byte[] value) {
        i32(value.length);
        ensure(value.length);
        System.arraycopy(value, 0, bytes, size, value.length);
        size += value.length;
    }

    /** Length-prefixed (i32) bytes, or length -1 for null. */
    void nullableBytes(byte[] value) {
        if (value == null) {
            i32(-1);
        } else {
            bytes(value);
        }
    }

    void string(String value) {
        bytes(value.getBytes(StandardCharsets.UTF_8));
    }

    void putInt(int position, int value) {
        for (int i = 0; i < 4; i++) {
            bytes[position + i] = (byte) (value >>> (24 - 8 * i));
        }
    }
}
