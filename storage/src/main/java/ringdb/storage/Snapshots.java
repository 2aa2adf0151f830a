package ringdb.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import ringdb.storage.commitlog.CommitLogFormat;
import ringdb.storage.disk.Disk;
import ringdb.storage.sstable.SSTable;
import ringdb.storage.sstable.SSTableFormat;

/**
 * Point-in-time snapshots of an engine's tables, as hard links under {@code snapshots/<name>/}
 * (what {@code nodetool snapshot} does). Tables are immutable, so a link is a consistent copy.
 */
public final class Snapshots {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    /** A snapshot: its name, how many tables it holds and their total size. */
    public record Snapshot(String name, int tableCount, long sizeBytes) {
    }

    private Snapshots() {
    }

    static int create(Disk disk, String directory, String name, List<SSTable> tables) throws IOException {
        String target = snapshotDirectory(directory, name);
        if (disk.exists(target)) {
            throw new IllegalArgumentException("snapshot " + name + " already exists in " + directory);
        }
        disk.createDirectories(target);
        for (SSTable table : tables) {
            String fileName = SSTableFormat.fileName(table.generation());
            disk.link(table.path(), Disk.join(target, fileName));
        }
        disk.syncDirectory(target);
        return tables.size();
    }

    /** Throws {@link IllegalArgumentException} unless {@code name} is a valid name no snapshot has yet. */
    static void checkNew(Disk disk, String directory, String name) throws IOException {
        if (disk.exists(snapshotDirectory(directory, name))) {
            throw new IllegalArgumentException("snapshot " + name + " already exists in " + directory);
        }
    }

    public static List<Snapshot> list(Disk disk, String directory) throws IOException {
        List<Snapshot> snapshots = new ArrayList<>();
        String root = StorageLayout.snapshots(directory);
        for (String name : disk.list(root)) {
            String path = Disk.join(root, name);
            int count = 0;
            long bytes = 0;
            for (String file : disk.list(path)) {
                if (SSTableFormat.generation(file) >= 0) {
                    count++;
                    bytes += disk.size(Disk.join(path, file));
                }
            }
            snapshots.add(new Snapshot(name, count, bytes));
        }
        return snapshots;
    }

    /**
     * Replaces the engine's state with snapshot {@code name}: its current tables and commit log
     * are deleted (everything written after the snapshot is discarded) and the snapshot's tables
     * are linked back. The engine must be closed; the snapshot itself is kept.
     */
    public static void restore(Disk disk, String directory, String name) throws IOException {
        String source = snapshotDirectory(directory, name);
        if (!disk.exists(source)) {
            throw new IllegalArgumentException("no snapshot named " + name + " in " + directory);
        }
        AutoCloseable lock = disk.lockDirectory(directory); // fails while a node has the directory open
        try {
            replaceWith(disk, directory, source);
        } finally {
            try {
                lock.close();
            } catch (Exception e) {
                throw new IOException("could not release the lock of " + directory, e);
            }
        }
    }

    private static void replaceWith(Disk disk, String directory, String source) throws IOException {
        String tables = StorageLayout.tables(directory);
        String commitLog = StorageLayout.commitLog(directory);
        disk.createDirectories(tables);
        for (String file : disk.list(commitLog)) {
            if (CommitLogFormat.segmentId(file) >= 0) {
                disk.delete(Disk.join(commitLog, file));
            }
        }
        disk.syncDirectory(commitLog);
        for (String file : disk.list(tables)) {
            disk.delete(Disk.join(tables, file));
        }
        for (String file : disk.list(source)) {
            if (SSTableFormat.generation(file) >= 0) {
                disk.link(Disk.join(source, file), Disk.join(tables, file));
            }
        }
        disk.syncDirectory(tables);
    }

    /** Deletes snapshot {@code name}; the live tables are untouched. */
    public static void delete(Disk disk, String directory, String name) throws IOException {
        String path = snapshotDirectory(directory, name);
        if (!disk.exists(path)) {
            throw new IllegalArgumentException("no snapshot named " + name + " in " + directory);
        }
        for (String file : disk.list(path)) {
            disk.delete(Disk.join(path, file));
        }
        disk.delete(path);
    }

    private static String snapshotDirectory(String directory, String name) {
        // "." and ".." name the snapshots directory itself and its parent, the node's data: restoring or
        // deleting them would wipe the node, so names made only of dots are refused like path separators
        if (name == null || !NAME.matcher(name).matches() || name.chars().allMatch(c -> c == '.')) {
            throw new IllegalArgumentException("snapshot name must be 1-128 characters of A-Z a-z 0-9 . _ -,"
                    + " not only dots, was: " + name);
        }
        return Disk.join(StorageLayout.snapshots(directory), name);
    }
}
