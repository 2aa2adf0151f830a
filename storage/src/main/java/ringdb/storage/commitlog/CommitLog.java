package ringdb.storage.commitlog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import ringdb.core.Invariants;
import ringdb.core.data.Cell;
import ringdb.core.store.LocalStore;
import ringdb.storage.SyncMode;
import ringdb.storage.disk.AppendFile;
import ringdb.storage.disk.Disk;

/**
 * The writing side of the commit log: frames each mutation as a record (length, CRC32C, segment id, payload)
 * at the end of the current segment, starts a new segment when the current one is full, and
 * acknowledges each append as its {@link SyncMode} promises.
 *
 * <p>Threading: append, rollover and delete are called from the owning node's thread only;
 * acknowledgements in GROUP mode arrive on the disk's sync thread.
 */
public final class CommitLog implements AutoCloseable {

    private final Disk disk;
    private final String directory;
    private final SyncMode syncMode;
    private final long segmentSizeBytes;
    private final CRC32C crc = new CRC32C();
    private final TreeMap<Long, Long> closedSegmentSizes = new TreeMap<>();
    private byte[] recordBuffer = new byte[4096];
    private AppendFile current;
    private long currentSegmentId;
    private volatile Throwable failure;
    private volatile long closedSegmentsBytes; // kept so other threads can read the size without the map
    private volatile AppendFile currentForStats;

    /** Opens a new segment with id {@code firstSegmentId}; older segments on disk are kept for deletion. */
    public CommitLog(Disk disk, String directory, SyncMode syncMode, long segmentSizeBytes, long firstSegmentId,
                     TreeMap<Long, Long> existingSegmentSizes) throws IOException {
        this.disk = disk;
        this.directory = directory;
        this.syncMode = syncMode;
        this.segmentSizeBytes = segmentSizeBytes;
        this.closedSegmentSizes.putAll(existingSegmentSizes);
        for (long size : existingSegmentSizes.values()) {
            closedSegmentsBytes += size;
        }
        openSegment(firstSegmentId);
    }

    private void openSegment(long segmentId) throws IOException {
        AppendFile file = disk.createPreallocated(CommitLogSegments.path(directory, segmentId), segmentSizeBytes);
        ByteBuffer header = ByteBuffer.allocate(CommitLogFormat.SEGMENT_HEADER_SIZE_BYTES);
        header.putInt(CommitLogFormat.SEGMENT_MAGIC).putShort(CommitLogFormat.VERSION).putShort((short) 0)
                .putLong(segmentId);
        crc.reset();
        crc.update(header.array(), 0, 16);
        header.putInt((int) crc.getValue());
        file.append(header.array(), 0, header.capacity());
        file.sync();
        disk.syncDirectory(directory);
        current = file;
        currentForStats = file;
        currentSegmentId = segmentId;
    }

    /**
     * Appends one mutation (not yet durable). Throws when the record cannot be appended; nothing
     * was written then. Follow with {@link #acknowledge} once the mutation is visible to readers.
     */
    public void append(byte[] key, Cell cell) throws IOException {
        // The writing half of paired assertions; the reader refuses a record without a key.
        Invariants.check(key.length > 0, "a commit log record has a key");
        appendRecord(CommitLogFormat.RECORD_HEADER_SIZE_BYTES + CommitLogRecords.mutationSize(key, cell),
                out -> CommitLogRecords.writeMutation(out, key, cell));
    }

    /**
     * Appends several mutations as one record, replayed all or none after a crash (not yet durable);
     * a single one as a record of its own.
     * The caller checked that the batch fits a record ({@link CommitLogFormat#PAYLOAD_SIZE_BYTES_MAX}).
     */
    public void appendBatch(List<LocalStore.Entry> entries) throws IOException {
        if (entries.size() == 1) {
            // one mutation's record is as atomic as a batch's, and 5 bytes (type and count) shorter
            append(entries.get(0).key().key(), entries.get(0).cell());
            return;
        }
        for (LocalStore.Entry entry : entries) {
            Invariants.check(entry.key().key().length > 0, "a commit log record has a key");
        }
        int shared = CommitLogRecords.sharedPrefix(entries);
        long payload = CommitLogRecords.batchSize(entries, shared);
        Invariants.check(payload <= CommitLogFormat.PAYLOAD_SIZE_BYTES_MAX, "a batch fits one commit log record");
        appendRecord(CommitLogFormat.RECORD_HEADER_SIZE_BYTES + (int) payload,
                out -> CommitLogRecords.writeBatch(out, entries, shared));
    }

    private void appendRecord(int length, Consumer<ByteBuffer> payload) throws IOException {
        checkHealthy();
        boolean started = current.size() > CommitLogFormat.SEGMENT_HEADER_SIZE_BYTES;
        if (started && (current.size() + length > segmentSizeBytes || preallocatedNowReady())) {
            rollover();
        }
        encode(length, payload); // after any rollover: the record carries its segment's id
        current.append(recordBuffer, 0, length);
    }

