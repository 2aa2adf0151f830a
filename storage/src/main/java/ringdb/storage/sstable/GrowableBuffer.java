package ringdb.storage.sstable;

import java.nio.ByteBuffer;

/** A big-endian byte buffer that grows as it is written. */
final class GrowableBuffer {
    private ByteBuffer buffer;

    GrowableBuffer(int initialCapacityBytes) {
        buffer = ByteBuffer.allocate(initialCapacityBytes);
    }

    ByteBuffer reserve(int bytes) {
        if (buffer.remaining() < bytes) {
            ByteBuffer larger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + bytes));
            buffer.flip();
            larger.put(buffer);
            buffer = larger;
        }
        return buffer;
    }

    int size() {
        return buffer.position();
    }

    byte[] array() {
        return buffer.array();
    }

    void clear() {
        buffer.clear();
    }
}
