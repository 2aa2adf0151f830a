package ringdb.storage;

import ringdb.storage.disk.Disk;

/**
 * Where an engine keeps its files under its directory: {@code commitlog/} (segments),
 * {@code tables/} (sorted tables), {@code snapshots/<name>/} (hard links to tables) and
 * {@code quarantine/} (tables taken out of service because they could not be read; kept, never
 * deleted, for an operator to inspect).
 */
public final class StorageLayout {
    public static final String COMMIT_LOG_DIRECTORY = "commitlog";
    public static final String TABLES_DIRECTORY = "tables";
    public static final String SNAPSHOTS_DIRECTORY = "snapshots";
    public static final String QUARANTINE_DIRECTORY = "quarantine";

    private StorageLayout() {
    }

    public static String commitLog(String directory) {
        return Disk.join(directory, COMMIT_LOG_DIRECTORY);
    }

    public static String tables(String directory) {
        return Disk.join(directory, TABLES_DIRECTORY);
    }

    public static String snapshots(String directory) {
        return Disk.join(directory, SNAPSHOTS_DIRECTORY);
    }

    public static String quarantine(String directory) {
        return Disk.join(directory, QUARANTINE_DIRECTORY);
    }
}
