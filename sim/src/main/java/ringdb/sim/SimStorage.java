package ringdb.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import ringdb.core.Clock;
import ringdb.core.Timers;
import ringdb.core.store.LocalStore;
import ringdb.storage.StorageConfig;
import ringdb.storage.StorageEngine;
import ringdb.storage.disk.SimDisk;

/**
 * A simulated node's storage: its data engine and its hints engine, two {@link StorageEngine}s in
 * their own directories of one {@link SimDisk} that outlives the node. {@link #open} (re)opens both,
 * verifying tables and replaying the commit log; {@link #crash()} loses every unsynced byte, as a
 * power cut would, and leaves the old engines unusable. Simulation thread only.
 */
final class SimStorage {
    static final String DATA_DIRECTORY = "data";
    static final String HINTS_DIRECTORY = "hints";

    private final SimDisk disk;
    private final StorageConfig config;
    private StorageEngine data;
    private StorageEngine hints;

    /** {@code diskTimers} must outlive node crashes: the disk completes syncs through them. */
    SimStorage(Random random, Timers diskTimers, long syncLatencyMicros, StorageConfig config) {
        this.disk = new SimDisk(random, diskTimers, syncLatencyMicros);
        this.config = config;
    }

    /** Opens both engines with the new incarnation's clock and timers. */
    void open(Clock clock, Timers timers) {
        try {
            data = StorageEngine.open(disk, DATA_DIRECTORY, config, clock, timers);
            hints = StorageEngine.open(disk, HINTS_DIRECTORY, config.forHints(), clock, timers);
        } catch (IOException e) {
            throw new UncheckedIOException("opening the simulated node's storage failed", e);
        }
    }

    LocalStore data() {
        return data;
    }

    LocalStore hints() {
        return hints;
    }

    StorageEngine dataEngine() {
        return data;
    }

    SimDisk disk() {
        return disk;
    }

    /** The node crashed: unsynced bytes are lost; the engines are dropped without closing. */
    void crash() {
        crash(false);
    }

    /**
     * The node crashed: unsynced bytes are lost (with {@code tearUnsyncedWrites}, each file keeps a
     * random prefix of its unsynced bytes, as a power cut in mid-write would); the engines are
     * dropped without closing.
     */
    void crash(boolean tearUnsyncedWrites) {
        if (tearUnsyncedWrites) {
            disk.crashTearingUnsyncedWrites();
        } else {
            disk.crash();
        }
        data = null;
        hints = null;
    }
}
