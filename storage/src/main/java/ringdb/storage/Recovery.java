package ringdb.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import ringdb.storage.commitlog.CommitLogPosition;
import ringdb.storage.commitlog.CommitLogReader;
import ringdb.storage.commitlog.CommitLogSegments;
import ringdb.storage.disk.Disk;
import ringdb.storage.memtable.Memtable;
import ringdb.storage.rows.EntryKeys;
import ringdb.storage.sstable.SSTable;
import ringdb.storage.sstable.SSTableFormat;

/**
 * Opening an engine's files: remove unfinished tables, open (and verify) the finished ones, then
 * replay the commit log from the position the tables cover, cutting a torn tail off the newest
 * segment. Damage anywhere else stops the open with a {@link CorruptionException}.
 */
final class Recovery {
    /** The state recovered: tables newest first, the replayed memtable, and where to continue. */
    record Recovered(List<SSTable> tables, Memtable memtable, long nextGeneration, long nextSegmentId,
                     TreeMap<Long, Long> segmentSizes, RecoveryReport report) {
    }

    private final Disk disk;
    private final StorageConfig config;
    private final String tablesDirectory;
    private final String commitLogDirectory;
    private final List<RecoveryReport.TornTail> tornTails = new ArrayList<>();
    private long recordsReplayed;
    private long bytesReplayed;
    private long skippedRecords;
    private long skippedBytes;
    private int segmentsReplayed;

    private Recovery(Disk disk, String directory, StorageConfig config) {
        this.disk = disk;
        this.config = config;
        this.tablesDirectory = StorageLayout.tables(directory);
        this.commitLogDirectory = StorageLayout.commitLog(directory);
    }

    static Recovered recover(Disk disk, String directory, StorageConfig config) throws IOException {
        return new Recovery(disk, directory, config).run();
    }

    private Recovered run() throws IOException {
        disk.createDirectories(tablesDirectory);
        disk.createDirectories(commitLogDirectory);
        int temporaryRemoved = removeTemporaryTables();
        List<SSTable> tables = openTables();
        try {
            CommitLogPosition covered = CommitLogPosition.NONE;
            long nextGeneration = 1;
            for (SSTable table : tables) {
                covered = CommitLogPosition.max(covered, table.metadata().coveredPosition());
                nextGeneration = Math.max(nextGeneration, table.generation() + 1);
            }
            Memtable.Loader loader = new Memtable.Loader();
            TreeMap<Long, Long> segmentSizes = replay(covered, loader);
            Memtable memtable = loader.build();
            long nextSegmentId = Math.max(covered.segmentId(), segmentSizes.isEmpty() ? 0 : segmentSizes.lastKey()) + 1;
            RecoveryReport report = new RecoveryReport(tables.size(), segmentsReplayed, recordsReplayed, bytesReplayed,
                    tornTails, skippedRecords, skippedBytes, temporaryRemoved);
            return new Recovered(tables, memtable, nextGeneration, nextSegmentId, segmentSizes, report);
        } catch (IOException | RuntimeException e) {
            for (SSTable table : tables) {
                table.close();
            }
            throw e;
        }
    }

    private int removeTemporaryTables() throws IOException {
        int removed = 0;
        for (String name : disk.list(tablesDirectory)) {
            if (name.endsWith(SSTableFormat.TEMPORARY_SUFFIX)) {
                disk.delete(Disk.join(tablesDirectory, name));
                removed++;
            }
        }
        return removed;
    }

    private List<SSTable> openTables() throws IOException {
        List<SSTable> tables = SSTable.openAll(disk, tablesDirectory, config.verifyTablesOnOpen());
        tables.sort(Comparator.comparingLong(SSTable::generation).reversed());
        return tables;
    }

    /** Replays segments past {@code covered}; returns the sizes of the segments kept. */
    private TreeMap<Long, Long> replay(CommitLogPosition covered, Memtable.Loader memtable) throws IOException {
        List<Long> ids = CommitLogSegments.ids(disk, commitLogDirectory);
        TreeMap<Long, Long> kept = new TreeMap<>();
        for (int i = 0; i < ids.size(); i++) {
            long id = ids.get(i);
            String path = CommitLogSegments.path(commitLogDirectory, id);
            if (id < covered.segmentId()) {
                disk.retire(path); // fully covered by tables; the flush that covered it was cut short
                continue;
            }
            long from = id == covered.segmentId() ? covered.offset() : 0;
            Long size = replaySegment(path, from, i == ids.size() - 1, memtable);
            if (size != null) {
                kept.put(id, size);
            }
        }
        return kept;
    }

    /** Replays one segment; returns its size after any torn tail was cut, or null if it was removed. */
    private Long replaySegment(String path, long fromOffset, boolean newest, Memtable.Loader memtable)
            throws IOException {
        CommitLogReader.SegmentResult result = CommitLogReader.read(disk, path, fromOffset, newest,
                config.skipCorruptCommitLogRecords(), (key, cell, end) -> {
                    memtable.put(EntryKeys.decorate(config.partitioner(), key), cell);
                    recordsReplayed++;
                });
        segmentsReplayed++;
        skippedRecords += result.skippedRecords();
        skippedBytes += result.skippedBytes();
        long size = disk.size(path);
        bytesReplayed += result.tornOffset() >= 0 ? result.tornOffset() : size;
        if (result.segmentId() < 0) {
            tornTails.add(new RecoveryReport.TornTail(path, 0, size, false));
            disk.retire(path);
            return null;
        }
        if (result.tornOffset() >= 0) {
            tornTails.add(new RecoveryReport.TornTail(path, result.tornOffset(),
                    result.tornBytes(), result.tornRecord()));
            disk.truncate(path, result.tornOffset());
            return result.tornOffset();
        }
        return size;
    }
}
