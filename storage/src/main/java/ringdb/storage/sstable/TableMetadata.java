package ringdb.storage.sstable;

import java.nio.ByteBuffer;
import ringdb.storage.commitlog.CommitLogPosition;

/**
 * What a table's metadata section records. {@code coveredPosition}: every commit log record
 * before this position is contained in this table or an older one, so replay starts there.
 */
public record TableMetadata(long generation, long entryCount, long tombstoneCount, long minTimestampMicros,
                            long maxTimestampMicros, CommitLogPosition coveredPosition) {
    /** Seven i64 fields in declaration order (the position as segment id then offset). */
    public static final int SERIALIZED_SIZE_BYTES = 7 * 8;

    public void writeTo(ByteBuffer out) {
        out.putLong(generation).putLong(entryCount).putLong(tombstoneCount).putLong(minTimestampMicros)
                .putLong(maxTimestampMicros).putLong(coveredPosition.segmentId()).putLong(coveredPosition.offset());
    }

    public static TableMetadata readFrom(ByteBuffer in) {
        return new TableMetadata(in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getLong(),
                new CommitLogPosition(in.getLong(), in.getLong()));
    }
}
