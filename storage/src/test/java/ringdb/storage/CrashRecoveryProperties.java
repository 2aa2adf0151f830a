package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.storage.disk.SimDisk;
import ringdb.storage.testing.ManualTimers;
import ringdb.core.ring.Partitioner;

/**
 * Crashes the simulated disk at random points under load (GROUP sync with latency, flushes,
 * compactions, torn unsynced writes): after recovery every acknowledged mutation is present,
 * and every cell read back is one that was actually written. The seed reproduces a failure.
 */
class CrashRecoveryProperties {
    private static final int KEY_COUNT = 40;

    @Property(tries = 60)
    void acknowledgedWritesSurviveCrashesAndNothingIsInvented(@ForAll long seed) throws IOException {
        Random random = new Random(seed);
        ManualTimers timers = new ManualTimers(1_000_000);
        SimDisk disk = new SimDisk(new Random(seed ^ 0x5DEECE66DL), timers, 200);
        StorageConfig config = smallEngine().toBuilder()
                .syncMode(random.nextBoolean() ? SyncMode.GROUP : SyncMode.BATCH).build();
        crashRounds(seed, random, timers, config, disk, () -> {
            if (random.nextBoolean()) {
                disk.crash();
            } else {
                disk.crashTearingUnsyncedWrites();
            }
        }, false);
        // Segments written over retired ones (whose old records follow the new after a crash) must be common.
        Statistics.label("commit log segments recycled").collect(disk.recycledCount() > 0);
        Statistics.label("commit log segments recycled")
                .coverage(coverage -> coverage.check(true).percentage(p -> p >= 40));
    }

    /**
     * A power cut during write-back persists unsynced pages in any order. The open then either
     * succeeds or stops with a CorruptionException (damage followed by a record written after it,
     * though never acknowledged); reopening with the skip option then recovers. Either way every
     * acknowledged mutation is present and nothing unwritten appears.
     */
    @Property(tries = 40)
    void aPowerCutPersistingPagesOutOfOrderLosesNoAcknowledgedWrite(@ForAll long seed) throws IOException {
        Random random = new Random(seed);
        ManualTimers timers = new ManualTimers(1_000_000);
        SimDisk disk = new SimDisk(new Random(seed ^ 0x5DEECE66DL), timers, 200);
        boolean refused = crashRounds(seed, random, timers, smallEngine(), disk,
                // small pages: these records are small too
                () -> disk.crashPersistingUnsyncedPagesOutOfOrder(256), true);
        // The refusal (the documented limit of the torn-tail rule) must be exercised, or the skip path is not.
        Statistics.label("open refused after an out-of-order power cut").collect(refused);
        Statistics.label("open refused after an out-of-order power cut")
                .coverage(coverage -> coverage.check(true).percentage(p -> p >= 30));
    }

    /** Small memtable and segments, so that a few writes flush, roll over, recycle and compact. */
    private static StorageConfig smallEngine() {
        return StorageConfig.builder().memtableSizeBytesMax(4096).commitLogSizes(32 * 1024, 4096)
                .compactionThresholds(2, 4).build();
    }

    /**
     * Six rounds of: open, check, random load, {@code crash}; then a last open and check. With
     * {@code skipWhenRefused}, an open refused as corrupt is retried with the skip option (else the
     * refusal fails the property). Returns whether any open was refused.
     */
    private static boolean crashRounds(long seed, Random random, ManualTimers timers, StorageConfig config,
                                       SimDisk disk, Runnable crash, boolean skipWhenRefused) throws IOException {
        Map<DecoratedKey, List<Cell>> written = new HashMap<>();
        Map<DecoratedKey, Cell> acknowledged = new HashMap<>();
        long timestamp = 1;
        boolean refused = false;
        for (int round = 0; round < 6; round++) {
            StorageEngine engine = open(disk, timers, config, skipWhenRefused);
            refused |= engine.config().skipCorruptCommitLogRecords();
            checkInvariants(engine, written, acknowledged, seed);
            int operations = random.nextInt(120);
            for (int i = 0; i < operations; i++) {
                timestamp = step(engine, random, timers, written, acknowledged, timestamp);
            }
            timers.clear();
            crash.run();
        }
        StorageEngine engine = open(disk, timers, config, skipWhenRefused);
        refused |= engine.config().skipCorruptCommitLogRecords();
        checkInvariants(engine, written, acknowledged, seed);
        engine.close();
        return refused;
    }

    /** Opens the engine; an open refused as corrupt is retried with the skip option when {@code skipWhenRefused}. */
    private static StorageEngine open(SimDisk disk, ManualTimers timers, StorageConfig config, boolean skipWhenRefused)
            throws IOException {
        try {
            return StorageEngine.open(disk, "/n", config, timers, timers);
        } catch (CorruptionException e) {
            if (!skipWhenRefused) {
                throw e;
            }
            StorageConfig skipping = config.toBuilder().skipCorruptCommitLogRecords(true).build();
            return StorageEngine.open(disk, "/n", skipping, timers, timers);
        }
    }

    private static long step(StorageEngine engine, Random random, ManualTimers timers,
                             Map<DecoratedKey, List<Cell>> written, Map<DecoratedKey, Cell> acknowledged,
                             long timestamp) {
        int choice = random.nextInt(100);
        if (choice < 80) {
            byte[] key = EngineModelProperties.key(random.nextInt(KEY_COUNT));
            long stamp = random.nextInt(10) == 0 ? Math.max(1, timestamp - random.nextInt(50)) : timestamp;
            Cell cell = random.nextInt(5) == 0 ? Cell.tombstone(stamp)
                    : Cell.value(EngineModelProperties.value(random.nextInt(200), random.nextInt(4)), stamp);
            DecoratedKey decorated = DecoratedKey.of(Partitioner.SHA1, key);
            written.computeIfAbsent(decorated, k -> new ArrayList<>()).add(cell);
            engine.apply(key, cell, failure -> {
                if (failure == null) {
                    acknowledged.merge(decorated, cell, Cell::reconcile);
                }
            });
            return timestamp + 1;
        }
        if (choice < 85) {
            engine.flush();
        } else if (choice < 88) {
            try {
                engine.compactAll();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        } else {
            timers.advance(random.nextInt(400));
        }
        return timestamp;
    }

    private static void checkInvariants(StorageEngine engine, Map<DecoratedKey, List<Cell>> written,
                                        Map<DecoratedKey, Cell> acknowledged, long seed) {
        for (int i = 0; i < KEY_COUNT; i++) {
            byte[] key = EngineModelProperties.key(i);
            DecoratedKey decorated = DecoratedKey.of(Partitioner.SHA1, key);
            Cell read = engine.read(key);
            Cell acked = acknowledged.get(decorated);
            if (acked != null) {
                assertThat(read).as("seed %d: acknowledged %s of key %d lost", seed, acked, i).isNotNull();
                assertThat(read.compareVersion(acked))
                        .as("seed %d: key %d went back from %s to %s", seed, i, acked, read)
                        .isGreaterThanOrEqualTo(0);
            }
            if (read != null) {
                assertThat(written.getOrDefault(decorated, List.of()))
                        .as("seed %d: key %d read a cell never written", seed, i)
                        .contains(read);
            }
        }
    }
}
