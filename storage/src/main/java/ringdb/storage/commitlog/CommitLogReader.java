package ringdb.storage.commitlog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import ringdb.core.data.Cell;
import ringdb.storage.CorruptionException;
import ringdb.storage.disk.Disk;
import ringdb.storage.disk.ReadFile;

/**
 * Reads one commit log segment. It reports, the caller decides: a torn tail of the newest segment
 * is end of data (reported in the result); any other damage throws {@link CorruptionException}
 * unless {@code skipCorrupt} is set, in which case the damaged record is skipped, counted, and
 * reading resumes at the next record that passes its checksum.
 */
public final class CommitLogReader {
    /** Receives each valid record: key, cell, and the offset just past the record. */
    public interface RecordVisitor {
        void record(byte[] key, Cell cell, long endOffset);
    }

    /** What reading a segment found. {@code tornOffset} is -1 when the segment ended cleanly. */
    public record SegmentResult(long segmentId, long records, long validEndOffset, long tornOffset,
                                long tornBytes, long skippedRecords, long skippedBytes) {
    }

    private CommitLogReader() {
    }

    /**
     * Reads the segment at {@code path}, visiting records whose end lies past {@code fromOffset}.
     * {@code newest}: whether this is the last segment, the only one that may have a torn tail.
     */
    public static SegmentResult read(Disk disk, String path, long fromOffset, boolean newest, boolean skipCorrupt,
                                     RecordVisitor visitor) throws IOException {
        ByteBuffer bytes = readAll(disk, path);
        long segmentId = readHeader(path, bytes, newest);
        if (segmentId < 0) {
            return new SegmentResult(segmentId, 0, 0, 0, bytes.limit(), 0, 0);
        }
        Cursor cursor = new Cursor(path, bytes, newest, skipCorrupt);
        long records = cursor.readRecords(fromOffset, visitor);
        return new SegmentResult(segmentId, records, cursor.validEnd, cursor.tornOffset, cursor.tornBytes,
                cursor.skippedRecords, cursor.skippedBytes);
    }

    private static ByteBuffer readAll(Disk disk, String path) throws IOException {
        try (ReadFile file = disk.openRead(path)) {
            if (file.size() > Integer.MAX_VALUE) {
                throw new CorruptionException(path, 0, "segment larger than 2 GiB");
            }
            return ByteBuffer.wrap(file.read(0, (int) file.size()));
        }
    }

