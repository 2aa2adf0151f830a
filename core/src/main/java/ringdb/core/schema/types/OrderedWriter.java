package ringdb.core.schema.types;

import java.util.Arrays;

/**
 * A growable byte buffer for order-preserving encodings (docs/data-model.md, "Key encoding").
 * Not thread-safe; one writer builds one key.
 */
public final class OrderedWriter {
    /** Escapes a zero byte inside a variable-length value: 0x00 0xFF. */
    static final int ESCAPE = 0xFF;
    /** Ends a variable-length value: 0x00 0x01 (sorts below an escaped zero, above nothing). */
    static final int TERMINATOR = 0x01;

    private byte[] bytes;
    private int length;

    public OrderedWriter() {
        this(32);
    }

    public OrderedWriter(int initialCapacity) {
        bytes = new byte[Math.max(8, initialCapacity)];
    }

    /** Bytes written so far. */
    public int length() {
        return length;
    }

    public OrderedWriter writeByte(int b) {
        ensure(1);
        bytes[length++] = (byte) b;
        return this;
    }

    public OrderedWriter writeBytes(byte[] b) {
        return writeBytes(b, 0, b.length);
    }

    public OrderedWriter writeBytes(byte[] b, int offset, int count) {
        ensure(count);
        System.arraycopy(b, offset, bytes, length, count);
        length += count;
        return this;
    }

    /** Big-endian, {@code width} bytes (1..8) of {@code value}. */
    public OrderedWriter writeFixed(long value, int width) {
        ensure(width);
        for (int i = width - 1; i >= 0; i--) {
            bytes[length++] = (byte) (value >>> (8 * i));
        }
        return this;
    }

    /** A variable-length value: every 0x00 becomes 0x00 0xFF, then 0x00 0x01 ends it. */
    public OrderedWriter writeEscaped(byte[] value) {
        ensure(value.length + 2);
        for (byte b : value) {
            if (b == 0) {
                writeByte(0).writeByte(ESCAPE);
            } else {
                writeByte(b);
            }
        }
        return writeByte(0).writeByte(TERMINATOR);
    }

    /** Inverts every byte written since {@code mark} (a descending component). */
    public void invertFrom(int mark) {
        for (int i = mark; i < length; i++) {
            bytes[i] = (byte) ~bytes[i];
        }
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
