package ringdb.storage.disk;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * A file being written at its end. One thread appends; {@link #sync} and {@link #syncAsync} may be
 * called from any thread and make everything appended before the call durable.
 */
public interface AppendFile extends AutoCloseable {
    /** Appends bytes at the end of the file (not yet durable). */
    void append(byte[] bytes, int offset, int length) throws IOException;

    /** Whether the file was created over preallocated zeros ({@link Disk#createPreallocated}). */
    default boolean preallocated() {
        return false;
    }

    /** Bytes appended so far, including any that were present when the file was opened. */
    long size();

    /** Makes every byte appended before this call durable. A failed sync leaves the file failed. */
    void sync() throws IOException;

    /**
     * Requests that every byte appended before this call become durable, then runs
     * {@code onDurable} exactly once with {@code null}, or with the failure. Requests that arrive
     * while a sync is under way share the next one (group commit). The callback may run on another
     * thread (the real disk's sync thread) or, on a disk without latency, before this returns.
     */
    void syncAsync(Consumer<Throwable> onDurable);

    /** The first sync failure of this file, or null. Once a sync failed, nothing later is trusted. */
    Throwable syncFailure();

    /**
     * Releases the file without syncing it. A later {@link #sync} succeeds only if everything
     * appended had already been synced.
     */
    @Override
    void close() throws IOException;
}
