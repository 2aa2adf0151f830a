package ringdb.sim;

import ringdb.core.store.LocalStore;

/**
 * A simulated node's storage: its data and hints engines over a disk that outlives the node.
 * {@link #open()} (re)opens both engines from the disk, recovering tables and replaying the commit
 * log; {@link #crash()} loses every unsynced byte, as a power cut would.
 */
interface SimStorage {
    /** Opens (or reopens after a crash) the node's engines: index 0 data, index 1 hints. */
    LocalStore[] open();

    /** The node crashed: unsynced bytes are lost and open engines become unusable. */
    void crash();

    /** Bytes on the disk (durable or not), for status displays. */
    long diskBytes();
}
