package ringdb.storage.disk;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/** An open file for random reads. Safe for concurrent readers; the file must not change while open. */
public interface ReadFile extends AutoCloseable {
    /** Size in bytes when the file was opened. */
    long size();

    /** Reads exactly {@code length} bytes at {@code position}; throws EOFException past the end. */
    void read(long position, byte[] destination, int offset, int length) throws IOException;

    /** Convenience: reads {@code length} bytes at {@code position} into a new array. */
    default byte[] read(long position, int length) throws IOException {
        byte[] bytes = new byte[length];
        read(position, bytes, 0, length);
        return bytes;
    }

    /**
     * {@code length} bytes at {@code position} as a buffer (position 0, limit {@code length}, big-endian)
     * that the caller must not write to: a view of the file where it is memory mapped (no copy), else a
     * copy; throws as {@link #read} does.
     */
    default ByteBuffer view(long position, int length) throws IOException {
        return ByteBuffer.wrap(read(position, length));
    }

    /**
     * Throws the EOFException {@link #read} promises when {@code length} bytes at {@code position}
     * run past {@code sizeBytes}: every implementation checks reads with this one test.
     */
    static void checkWithin(long position, int length, long sizeBytes) throws EOFException {
        if (position < 0 || position + length > sizeBytes) {
            throw new EOFException("read of " + length + " bytes at " + position + " past the end (" + sizeBytes + ")");
        }
    }

    @Override
    void close() throws IOException;
}
