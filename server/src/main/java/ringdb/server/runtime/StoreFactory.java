package ringdb.server.runtime;

import java.nio.file.Path;
import ringdb.core.Clock;
import ringdb.core.Timers;
import ringdb.core.store.LocalStore;
import ringdb.storage.rows.TombstoneKinds;

/**
 * Opens a node's storage engines (data and hints) in their directories, recovering what is there.
 * Closed after every store it opened has been closed.
 */
public interface StoreFactory extends AutoCloseable {
    /** Opens (creating if needed) the store kept in {@code directory}; fails with a clear message on damage. */
    LocalStore open(Path directory, Clock clock, Timers timers);

    /**
     * As {@link #open}, the store's compactions telling row and collection deletions from cell
     * tombstones with {@code kinds} (the node's schema), so they drop what those cover and purge them
     * after gc_grace. The default ignores {@code kinds} (compaction then keeps them and what they cover).
     */
    default LocalStore open(Path directory, Clock clock, Timers timers, TombstoneKinds kinds) {
        return open(directory, clock, timers);
    }

    /**
     * Opens the hints store kept in {@code directory}: as {@link #open}, but its values may be as
     * large as a hint of a maximal mutation (see {@code StorageConfig.forHints}).
     */
    LocalStore openHints(Path directory, Clock clock, Timers timers);

    /** Heap bytes the data store's partition cache may hold (0: none, or not known). */
    default long partitionCacheSizeBytes() {
        return 0;
    }

    @Override
    void close();
}
