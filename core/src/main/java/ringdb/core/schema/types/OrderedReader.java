package ringdb.core.schema.types;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Reads an order-preserving encoding back. While {@link #inverted(boolean)} is on, every byte is
 * read inverted, so a descending component decodes with the ascending decoder. A malformed
 * encoding throws {@link IllegalArgumentException} saying where.
 */
public final class OrderedReader {
    private final byte[] bytes;
    private final int end;
    private int position;
    private int mask;

    public OrderedReader(byte[] bytes) {
        this(bytes, 0, bytes.length);
    }

    public OrderedReader(byte[] bytes, int offset, int end) {
        this.bytes = bytes;
        this.position = offset;
        this.end = end;
    }

    public void inverted(boolean on) {
        mask = on ? 0xFF : 0;
    }

    public int position() {
        return position;
    }

    public boolean hasRemaining() {
        return position < end;
    }

    /** The next byte without consuming it (0..255), or -1 at the end. */
    public int peek() {
        return position < end ? (bytes[position] ^ mask) & 0xFF : -1;
    }

    public int readByte() {
        if (position >= end) {
            throw new IllegalArgumentException("encoded key ends early at byte " + position);
        }
        return (bytes[position++] ^ mask) & 0xFF;
    }

    public long readFixed(int width) {
        long value = 0;
        for (int i = 0; i < width; i++) {
            value = (value << 8) | readByte();
        }
        return value;
    }

    public byte[] readBytes(int count) {
        byte[] out = new byte[count];
        for (int i = 0; i < count; i++) {
            out[i] = (byte) readByte();
        }
        return out;
    }

    /** Reads a value written by {@link OrderedWriter#writeEscaped}. */
    public byte[] readEscaped() {
        // the common value holds no zero byte: found by one scan and copied at once
        for (int i = position; i < end; i++) {
            if (((bytes[i] ^ mask) & 0xFF) == 0) {
                if (i + 1 < end && ((bytes[i + 1] ^ mask) & 0xFF) == OrderedWriter.TERMINATOR) {
                    byte[] out = Arrays.copyOfRange(bytes, position, i);
                    for (int j = 0; mask != 0 && j < out.length; j++) {
                        out[j] ^= (byte) mask;
                    }
                    position = i + 2;
                    return out;
                }
                break;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            int b = readByte();
            if (b != 0) {
                out.write(b);
                continue;
            }
            int next = readByte();
            if (next == OrderedWriter.TERMINATOR) {
                return out.toByteArray();
            }
            if (next != OrderedWriter.ESCAPE) {
                throw new IllegalArgumentException("bad escape 0x00 0x" + Integer.toHexString(next)
                        + " at byte " + (position - 1));
            }
            out.write(0);
        }
    }
}