    /**
     * Whether the current segment is a plain file (no preallocated one was ready when it started,
     * as after every open) and one is ready now: then the log moves on at once, since every group
     * fsync in a plain file also commits its growth and costs about twice as much.
     */
    private boolean preallocatedNowReady() {
        return !current.preallocated() && disk.preallocatedReady(directory, segmentSizeBytes);
    }

    /** Runs {@code onDurable} once everything appended so far is as durable as the sync mode promises. */
    public void acknowledge(Consumer<Throwable> onDurable) {
        switch (syncMode) {
            case GROUP -> current.syncAsync(onDurable);
            case BATCH -> syncBatch(onDurable);
            case PERIODIC -> onDurable.accept(null);
            default -> throw new IllegalStateException("unknown sync mode " + syncMode);
        }
    }

    private void syncBatch(Consumer<Throwable> onDurable) {
        try {
            current.sync();
        } catch (IOException e) {
            failure = e;
            onDurable.accept(e);
            return;
        }
        onDurable.accept(null);
    }

    private void checkHealthy() throws IOException {
        Throwable failed = failure != null ? failure : current.syncFailure();
        if (failed != null) {
            failure = failed;
            throw new IOException(
                    "the commit log failed earlier (" + failed.getMessage() + "); writes are refused until the node"
                    + " restarts", failed);
        }
    }

    /** Frames the record of {@code total} bytes in {@code recordBuffer} for the current segment. */
    private void encode(int total, Consumer<ByteBuffer> payload) {
        int payloadLength = total - CommitLogFormat.RECORD_HEADER_SIZE_BYTES;
        if (recordBuffer.length < total) {
            recordBuffer = new byte[Math.max(total, recordBuffer.length * 2)];
        }
        ByteBuffer out = ByteBuffer.wrap(recordBuffer);
        out.putInt(payloadLength).putInt(0).putLong(currentSegmentId);
        payload.accept(out);
        // The writing half of paired assertions; the reader checks the same of each record it accepts.
        Invariants.check(out.position() == total, "a commit log record fills exactly the length it is framed with");
        Invariants.check(payloadLength <= CommitLogFormat.PAYLOAD_SIZE_BYTES_MAX,
                "a commit log record has a payload no longer than the reader accepts");
        crc.reset();
        crc.update(recordBuffer, 0, 4);
        crc.update(recordBuffer, CommitLogFormat.RECORD_SEGMENT_ID_OFFSET,
                total - CommitLogFormat.RECORD_SEGMENT_ID_OFFSET);
        out.putInt(4, (int) crc.getValue());
    }

    /** Syncs and closes the current segment and starts a new one; returns the new segment's start. */
    public CommitLogPosition rollover() throws IOException {
        checkHealthy();
        current.sync();
        current.close();
        closedSegmentSizes.put(currentSegmentId, current.size());
        closedSegmentsBytes += current.size();
        try {
            openSegment(currentSegmentId + 1);
        } catch (IOException | RuntimeException e) {
            failure = e; // the old segment is closed and no new one is open: nothing more can be appended
            throw e;
        }
        return position();
    }

    /** Where the next record will go. */
    public CommitLogPosition position() {
        return new CommitLogPosition(currentSegmentId, current.size());
    }

    /**
     * The periodic sync: asks for a sync without waiting; a failure stops later writes and is handed
     * to {@code onFailure} (on the disk's sync thread).
     */
    public void syncInBackground(Consumer<Throwable> onFailure) {
        current.syncAsync(failed -> {
            if (failed != null) {
                failure = failed;
                onFailure.accept(failed);
            }
        });
    }

    /** Syncs the current segment now. */
    public void sync() throws IOException {
        current.sync();
    }

    /**
     * Retires every closed segment whose id is below {@code segmentId} (flushed tables cover them):
     * the disk deletes it or keeps its file to be written over as a later segment.
     */
    public void retireSegmentsBefore(long segmentId) throws IOException {
        while (!closedSegmentSizes.isEmpty() && closedSegmentSizes.firstKey() < segmentId) {
            Map.Entry<Long, Long> oldest = closedSegmentSizes.pollFirstEntry();
            long id = oldest.getKey();
            closedSegmentsBytes -= oldest.getValue();
            disk.retire(CommitLogSegments.path(directory, id));
        }
        disk.syncDirectory(directory);
    }

    /** Bytes of every live segment. Any thread. */
    public long sizeBytes() {
        return closedSegmentsBytes + currentForStats.size();
    }

    /** Syncs (unless a sync already failed) and closes the current segment. */
    @Override
    public void close() throws IOException {
        try {
            if (failure == null && current.syncFailure() == null) {
                current.sync();
            }
        } finally {
            current.close();
        }
    }

}
