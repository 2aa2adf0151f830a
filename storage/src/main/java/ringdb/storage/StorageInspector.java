package ringdb.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.Partitioner;
import ringdb.storage.commitlog.CommitLogPosition;
import ringdb.storage.commitlog.CommitLogReader;
import ringdb.storage.commitlog.CommitLogSegments;
import ringdb.storage.disk.Disk;
import ringdb.storage.memtable.Memtable;
import ringdb.storage.rows.EntryKeys;
import ringdb.storage.sstable.SSTable;

/**
 * Read-only view of an engine's files for tools such as {@code ringdb dump}: the commit log
 * records in order and the reconciled state (tables plus the log past what they cover). Unlike
 * {@link StorageEngine#open}, it changes nothing on disk: no torn tail is cut, no file removed.
 *
 * <p>Threading: single-threaded use; close it to release the tables.
 */
public final class StorageInspector implements AutoCloseable {
    /** One commit log record with where it was found. */
    public record LogRecord(String segmentPath, long endOffset, byte[] key, Cell cell) {
    }

    /** Receives commit log records in log order. */
    public interface LogVisitor {
        void record(LogRecord record);
    }

    private final Disk disk;
    private final String commitLogDirectory;
    private final boolean skipCorrupt;
    private final List<SSTable> tables;
    private final List<RecoveryReport.TornTail> tornTails = new ArrayList<>();
    private final Map<String, Long> skippedRecordsBySegment = new TreeMap<>();
    private final Partitioner partitioner;

    private StorageInspector(Disk disk, String directory, boolean skipCorrupt, List<SSTable> tables,
                             Partitioner partitioner) {
        this.disk = disk;
        this.partitioner = partitioner;
        this.commitLogDirectory = StorageLayout.commitLog(directory);
        this.skipCorrupt = skipCorrupt;
        this.tables = tables;
    }

    /** Opens the tables of an engine of a node using SHA-1, the default partitioner (see the overload). */
    public static StorageInspector open(Disk disk, String directory, boolean skipCorruptCommitLogRecords)
            throws IOException {
        return open(disk, directory, skipCorruptCommitLogRecords, Partitioner.SHA1);
    }

    /**
     * Opens the tables of the engine in {@code directory} (checking every checksum), whose node uses
     * {@code partitioner}: commit log records are placed among the tables' entries by its tokens.
     */
    public static StorageInspector open(Disk disk, String directory, boolean skipCorruptCommitLogRecords,
                                        Partitioner partitioner) throws IOException {
        if (!disk.exists(StorageLayout.commitLog(directory)) && !disk.exists(StorageLayout.tables(directory))) {
            throw new IOException(directory + " holds no ringdb storage (no " + StorageLayout.COMMIT_LOG_DIRECTORY
                    + "/ or " + StorageLayout.TABLES_DIRECTORY + "/ directory)");
        }
        List<SSTable> tables = SSTable.openAll(disk, StorageLayout.tables(directory), true);
        return new StorageInspector(disk, directory, skipCorruptCommitLogRecords, tables, partitioner);
    }

    /** Visits every record of every commit log segment, oldest first. */
    public void commitLog(LogVisitor visitor) throws IOException {
        List<Long> ids = CommitLogSegments.ids(disk, commitLogDirectory);
        for (int i = 0; i < ids.size(); i++) {
            String path = CommitLogSegments.path(commitLogDirectory, ids.get(i));
            readSegment(path, 0, i == ids.size() - 1,
                    (key, cell, end) -> visitor.record(new LogRecord(path, end, key, cell)));
        }
    }

    /** The reconciled state, in ring order (token, then key), tombstones included. */
    public Iterator<Map.Entry<DecoratedKey, Cell>> state() throws IOException {
        CommitLogPosition covered = CommitLogPosition.NONE;
        for (SSTable table : tables) {
            covered = CommitLogPosition.max(covered, table.metadata().coveredPosition());
        }
        Memtable replayed = new Memtable();
        List<Long> ids = CommitLogSegments.ids(disk, commitLogDirectory);
        for (int i = 0; i < ids.size(); i++) {
            long id = ids.get(i);
            if (id < covered.segmentId()) {
                continue;
            }
            String path = CommitLogSegments.path(commitLogDirectory, id);
            readSegment(path, id == covered.segmentId() ? covered.offset() : 0, i == ids.size() - 1,
                    (key, cell, end) -> replayed.put(EntryKeys.decorate(partitioner, key), cell));
        }
        List<Iterator<Map.Entry<DecoratedKey, Cell>>> sources = new ArrayList<>();
        sources.add(replayed.iterator(null));
        for (SSTable table : tables) {
            sources.add(table.iterator(null));
        }
        return new MergingIterator(sources);
    }

    private void readSegment(String path, long from, boolean newest, CommitLogReader.RecordVisitor visitor)
            throws IOException {
        CommitLogReader.SegmentResult result = CommitLogReader.read(disk, path, from, newest, skipCorrupt, visitor);
        skippedRecordsBySegment.put(path, result.skippedRecords()); // a segment read twice counts once
        RecoveryReport.TornTail torn = new RecoveryReport.TornTail(path, result.tornOffset(),
                result.tornBytes(), result.tornRecord());
        if (result.tornOffset() >= 0 && !tornTails.contains(torn)) {
            tornTails.add(torn);
        }
    }

    /** Torn tails seen so far (the newest segment's interrupted last write). */
    public List<RecoveryReport.TornTail> tornTails() {
        return List.copyOf(tornTails);
    }

    /** Corrupt records skipped in the segments read so far (only when opened with skipping). */
    public long skippedRecords() {
        long total = 0;
        for (long count : skippedRecordsBySegment.values()) {
            total += count;
        }
        return total;
    }

    public int tableCount() {
        return tables.size();
    }

    @Override
    public void close() throws IOException {
        for (SSTable table : tables) {
            table.close();
        }
    }
}
