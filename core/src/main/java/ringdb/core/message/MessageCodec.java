package ringdb.core.message;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import ringdb.core.NodeId;
import ringdb.core.data.Cell;
import ringdb.core.data.Limits;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.Partitioner;
import ringdb.core.ring.StorageKeys;
import ringdb.core.store.LocalStore;

/**
 * The one versioned binary codec for internode messages, used by the real transport and by the
 * simulator alike. A frame is
 * {@code [length u32: bytes after this field][version u8][type u8][payload][crc32c u32 over version..payload]},
 * all integers big-endian; the payload starts with the sender's id. See docs/formats/messages.md.
 *
 * <p>Thread-safe: its only state is a reusable encoding buffer per thread.
 */
public final class MessageCodec {
    /** Current frame version, written in every frame (4: range sync and digest requests carry a ring epoch). */
    public static final int VERSION = 4;
    /** Largest frame accepted (bytes after the length field); a frame claiming more is refused. */
    public static final int FRAME_SIZE_BYTES_MAX = Limits.FRAME_SIZE_BYTES_MAX;
    /** Size of the length prefix. */
    public static final int LENGTH_FIELD_BYTES = 4;
    /** Version + type + checksum: the smallest possible frame after the length field. */
    public static final int FRAME_OVERHEAD_BYTES = 1 + 1 + 4;

    static final int NODE_ID_BYTES_MAX = Limits.NODE_ID_BYTES_MAX;
    static final int STATE_NAME_BYTES_MAX = Limits.STATE_NAME_BYTES_MAX;
    static final int STATE_VALUE_BYTES_MAX = Limits.STATE_VALUE_BYTES_MAX;
    static final int ERROR_BYTES_MAX = Limits.ERROR_BYTES_MAX;

    /** Initial buffer of a thread's frame writer. */
    private static final int SCRATCH_INITIAL_BYTES = 1024;
    /** A thread keeps its frame writer for the next frame while the buffer is at most this large. */
    private static final int SCRATCH_KEPT_BYTES_MAX = 64 * 1024;
    private static final ThreadLocal<WireWriter> SCRATCH = new ThreadLocal<>();

    private MessageCodec() {
    }

    /** Encodes a whole frame, length prefix included. */
    public static byte[] encodeFrame(NodeId from, Message message) {
        // the thread's writer of its last frame, so a frame of a few KiB is not grown from a few bytes
        // by copies each time; taken out while in use
        WireWriter out = SCRATCH.get();
        if (out == null) {
            out = new WireWriter(SCRATCH_INITIAL_BYTES);
        } else {
            SCRATCH.set(null);
            out.clear();
        }
        try {
            out.i32(0); // length, patched below
            out.u8(VERSION);
            out.u8(message.type().id());
            out.string(from.id());
            MessagePayloads.write(out, message);
            CRC32C crc = new CRC32C();
            crc.update(out.array(), LENGTH_FIELD_BYTES, out.size() - LENGTH_FIELD_BYTES);
            out.i32((int) crc.getValue());
            out.putInt(0, out.size() - LENGTH_FIELD_BYTES);
            return out.toByteArray();
        } finally {
            if (out.array().length <= SCRATCH_KEPT_BYTES_MAX) {
                SCRATCH.set(out);
            }
        }
    }

    /** Decodes a frame of a node using SHA-1, the default partitioner: {@link #decodeFrame(ByteBuffer,
            Partitioner)}. */
    public static Envelope decodeFrame(ByteBuffer frame) {
        return decodeFrame(frame, Partitioner.SHA1);
    }

    /**
     * Decodes a frame: {@code frame} holds the bytes after the length field (its remaining bytes
     * are the whole frame); store entries that travel without their token get theirs from
     * {@code partitioner} (the receiving node's, which is the cluster's). Throws
     * {@link CodecException} with a clear message for anything wrong.
     */
    public static Envelope decodeFrame(ByteBuffer frame, Partitioner partitioner) {
        ByteBuffer buffer = frame.slice();
        int frameBytes = buffer.remaining();
        if (frameBytes > FRAME_SIZE_BYTES_MAX) {
            throw new CodecException("frame of " + frameBytes + " bytes exceeds the limit of "
                    + FRAME_SIZE_BYTES_MAX + " bytes");
        }
        if (frameBytes < FRAME_OVERHEAD_BYTES) {
            throw new CodecException("truncated frame: " + frameBytes + " bytes, at least "
                    + FRAME_OVERHEAD_BYTES + " needed");
        }
        int version = buffer.get(0) & 0xFF;
        if (version != VERSION) {
            throw new CodecException("unsupported frame version " + version);
        }
        checkChecksum(buffer, frameBytes);
        int typeId = buffer.get(1) & 0xFF;
        MessageType type = MessageType.byId(typeId);
        if (type == null) {
            throw new CodecException("unknown message type " + typeId);
        }
        ByteBuffer payload = buffer.slice(2, frameBytes - FRAME_OVERHEAD_BYTES);
        WireReader in = new WireReader(payload, type.name(), partitioner);
        try {
            NodeId from = readNodeId(in, "sender");
            Message message = MessagePayloads.read(in, type);
            in.expectEnd();
            return new Envelope(from, message);
        } catch (BufferUnderflowException e) {
            throw WireReader.underflow(type.name(), e);
        }
    }