    /**
     * The segment id, or -1 when the newest segment's header itself was torn (crash at creation):
     * cut short, or all zeros (a preallocated segment whose header never reached the disk).
     */
    private static long readHeader(String path, ByteBuffer bytes, boolean newest) throws CorruptionException {
        if (newest && headerIsZero(bytes)) {
            return -1;
        }
        if (bytes.limit() < CommitLogFormat.SEGMENT_HEADER_SIZE_BYTES) {
            if (newest) {
                return -1;
            }
            throw new CorruptionException(path, 0, "segment header is incomplete (" + bytes.limit() + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes.array(), 0, 16);
        int magic = bytes.getInt(0);
        short version = bytes.getShort(4);
        if (magic != CommitLogFormat.SEGMENT_MAGIC) {
            throw new CorruptionException(path, 0, "not a commit log segment (bad magic)");
        }
        if ((int) crc.getValue() != bytes.getInt(16)) {
            throw new CorruptionException(path, 0, "segment header checksum mismatch");
        }
        if (version != CommitLogFormat.VERSION) {
            throw new CorruptionException(path, 4, "unsupported commit log version " + version);
        }
        return bytes.getLong(8);
    }

    private static boolean headerIsZero(ByteBuffer bytes) {
        for (int i = 0; i < Math.min(bytes.limit(), CommitLogFormat.SEGMENT_HEADER_SIZE_BYTES); i++) {
            if (bytes.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private static final class Cursor {
        private final String path;
        private final ByteBuffer bytes;
        private final boolean newest;
        private final boolean skipCorrupt;
        private final CRC32C crc = new CRC32C();
        long validEnd = CommitLogFormat.SEGMENT_HEADER_SIZE_BYTES;
        long tornOffset = -1;
        long tornBytes;
        long skippedRecords;
        long skippedBytes;

        Cursor(String path, ByteBuffer bytes, boolean newest, boolean skipCorrupt) {
            this.path = path;
            this.bytes = bytes;
            this.newest = newest;
            this.skipCorrupt = skipCorrupt;
        }

        long readRecords(long fromOffset, RecordVisitor visitor) throws CorruptionException {
            int size = bytes.limit();
            int position = CommitLogFormat.SEGMENT_HEADER_SIZE_BYTES;
            long records = 0;
            while (position < size) {
                int payloadLength = validRecordLength(position);
                if (payloadLength < 0) {
                    int next = handleDamage(position);
                    if (next < 0) {
                        return records;
                    }
                    position = next;
                    continue;
                }
                int end = position + CommitLogFormat.RECORD_HEADER_SIZE_BYTES + payloadLength;
                if (end > fromOffset) {
                    decode(position + CommitLogFormat.RECORD_HEADER_SIZE_BYTES, payloadLength, end, visitor);
                    records++;
                }
                position = end;
                validEnd = end;
            }
            return records;
        }

        /** The payload length when a whole record with a good checksum starts at {@code position}; else -1. */
        private int validRecordLength(int position) {
            int size = bytes.limit();
            if (size - position < CommitLogFormat.RECORD_HEADER_SIZE_BYTES) {
                return -1;
            }
            int length = bytes.getInt(position);
            if (length < CommitLogFormat.PAYLOAD_FIXED_SIZE_BYTES || length > CommitLogFormat.PAYLOAD_SIZE_BYTES_MAX
                    || (long) position + CommitLogFormat.RECORD_HEADER_SIZE_BYTES + length > size) {
                return -1;
            }
            crc.reset();
            crc.update(bytes.array(), position, 4);
            crc.update(bytes.array(), position + CommitLogFormat.RECORD_HEADER_SIZE_BYTES, length);
            if ((int) crc.getValue() != bytes.getInt(position + 4)) {
                return -1;
            }
            byte type = bytes.get(position + CommitLogFormat.RECORD_HEADER_SIZE_BYTES);
            return type == CommitLogFormat.TYPE_PUT || type == CommitLogFormat.TYPE_DELETE ? length : -1;
        }

        /** Decides what a bad record at {@code position} means; returns where to continue, or -1 to stop. */
        private int handleDamage(int position) throws CorruptionException {
            if (newest && isTornTail(position)) {
                tornOffset = position;
                tornBytes = bytes.limit() - position;
                return -1;
            }
            if (!skipCorrupt) {
                throw new CorruptionException(path, position, describe(position)
                        + "; reopen with skip_corrupt_commit_log_records to skip damaged records (they are counted and reported)");
            }
            int next = position + 1;
            while (next < bytes.limit() && validRecordLength(next) < 0) {
                next++;
            }
            skippedRecords++;
            skippedBytes += next - position;
            return next < bytes.limit() ? next : -1;
        }

        /**
         * The torn-tail rule: the damaged record is the last thing written to the file: its header
         * is cut short, or its declared end reaches or passes the start of the file's final run of
         * zero bytes (the end of the file when it does not end in zero). Zeros are space the file
         * system allocated, or a preallocated segment held, that the crash never filled; a write
         * torn there leaves its first pages and zeros after them. Damage followed by written data
         * is corruption.
         */
        private boolean isTornTail(int position) {
            int size = bytes.limit();
            if (size - position < CommitLogFormat.RECORD_HEADER_SIZE_BYTES) {
                return true;
            }
            long declaredEnd = (long) position + CommitLogFormat.RECORD_HEADER_SIZE_BYTES
                    + Integer.toUnsignedLong(bytes.getInt(position));
            return declaredEnd >= zeroTailStart();
        }

        /** Where the final run of zero bytes starts; the file size when the last byte is not zero. */
        private int zeroTailStart() {
            int start = bytes.limit();
            while (start > 0 && bytes.get(start - 1) == 0) {
                start--;
            }
            return start;
        }

        private String describe(int position) {
            if (bytes.limit() - position < CommitLogFormat.RECORD_HEADER_SIZE_BYTES) {
                return "record header cut short";
            }
            int length = bytes.getInt(position);
            if (length < CommitLogFormat.PAYLOAD_FIXED_SIZE_BYTES || length > CommitLogFormat.PAYLOAD_SIZE_BYTES_MAX) {
                return "record length " + Integer.toUnsignedString(length) + " is impossible";
            }
            return "record checksum mismatch (" + length + "-byte payload)";
        }

        private void decode(int payloadStart, int length, int end, RecordVisitor visitor) throws CorruptionException {
            byte type = bytes.get(payloadStart);
            long timestamp = bytes.getLong(payloadStart + 1);
            int keyLength = bytes.getInt(payloadStart + 9);
            int keyStart = payloadStart + CommitLogFormat.PAYLOAD_FIXED_SIZE_BYTES;
            int valueHeader = type == CommitLogFormat.TYPE_PUT ? 4 : 0;
            if (keyLength <= 0 || keyLength > length - CommitLogFormat.PAYLOAD_FIXED_SIZE_BYTES - valueHeader) {
                throw new CorruptionException(path, payloadStart, "key length " + keyLength + " does not fit the record");
            }
            byte[] key = new byte[keyLength];
            bytes.get(keyStart, key);
            Cell cell;
            if (type == CommitLogFormat.TYPE_PUT) {
                int valueLength = bytes.getInt(keyStart + keyLength);
                if (valueLength != length - CommitLogFormat.PAYLOAD_FIXED_SIZE_BYTES - 4 - keyLength) {
                    throw new CorruptionException(path, payloadStart, "value length " + valueLength + " does not fit the record");
                }
                byte[] value = new byte[valueLength];
                bytes.get(keyStart + keyLength + 4, value);
                cell = Cell.value(value, timestamp);
            } else {
                cell = Cell.tombstone(timestamp);
            }
            visitor.record(key, cell, end);
        }
    }
}
