package ringdb.storage.commitlog;

import java.util.Locale;
import ringdb.core.data.Limits;

/**
 * Constants of the commit log format, mirroring docs/formats/commitlog.md. Values are written to
 * disk: never renumber, never reuse.
 */
public final class CommitLogFormat {
    /** Segment file names: {@code CommitLog-<segment id, 16 decimal digits>.log}. */
    public static final String SEGMENT_PREFIX = "CommitLog-";
    public static final String SEGMENT_SUFFIX = ".log";

    /** "RCLG" big-endian. Never renumber. */
    public static final int SEGMENT_MAGIC = 0x52434C47;
    /**
     * Format version of segments this code writes: records carry their segment's id, so that a
     * recycled segment file's old records can never pass for new ones. Never renumber.
     */
    public static final short VERSION = 4;
    /**
     * Version 4 without batches written with a shared key prefix (read, never written). Never
     * renumber.
     */
    public static final short VERSION_3 = 3;
    /**
     * Records carry a segment id, but no expiring cells and no batches (read, never written). Never
     * renumber.
     */
    public static final short VERSION_2 = 2;
    /** The first format: records without a segment id (read, never written). Never renumber. */
    public static final short VERSION_1 = 1;
    /** magic u32, version u16, reserved u16 (0), segment id i64, crc32c u32 of the 16 bytes before. */
    public static final int SEGMENT_HEADER_SIZE_BYTES = 20;

    /**
     * length u32 (payload bytes), crc32c u32 (of the 4 length bytes, the 8 segment id bytes, then
     * the payload), segment id i64 (the id in the segment's header).
     */
    public static final int RECORD_HEADER_SIZE_BYTES = 16;
    /** Offset of the segment id in a record header. */
    public static final int RECORD_SEGMENT_ID_OFFSET = 8;
    /** Version 1: length u32, then crc32c u32 of the 4 length bytes and the payload. */
    public static final int RECORD_HEADER_SIZE_BYTES_V1 = 8;

    /** Record type byte: a value. Never renumber. */
    public static final byte TYPE_PUT = 1;
    /** Record type byte: a tombstone. Never renumber. */
    public static final byte TYPE_DELETE = 2;
    /** Record type byte (version 3): a value with a TTL and the expiry fixed for it. Never renumber. */
    public static final byte TYPE_PUT_EXPIRING = 3;
    /** Record type byte (version 3): several mutations replayed all or none. Never renumber. */
    public static final byte TYPE_BATCH = 4;
    /**
     * Record type byte (version 4): a batch whose keys share a prefix, written once before the
     * mutations, each of which holds its key's rest. Never renumber.
     */
    public static final byte TYPE_BATCH_SHARED = 5;

    /** type u8, timestamp i64, key length i32; a PUT adds value length i32. */
    public static final int PAYLOAD_FIXED_SIZE_BYTES = 1 + 8 + 4;

    /**
     * Largest payload a reader accepts: the largest key and the largest value any store holds (a
     * hint of a maximal mutation), plus the fixed fields.
     */
    public static final int PAYLOAD_SIZE_BYTES_MAX =
            PAYLOAD_FIXED_SIZE_BYTES + 4 + 12 + Limits.STORAGE_KEY_BYTES_MAX
                    + Limits.STORED_VALUE_SIZE_BYTES_CEILING;

    /** An expiring value's extra fields: ttl i32, expires-at i64. */
    public static final int EXPIRY_SIZE_BYTES = 4 + 8;

    private CommitLogFormat() {
    }

    /** Whether a segment of {@code version} may hold records of {@code type}. */
    public static boolean knownType(short version, byte type) {
        return type == TYPE_PUT || type == TYPE_DELETE
                || version >= VERSION_3 && (type == TYPE_PUT_EXPIRING || type == TYPE_BATCH)
                || version >= VERSION && type == TYPE_BATCH_SHARED;
    }

    /** The record header size of a segment of {@code version}. */
    public static int recordHeaderSize(short version) {
        return version == VERSION_1 ? RECORD_HEADER_SIZE_BYTES_V1 : RECORD_HEADER_SIZE_BYTES;
    }

    public static String segmentName(long segmentId) {
        return SEGMENT_PREFIX + String.format(Locale.ROOT, "%016d", segmentId) + SEGMENT_SUFFIX;
    }

    /** The segment id in a file name, or -1 when the name is not a segment's. */
    public static long segmentId(String name) {
        if (!name.startsWith(SEGMENT_PREFIX) || !name.endsWith(SEGMENT_SUFFIX)) {
            return -1;
        }
        String digits = name.substring(SEGMENT_PREFIX.length(), name.length() - SEGMENT_SUFFIX.length());
        if (digits.length() != 16 || !digits.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Long.parseLong(digits);
    }
}