    /** Reads the length prefix of a frame, refusing lengths outside 6..FRAME_SIZE_BYTES_MAX. */
    public static int readLength(ByteBuffer lengthField) {
        long length = lengthField.getInt() & 0xFFFFFFFFL;
        if (length > FRAME_SIZE_BYTES_MAX) {
            throw new CodecException("frame of " + length + " bytes exceeds the limit of "
                    + FRAME_SIZE_BYTES_MAX + " bytes");
        }
        if (length < FRAME_OVERHEAD_BYTES) {
            throw new CodecException("frame length " + length + " is below the minimum of " + FRAME_OVERHEAD_BYTES);
        }
        return (int) length;
    }

    private static void checkChecksum(ByteBuffer buffer, int frameBytes) {
        int bodyBytes = frameBytes - 4;
        CRC32C crc = new CRC32C();
        crc.update(buffer.slice(0, bodyBytes));
        int expected = buffer.getInt(bodyBytes);
        if ((int) crc.getValue() != expected) {
            throw new CodecException("frame checksum mismatch");
        }
    }

    static NodeId readNodeId(WireReader in, String field) {
        String id = in.string(NODE_ID_BYTES_MAX, field);
        try {
            return NodeId.of(id);
        } catch (IllegalArgumentException e) {
            throw new CodecException("bad node id in " + field + ": " + e.getMessage());
        }
    }

    static void writeCell(WireWriter out, Cell cell) {
        if (cell == null) {
            out.u8(0);
        } else if (cell.isTombstone()) {
            out.u8(2);
            out.i64(cell.timestampMicros());
        } else if (cell.isExpiring()) {
            out.u8(3);
            out.i64(cell.timestampMicros());
            out.i32(cell.ttlSeconds());
            out.i64(cell.expiresAtSeconds());
            out.bytes(cell.value());
        } else {
            out.u8(1);
            out.i64(cell.timestampMicros());
            out.bytes(cell.value());
        }
    }

    static Cell readCell(WireReader in) {
        int kind = in.u8();
        switch (kind) {
            case 0:
                return null;
            case 1: {
                long timestampMicros = in.i64();
                return Cell.value(in.bytes(Limits.VALUE_SIZE_BYTES_CEILING, "value"), timestampMicros);
            }
            case 2:
                return Cell.tombstone(in.i64());
            case 3: {
                long timestampMicros = in.i64();
                int ttlSeconds = in.i32();
                long expiresAtSeconds = in.i64();
                if (ttlSeconds <= 0 || expiresAtSeconds <= 0) {
                    throw new CodecException("expiring cell with ttl " + ttlSeconds + " s and expiry "
                            + expiresAtSeconds + "; both must be positive");
                }
                return Cell.expiring(in.bytes(Limits.VALUE_SIZE_BYTES_CEILING, "value"), timestampMicros, ttlSeconds,
                        expiresAtSeconds);
            }
            default:
                throw new CodecException("bad cell kind " + kind);
        }
    }

    static byte[] readKey(WireReader in) {
        return checkKey(in.bytes(Limits.STORAGE_KEY_BYTES_MAX, "key"), "key");
    }

    /** Refuses a table entry's key whose partition key (and so its token) cannot be read. */
    static byte[] checkKey(byte[] key, String field) {
        if (key != null && StorageKeys.isTable(key)) {
            try {
                StorageKeys.serializedPartitionKey(key);
            } catch (IllegalArgumentException e) {
                throw new CodecException("bad " + field + ": " + e.getMessage());
            }
        }
        return key;
    }

    static void writeEntries(WireWriter out, List<LocalStore.Entry> entries) {
        out.i32(entries.size());
        for (LocalStore.Entry entry : entries) {
            out.bytes(entry.key().key());
            writeCell(out, entry.cell());
        }
    }

    static List<LocalStore.Entry> readEntries(WireReader in) {
        int count = in.count(4 + 1, "entries");
        List<LocalStore.Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] key = readKey(in);
            Cell cell = readCell(in);
            if (cell == null) {
                throw new CodecException("entry " + i + " has no cell");
            }
            entries.add(new LocalStore.Entry(DecoratedKey.of(in.partitioner(), key), cell));
        }
        return entries;
    }
}
