package ringdb.storage.disk;

import java.io.IOException;
import java.util.List;

/**
 * Every file operation of the storage engine goes through a {@code Disk}: the real one
 * ({@link ringdb.storage.disk.file.FileDisk}) uses FileChannel and a sync thread; the simulated one
 * ({@link SimDisk}) keeps bytes in memory and loses whatever was not synced when its node crashes.
 *
 * <p>Paths are strings with {@code /} separators. Directory operations (create, rename, delete,
 * link) are atomic; call {@link #syncDirectory} to make them durable on a real disk.
 *
 * <p>Threading: a Disk may be used from several threads; each open {@link AppendFile} has a single
 * writer (its owner's thread) but may be synced from any thread.
 */
public interface Disk extends AutoCloseable {
    /** Creates {@code directory} and any missing parents; does nothing when it exists. */
    void createDirectories(String directory) throws IOException;

    /** Names (not paths) of the entries of {@code directory}, sorted; empty when it does not exist. */
    List<String> list(String directory) throws IOException;

    boolean exists(String path);

    /** Size of the file in bytes as the disk currently holds it (synced or not). */
    long size(String path) throws IOException;

    /** Creates a new, empty file for appending; fails when it already exists. */
    AppendFile create(String path) throws IOException;

    /**
     * Creates a new file for appending, like {@link #create}, whose blocks may already exist on
     * disk so that syncing what is written over them is cheaper: zeros, or the old bytes of a file
     * given to {@link #retire} in the same directory. Its {@link AppendFile#size} starts at 0;
     * closing it cuts off the old bytes not written over, durably when everything written was
     * synced. Until then, and after a crash, reading it shows those old bytes past what was
     * written, so its format must tell them from new writes. A disk without preallocation returns
     * a plain new file.
     */
    default AppendFile createPreallocated(String path, long sizeBytes) throws IOException {
        return create(path);
    }

    /**
     * Whether {@link #createPreallocated} in {@code directory} would now return a preallocated file
     * of {@code sizeBytes}. A disk without preallocation says false.
     */
    default boolean preallocatedReady(String directory, long sizeBytes) {
        return false;
    }

    /** Opens an existing file for reading. The caller closes it. */
    ReadFile openRead(String path) throws IOException;

    /** Cuts the file down to {@code sizeBytes} and makes the cut durable. */
    void truncate(String path, long sizeBytes) throws IOException;

    /** Deletes a file or an empty directory; does nothing when it does not exist. */
    void delete(String path) throws IOException;

    /**
     * The file at {@code path} is no longer needed: the disk deletes it, or keeps it (renamed to a
     * name ending in {@code .spare}, or out of sight) to hand out its blocks and old bytes from a
     * later {@link #createPreallocated} in the same directory. Only for files whose readers can
     * tell old bytes from new, as {@link #createPreallocated} requires. Make it durable with
     * {@link #syncDirectory}.
     */
    default void retire(String path) throws IOException {
        delete(path);
    }

    /** Atomically renames {@code source} to {@code target}, replacing the target. */
    void rename(String source, String target) throws IOException;

    /** Creates a hard link {@code newLink} to the existing file {@code existing}. */
    void link(String existing, String newLink) throws IOException;

    /** Makes the directory entries (created, renamed, deleted files) of {@code directory} durable. */
    void syncDirectory(String directory) throws IOException;

    /**
     * Takes the exclusive lock of {@code directory} (creating it) so that no second engine, in this
     * process or another, opens it at the same time; closing the returned handle releases it, and
     * so does the death of the process. Throws an IOException saying who holds it. A disk shared
     * by one process only (the simulated one) needs no lock.
     */
    default AutoCloseable lockDirectory(String directory) throws IOException {
        return () -> { };
    }

    /** Background work lanes: flushes never queue behind a long compaction. */
    enum Lane {
        FLUSH,
        COMPACTION
    }

    /**
     * Runs blocking file work (writing a table, compacting) off the caller's thread where this disk
     * has threads: tasks of one lane run one at a time in submission order. A disk without threads
     * (the simulated one) runs the task before returning, which keeps simulations deterministic.
     * The task reports its own outcome; it must not throw.
     */
    default void background(Lane lane, Runnable task) {
        task.run();
    }

    /**
     * The pacing of background work on {@code lane} at {@code bytesPerSecond} (0 = none), shared by
     * every engine on this disk (Cassandra's compaction throughput is one budget per node too); the
     * latest rate asked for applies. A disk without threads (the simulated one) never pauses.
     */
    default ByteThrottle throttle(Lane lane, long bytesPerSecond) {
        return ByteThrottle.NONE;
    }

    /** Releases threads and files this disk holds. Open files must have been closed first. */
    @Override
    default void close() {
    }

    /** Joins a parent path and a name. */
    static String join(String parent, String name) {
        return parent.endsWith("/") ? parent + name : parent + "/" + name;
    }
}
