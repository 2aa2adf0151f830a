package ringdb.storage.commitlog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import ringdb.core.Invariants;
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

    /**
     * What reading a segment found. {@code tornOffset} is -1 when the segment ended cleanly;
     * {@code tornRecord} tells a record cut short from space no record of the segment was written to.
     */
    public record SegmentResult(long segmentId, long records, long validEndOffset, long tornOffset,
                                long tornBytes, boolean tornRecord, long skippedRecords, long skippedBytes) {
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
        long nameId = CommitLogFormat.segmentId(path.substring(path.lastIndexOf('/') + 1));
        String damage = headerDamage(bytes, nameId);
        if (damage != null) {
            if (newest && !holdsRecordsOf(path, bytes, nameId)) {
                // The remains of a crash while the segment was being created: cut short, all zeros
                // (a preallocated file), or a recycled file still showing its previous header.
                return new SegmentResult(-1, 0, 0, 0, bytes.limit(), false, 0, 0);
            }
            throw new CorruptionException(path, 0, damage);
        }
        short version = bytes.getShort(4);
        Cursor cursor = new Cursor(path, bytes, version, bytes.getLong(8), newest, skipCorrupt);
        long records = cursor.readRecords(fromOffset, visitor);
        return new SegmentResult(cursor.segmentId, records, cursor.validEnd, cursor.tornOffset, cursor.tornBytes,
                cursor.tornRecord, cursor.skippedRecords, cursor.skippedBytes);
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
     * What is wrong with the segment header, or null when it is whole, checksummed, of a known
     * version and names the segment of the file's name ({@code nameId}; -1 checks no name).
     */
    private static String headerDamage(ByteBuffer bytes, long nameId) {
        if (bytes.limit() < CommitLogFormat.SEGMENT_HEADER_SIZE_BYTES) {
            return "segment header is incomplete (" + bytes.limit() + " bytes)";
        }
        if (bytes.getInt(0) != CommitLogFormat.SEGMENT_MAGIC) {
            return "not a commit log segment (bad magic)";
        }
        if (!headerChecksumMatches(bytes)) {
            return "segment header checksum mismatch";
        }
        short version = bytes.getShort(4);
        if (version != CommitLogFormat.VERSION && version != CommitLogFormat.VERSION_3
                && version != CommitLogFormat.VERSION_2 && version != CommitLogFormat.VERSION_1) {
            return "unsupported commit log version " + version;
        }
        long headerId = bytes.getLong(8);
        if (nameId >= 0 && headerId != nameId) {
            return "segment header names segment " + headerId + ", not this file's " + nameId;
        }
        return null;
    }

    /**
     * Whether a record of the segment named {@code nameId} starts anywhere past the header: a
     * newest segment whose header is damaged but that holds such a record was written after its
     * header reached the disk, so the damage is corruption, not an interrupted creation. Records of
     * the first format carry no segment id; they are looked for only when the header itself is
     * damaged, since a whole header naming another segment is a recycled file's previous life.
     */
    private static boolean holdsRecordsOf(String path, ByteBuffer bytes, long nameId) {
        if (nameId < 0) {
            return false;
        }
        int from = CommitLogFormat.SEGMENT_HEADER_SIZE_BYTES;
        if (new Cursor(path, bytes, CommitLogFormat.VERSION, nameId, true, false).nextValidRecord(from) >= 0) {
            return true;
        }
        boolean wholeHeader = bytes.limit() >= from && bytes.getInt(0) == CommitLogFormat.SEGMENT_MAGIC
                && headerChecksumMatches(bytes);
        return !wholeHeader && new Cursor(path, bytes, CommitLogFormat.VERSION_1, nameId, true, false)
                .nextValidRecord(from) >= 0;
    }

    private static boolean headerChecksumMatches(ByteBuffer bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes.array(), 0, 16);
        return (int) crc.getValue() == bytes.getInt(16);
    }

    private static final class Cursor {
        private final String path;
        private final ByteBuffer bytes;
        private final boolean hasSegmentIds;
        private final short version;
        private final int headerSize;
        final long segmentId;
        private final boolean newest;
        private final boolean skipCorrupt;
        private final CRC32C crc = new CRC32C();
        long validEnd = CommitLogFormat.SEGMENT_HEADER_SIZE_BYTES;
        long tornOffset = -1;
        long tornBytes;
        boolean tornRecord;
        long skippedRecords;
        long skippedBytes;

        Cursor(String path, ByteBuffer bytes, short version, long segmentId, boolean newest, boolean skipCorrupt) {
            this.path = path;
            this.bytes = bytes;
            this.hasSegmentIds = version != CommitLogFormat.VERSION_1;
            this.version = version;
            this.headerSize = CommitLogFormat.recordHeaderSize(version);
            this.segmentId = segmentId;
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
                int end = position + headerSize + payloadLength;
                checkAccepted(position, end);
                if (end > fromOffset) {
                    decode(position + headerSize, payloadLength, end, visitor);
                    records++;
                }
                position = end;
                validEnd = end;
            }
            return records;
        }

        /**
         * The reading half of the paired assertions on records ({@code CommitLog} checks the same
         * before writing one): a record accepted lies within the segment, after the one before it,
         * and names this segment. O(1): replay runs it for every record.
         */
        private void checkAccepted(int position, int end) {
            Invariants.check(position >= validEnd && end > position && end <= bytes.limit(),
                    "an accepted commit log record lies within its segment, after the record before it");
            Invariants.check(!hasSegmentIds
                    || bytes.getLong(position + CommitLogFormat.RECORD_SEGMENT_ID_OFFSET) == segmentId,
                    "an accepted commit log record names its segment");
        }

        /**
         * The payload length when a whole record of this segment with a good checksum starts at
         * {@code position}; else -1.
         */
        private int validRecordLength(int position) {
            int size = bytes.limit();
            if (size - position < headerSize) {
                return -1;
            }
            int length = bytes.getInt(position);
            if (length < CommitLogFormat.PAYLOAD_FIXED_SIZE_BYTES || length > CommitLogFormat.PAYLOAD_SIZE_BYTES_MAX
                    || (long) position + headerSize + length > size) {
                return -1;
            }
            if (hasSegmentIds && bytes.getLong(position + CommitLogFormat.RECORD_SEGMENT_ID_OFFSET) != segmentId) {
                return -1;
            }
            crc.reset();
            crc.update(bytes.array(), position, 4);
            crc.update(bytes.array(), position + 8, headerSize - 8 + length);
            if ((int) crc.getValue() != bytes.getInt(position + 4)) {
                return -1;
            }
            byte type = bytes.get(position + headerSize);
            return CommitLogFormat.knownType(version, type) ? length : -1;
        }

        /** Where the first valid record at or after {@code from} starts; -1 when none does. */
        int nextValidRecord(int from) {
            int last = bytes.limit() - headerSize;
            for (int position = from; position <= last; position++) {
                if (hasSegmentIds && bytes.getLong(position + CommitLogFormat.RECORD_SEGMENT_ID_OFFSET) != segmentId) {
                    continue; // cheap test first: most offsets of a stale or zero tail fail it
                }
                if (validRecordLength(position) >= 0) {
                    return position;
                }
            }
            return -1;
        }

        /**
         * Whether no record of this segment was begun at {@code position}: its header bytes are
         * zeros, or (with segment ids) name another segment, as a recycled file's old records do.
         */
        private boolean unwrittenAt(int position) {
            int headerEnd = Math.min(bytes.limit(), position + headerSize);
            boolean zeros = true;
            for (int i = position; i < headerEnd && zeros; i++) {
                zeros = bytes.get(i) == 0;
            }
            return zeros || (hasSegmentIds && headerEnd - position == headerSize
                    && bytes.getLong(position + CommitLogFormat.RECORD_SEGMENT_ID_OFFSET) != segmentId);
        }

        /** Decides what a bad record at {@code position} means; returns where to continue, or -1 to stop. */
        private int handleDamage(int position) throws CorruptionException {
            int next = nextValidRecord(position + 1);
            if (newest && next < 0) {
                // The torn-tail rule: no record of this segment follows, so nothing acknowledged
                // can: the bad record is the remains of the last write, cut short by the crash,
                // over zeros or over a recycled file's old records.
                tornOffset = position;
                tornBytes = bytes.limit() - position;
                tornRecord = !unwrittenAt(position);
                return -1;
            }
            if (!skipCorrupt) {
                throw new CorruptionException(path, position, describe(position)
                        + "; reopen with skip_corrupt_commit_log_records to skip damaged records"
                        + " (they are counted and reported)");
            }
            int resume = next < 0 ? bytes.limit() : next;
            skippedRecords++;
            skippedBytes += resume - position;
            return next;
        }

        private String describe(int position) {
            if (bytes.limit() - position < headerSize) {
                return "record header cut short";
            }
            int length = bytes.getInt(position);
            if (length < CommitLogFormat.PAYLOAD_FIXED_SIZE_BYTES || length > CommitLogFormat.PAYLOAD_SIZE_BYTES_MAX) {
                return "record length " + Integer.toUnsignedString(length) + " is impossible";
            }
            if ((long) position + headerSize + length > bytes.limit()) {
                return "record of " + length + " payload bytes runs past the end of the segment";
            }
            if (hasSegmentIds && bytes.getLong(position + CommitLogFormat.RECORD_SEGMENT_ID_OFFSET) != segmentId) {
                return "record names segment " + bytes.getLong(position + CommitLogFormat.RECORD_SEGMENT_ID_OFFSET)
                        + ", not this one (" + segmentId + ")";
            }
            return "record checksum mismatch (" + length + "-byte payload)";
        }

        private void decode(int payloadStart, int length, int end, RecordVisitor visitor) throws CorruptionException {
            String damage = CommitLogRecords.read(bytes, payloadStart, payloadStart + length,
                    (key, cell) -> visitor.record(key, cell, end));
            if (damage != null) {
                throw new CorruptionException(path, payloadStart, damage);
            }
        }
    }
}
