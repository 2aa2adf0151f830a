package ringdb.core.message;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import ringdb.core.ring.Partitioner;

/**
 * Reads the fields of one payload with every length checked against what is left, so garbage
 * gives a {@link CodecException} naming the message type, never an out-of-memory error.
 */
final class WireReader {
    private final ByteBuffer buffer;
    private final String typeName;
    private final Partitioner partitioner;

    WireReader(ByteBuffer buffer, String typeName, Partitioner partitioner) {
        this.buffer = buffer;
        this.typeName = typeName;
        this.partitioner = partitioner;
    }

    /** The receiving node's partitioner, for entries that travel without their token. */
    Partitioner partitioner() {
        return partitioner;
    }

    int remaining() {
        return buffer.remaining();
    }

    private void need(long bytes) {
        if (bytes > buffer.remaining()) {
            throw new CodecException("truncated payload for " + typeName + ": needed " + bytes
                    + " bytes, had " + buffer.remaining());
        }
    }

    int u8() {
        need(1);
        return buffer.get() & 0xFF;
    }

    boolean bool() {
        int value = u8();
        if (value > 1) {
            throw new CodecException("bad boolean " + value + " in " + typeName);
        }
        return value == 1;
    }

    int i32() {
        need(4);
        return buffer.getInt();
    }

    long i64() {
        need(8);
        return buffer.getLong();
    }

    byte[] bytes(int maxLength, String field) {
        int length = i32();
        if (length < 0 || length > maxLength) {
            throw new CodecException("bad length " + length + " for " + field + " in " + typeName
                    + " (limit " + maxLength + ")");
        }
        need(length);
        byte[] out = new byte[length];
        buffer.get(out);
        return out;
    }

    byte[] nullableBytes(int maxLength, String field) {
        int length = buffer.remaining() >= 4 ? buffer.getInt(buffer.position()) : 0;
        if (length == -1) {
            buffer.getInt();
            return null;
        }
        return bytes(maxLength, field);
    }

    String string(int maxLength, String field) {
        byte[] raw = bytes(maxLength, field);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new CodecException("invalid UTF-8 in " + field + " of " + typeName);
        }
    }

    /** A list count, refused when even the smallest elements could not fit in what is left. */
    int count(int elementSizeBytesMin, String field) {
        int count = i32();
        if (count < 0 || (long) count * elementSizeBytesMin > buffer.remaining()) {
            throw new CodecException("bad count " + count + " for " + field + " in " + typeName
                    + " with " + buffer.remaining() + " bytes left");
        }
        return count;
    }

    void expectEnd() {
        if (buffer.hasRemaining()) {
            throw new CodecException(buffer.remaining() + " unexpected trailing bytes after " + typeName);
        }
    }

    static CodecException underflow(String typeName, BufferUnderflowException e) {
        CodecException codecException = new CodecException("truncated payload for " + typeName);
        codecException.initCause(e);
        return codecException;
    }
}
