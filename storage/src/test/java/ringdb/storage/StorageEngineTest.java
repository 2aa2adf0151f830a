package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import ringdb.core.data.Cell;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.data.Limits;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.StorageKeys;
import ringdb.core.store.LocalStore;
import ringdb.storage.disk.Disk;
import ringdb.storage.disk.SimDisk;
import ringdb.storage.sstable.SSTableFormat;
import ringdb.storage.testing.ManualTimers;
import ringdb.core.ring.Partitioner;

class StorageEngineTest {
    private static final String DIRECTORY = "/node1";
    private final ManualTimers timers = new ManualTimers(1_000_000);
    private final SimDisk disk = new SimDisk(new Random(1));
    private final List<Throwable> acks = new ArrayList<>();
    private final Consumer<Throwable> ack = acks::add;

    private StorageEngine open(StorageConfig config) throws IOException {
        return StorageEngine.open(disk, DIRECTORY, config, timers, timers);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsWhatWasWrittenAcrossFlushAndReopen() throws IOException {
        StorageEngine engine = open(StorageConfig.defaults());
        engine.apply(bytes("apple"), Cell.value(bytes("red"), 10), ack);
        engine.apply(bytes("banana"), Cell.value(bytes("yellow"), 11), ack);
        engine.flush();
        engine.apply(bytes("apple"), Cell.tombstone(12), ack);
        engine.apply(bytes("cherry"), Cell.value(bytes("dark"), 13), ack);
        assertThat(acks).hasSize(4).containsOnlyNulls();
        engine.close();

        StorageEngine reopened = open(StorageConfig.defaults());
        assertThat(reopened.read(bytes("apple"))).isEqualTo(Cell.tombstone(12));
        assertThat(reopened.read(bytes("banana"))).isEqualTo(Cell.value(bytes("yellow"), 11));
        assertThat(reopened.read(bytes("cherry"))).isEqualTo(Cell.value(bytes("dark"), 13));
        assertThat(reopened.read(bytes("durian"))).isNull();
        assertThat(reopened.recoveryReport().recordsReplayed()).isEqualTo(2);
        assertThat(reopened.stats().tableCount()).isEqualTo(1);
        reopened.close();
    }

    @Test
    void olderTimestampNeverOverwritesNewerOneEvenAfterFlush() throws IOException {
        StorageEngine engine = open(StorageConfig.defaults());
        engine.apply(bytes("k"), Cell.value(bytes("new"), 100), ack);
        engine.flush();
        engine.apply(bytes("k"), Cell.value(bytes("old"), 50), ack);
        assertThat(engine.read(bytes("k"))).isEqualTo(Cell.value(bytes("new"), 100));
        engine.flush();
        engine.compactAll();
        assertThat(engine.read(bytes("k"))).isEqualTo(Cell.value(bytes("new"), 100));
        assertThat(engine.tables()).hasSize(1);
        engine.close();
    }

    @Test
    void compactionsArePacedAtTheConfiguredThroughputAndFlushesAndCleanupsAreNot() throws IOException {
        StorageEngine engine = open(StorageConfig.builder().compactionThroughputBytesPerSecond(5L << 20).build());
        for (int table = 0; table < 2; table++) {
            for (int i = 0; i < 200; i++) {
                engine.apply(bytes("key-" + table + "-" + i), Cell.value(new byte[100], 1 + i), ack);
            }
            engine.flush();
        }
        assertThat(disk.throttled(Disk.Lane.FLUSH)[1]).as("flushes are never paced").isZero();
        engine.compactAll();
        long[] compaction = disk.throttled(Disk.Lane.COMPACTION);
        assertThat(compaction[0]).isEqualTo(5L << 20);
        assertThat(compaction[1]).as("the output's data blocks were reported").isGreaterThan(400 * 100);
        engine.apply(bytes("one more"), Cell.value(new byte[100], 1), ack);
        assertThat(engine.purge(key -> key.token() % 2 == 0)).isPositive(); // a cleanup, which its caller waits for
        assertThat(disk.throttled(Disk.Lane.COMPACTION)[1]).as("a cleanup's rewrite is not paced")
                .isEqualTo(compaction[1]);
        engine.close();
        assertThatThrownBy(() -> StorageConfig.builder().compactionThroughputBytesPerSecond(-1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("compactionThroughputBytesPerSecond");
    }

    @Test
    void oversizedKeysAndValuesAreRefusedBeforeAnythingIsWritten() throws IOException {
        StorageEngine engine = open(StorageConfig.builder().valueSizeBytesMax(1024).build());
        long logBefore = engine.stats().commitLogBytes();
        assertThatThrownBy(() -> engine.apply(new byte[Limits.STORAGE_KEY_BYTES_MAX + 1], Cell.value(new byte[1], 1),
                ack)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("key is " + (Limits.STORAGE_KEY_BYTES_MAX + 1) + " bytes")
                .hasMessageContaining("STORAGE_KEY_BYTES_MAX");
        assertThatThrownBy(() -> engine.apply(bytes("k"), Cell.value(new byte[1025], 1), ack))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("value is 1025 bytes; the limit is 1024");
        assertThatThrownBy(() -> engine.apply(new byte[0], Cell.value(new byte[1], 1), ack))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("empty");
        assertThat(engine.stats().commitLogBytes()).isEqualTo(logBefore);
        assertThat(acks).isEmpty();
        engine.apply(new byte[Limits.STORAGE_KEY_BYTES_MAX], Cell.value(new byte[1024], 1), ack);
        engine.flush();
        assertThat(engine.read(new byte[Limits.STORAGE_KEY_BYTES_MAX])).isEqualTo(Cell.value(new byte[1024], 1));
        engine.close();
    }

    @Test
    void aTableEntryKeyLongerThanAKeyValueKeyIsStoredAndOneOverTheStorageLimitIsRefusedWholeBatch()
            throws IOException {
        StorageEngine engine = open(StorageConfig.builder().build());
        byte[] partition = new byte[1 + 16 + 3];
        partition[0] = StorageKeys.TABLE;
        partition[17] = 'p';
        partition[19] = StorageKeys.LAST_COMPONENT_END;
        byte[] longKey = java.util.Arrays.copyOf(partition, 100_000); // a long clustering, past 64 KiB
        longKey[partition.length] = 0x03;
        java.util.Arrays.fill(longKey, partition.length + 1, longKey.length, (byte) 'c');
        DecoratedKey decorated = DecoratedKey.of(Partitioner.SHA1, longKey);
        engine.applyBatch(List.of(new LocalStore.Entry(decorated, Cell.value(bytes("v"), 1))), ack);
        engine.flush();
        assertThat(engine.read(longKey)).isEqualTo(Cell.value(bytes("v"), 1));
        long logBefore = engine.stats().commitLogBytes();
        byte[] tooLong = java.util.Arrays.copyOf(longKey, Limits.STORAGE_KEY_BYTES_MAX + 1);
        byte[] fine = java.util.Arrays.copyOf(longKey, 1_000);
        assertThatThrownBy(() -> engine.applyBatch(List.of(
                new LocalStore.Entry(new DecoratedKey(decorated.token(), fine), Cell.value(bytes("x"), 2)),
                new LocalStore.Entry(new DecoratedKey(decorated.token(), tooLong), Cell.value(bytes("x"), 2))), ack))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("STORAGE_KEY_BYTES_MAX");
        assertThat(engine.stats().commitLogBytes()).as("nothing of the refused batch was written").isEqualTo(logBefore);
        assertThat(engine.read(fine)).isNull();
        engine.close();
    }

    @Test
    void memtableFlushesWhenItPassesItsSizeLimit() throws IOException {
        StorageEngine engine = open(StorageConfig.builder().memtableSizeBytesMax(64 * 1024).build());
        for (int i = 0; i < 200; i++) {
            engine.apply(bytes("key" + i), Cell.value(new byte[1024], i), ack);
        }
        assertThat(engine.stats().tableCount()).isGreaterThanOrEqualTo(2);
        assertThat(engine.stats().memtableBytes()).isLessThanOrEqualTo(64 * 1024);
        for (int i = 0; i < 200; i++) {
            assertThat(engine.read(bytes("key" + i))).isEqualTo(Cell.value(new byte[1024], i));
        }
        engine.close();
    }

    @Test
    void flushPeriodWritesTheMemtableOutAndDeletesCoveredSegments() throws IOException {
        StorageEngine engine = open(StorageConfig.builder().flushPeriodMicros(500_000).build());
        engine.apply(bytes("a"), Cell.value(bytes("1"), 1), ack);
        assertThat(disk.list(DIRECTORY + "/commitlog")).hasSize(1);
        timers.advance(500_000);
        assertThat(engine.stats().tableCount()).isEqualTo(1);
        assertThat(engine.stats().memtableBytes()).isZero();
        assertThat(disk.list(DIRECTORY + "/commitlog")).hasSize(1);
        engine.close();
    }

    @Test
    void commitLogLimitForcesFlush() throws IOException {
        StorageEngine engine = open(StorageConfig.builder().commitLogSizes(64 * 1024, 16 * 1024).build());
        for (int i = 0; i < 300; i++) {
            engine.apply(bytes("key" + i), Cell.value(new byte[512], i), ack);
            assertThat(engine.stats().commitLogBytes()).isLessThanOrEqualTo(64 * 1024 + 16 * 1024);
        }
        assertThat(engine.stats().tableCount()).isPositive();
        engine.close();
    }

    @Test
    void compactionPurgesOldTombstonesOnlyWhenNoOtherTableCanHoldTheKey() throws IOException {
        StorageConfig config = StorageConfig.builder().gcGraceMicros(1_000).build();
        StorageEngine engine = open(config);
        engine.apply(bytes("gone"), Cell.value(bytes("v"), 10), ack);
        engine.flush();
        engine.apply(bytes("gone"), Cell.tombstone(20), ack);
        engine.apply(bytes("other"), Cell.value(bytes("x"), 20), ack);
        engine.flush();
        timers.advance(10_000);
        // Compacting only the newest table must keep the tombstone: the older table holds a value.
        assertThat(engine.tables()).hasSize(2);
        engine.compactAll();
        assertThat(engine.read(bytes("gone"))).isNull();
        assertThat(engine.read(bytes("other"))).isEqualTo(Cell.value(bytes("x"), 20));
        assertThat(engine.tables().get(0).metadata().tombstoneCount()).isZero();
        engine.close();
    }

    @Test
    void tombstoneWithinGcGraceSurvivesCompaction() throws IOException {
        StorageEngine engine = open(StorageConfig.defaults());
        engine.apply(bytes("gone"), Cell.value(bytes("v"), 10), ack);
        engine.apply(bytes("gone"), Cell.tombstone(20), ack);
        engine.flush();
        engine.compactAll();
        assertThat(engine.read(bytes("gone"))).isEqualTo(Cell.tombstone(20));
        engine.close();
    }

    @Test
    void sizeTieredCompactionMergesFourSimilarTables() throws IOException {
        StorageEngine engine = open(StorageConfig.defaults());
        for (int table = 0; table < 4; table++) {
            for (int i = 0; i < 50; i++) {
                engine.apply(bytes("key" + i), Cell.value(bytes("v" + table), table * 100 + i), ack);
            }
            engine.flush();
        }
        assertThat(engine.tables()).hasSize(1);
        assertThat(engine.tables().get(0).metadata().entryCount()).isEqualTo(50);
        assertThat(engine.read(bytes("key7"))).isEqualTo(Cell.value(bytes("v3"), 307));
        engine.close();
    }

    @Test
    void scanWalksTheRingInTokenOrderAndWraps() throws IOException {
        StorageEngine engine = open(StorageConfig.defaults());
        List<DecoratedKey> keys = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            byte[] key = bytes("key" + i);
            keys.add(DecoratedKey.of(Partitioner.SHA1, key));
            engine.apply(key, Cell.value(bytes("v" + i), i), ack);
            if (i == 40) {
                engine.flush();
            }
        }
        keys.sort(null);
        long start = keys.get(30).token();
        List<LocalStore.Entry> whole = new ArrayList<>();
        DecoratedKey after = null;
        while (true) {
            List<LocalStore.Entry> page = engine.scan(start, start, after, 7);
            whole.addAll(page);
            if (page.size() < 7) {
                break;
            }
            after = page.get(page.size() - 1).key();
        }
        List<DecoratedKey> expected = new ArrayList<>(keys.subList(31, 100));
        expected.addAll(keys.subList(0, 31));
        assertThat(whole).extracting(LocalStore.Entry::key).containsExactlyElementsOf(expected);

        List<LocalStore.Entry> slice = engine.scan(keys.get(10).token(), keys.get(20).token(), null, 1000);
        assertThat(slice).extracting(LocalStore.Entry::key).containsExactlyElementsOf(keys.subList(11, 21));
        engine.close();
    }

    @Test
    void snapshotIsRestorableAfterLaterWrites() throws IOException {
        StorageEngine engine = open(StorageConfig.defaults());
        engine.apply(bytes("a"), Cell.value(bytes("before"), 1), ack);
        assertThat(engine.snapshot("s1")).isEqualTo(1);
        engine.apply(bytes("a"), Cell.value(bytes("after"), 2), ack);
        engine.apply(bytes("b"), Cell.value(bytes("after"), 2), ack);
        engine.flush();
        engine.compactAll();
        assertThat(engine.listSnapshots()).containsExactly(
                new Snapshots.Snapshot("s1", 1, disk.size(DIRECTORY + "/snapshots/s1/" + "table-0000000000000001.db")));
        engine.close();

        Snapshots.restore(disk, DIRECTORY, "s1");
        StorageEngine restored = open(StorageConfig.defaults());
        assertThat(restored.read(bytes("a"))).isEqualTo(Cell.value(bytes("before"), 1));
        assertThat(restored.read(bytes("b"))).isNull();
        restored.apply(bytes("c"), Cell.value(bytes("later"), 3), ack);
        restored.close();
        StorageEngine again = open(StorageConfig.defaults());
        assertThat(again.read(bytes("c"))).isEqualTo(Cell.value(bytes("later"), 3));
        assertThatThrownBy(() -> again.snapshot("bad name")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("snapshot name");
        assertThatThrownBy(() -> again.snapshot("..")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not only dots");
        assertThatThrownBy(() -> Snapshots.restore(disk, DIRECTORY, ".")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not only dots");
        assertThat(again.read(bytes("c"))).isEqualTo(Cell.value(bytes("later"), 3));
        again.close();
    }

    @Test
    void periodicModeAcknowledgesAtOnceAndSyncsOnTheTimer() throws IOException {
        StorageEngine engine = open(
                StorageConfig.builder().syncMode(SyncMode.PERIODIC).periodicSyncMicros(10_000).build());
        long syncsBefore = disk.syncCount();
        engine.apply(bytes("a"), Cell.value(bytes("1"), 1), ack);
        assertThat(acks).containsExactly((Throwable) null);
        assertThat(disk.syncCount()).isEqualTo(syncsBefore);
        timers.advance(10_000);
        assertThat(disk.syncCount()).isEqualTo(syncsBefore + 1);
        disk.crash();
        StorageEngine reopened = open(StorageConfig.defaults());
        assertThat(reopened.read(bytes("a"))).isEqualTo(Cell.value(bytes("1"), 1));
        reopened.close();
    }

    @Test
    void groupModeAcknowledgesOnlyAfterTheSharedSync() throws IOException {
        SimDisk slowDisk = new SimDisk(new Random(2), timers, 1_000);
        StorageEngine engine = StorageEngine.open(slowDisk, DIRECTORY, StorageConfig.defaults(), timers, timers);
        long syncsBefore = slowDisk.syncCount();
        for (int i = 0; i < 10; i++) {
            engine.apply(bytes("k" + i), Cell.value(bytes("v"), i), ack);
        }
        assertThat(acks).isEmpty();
        timers.advance(1_000);
        assertThat(acks).hasSize(10).containsOnlyNulls();
        assertThat(slowDisk.syncCount()).isEqualTo(syncsBefore + 1);
        engine.close();
    }

    @Test
    void failedSyncFailsTheWriteAndRefusesLaterOnes() throws IOException {
        StorageEngine engine = open(StorageConfig.defaults());
        disk.failNextSyncs(1);
        engine.apply(bytes("a"), Cell.value(bytes("1"), 1), ack);
        assertThat(acks).hasSize(1);
        assertThat(acks.get(0)).isInstanceOf(IOException.class).hasMessageContaining("injected sync failure");
        engine.apply(bytes("b"), Cell.value(bytes("2"), 2), ack);
        assertThat(acks.get(1)).isInstanceOf(IOException.class).hasMessageContaining("refused until the node restarts");
        assertThat(engine.read(bytes("b"))).isNull();
        engine.close();
    }

    @Test
    void failedTableWriteKeepsTheDataAndIsRetried() throws IOException {
        StorageEngine engine = open(StorageConfig.defaults());
        engine.apply(bytes("a"), Cell.value(bytes("1"), 1), ack);
        disk.failNextSyncsOf(DIRECTORY + "/tables/", 2); // the flush and its immediate retry
        assertThatThrownBy(engine::flush).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("flush of").hasRootCauseMessage("injected sync failure");
        assertThat(engine.read(bytes("a"))).isEqualTo(Cell.value(bytes("1"), 1));
        assertThat(engine.stats().tableCount()).isZero();
        engine.apply(bytes("b"), Cell.value(bytes("2"), 2), ack);
        engine.flush(); // retries the failed flush first, in order, then flushes b
        assertThat(engine.stats().tableCount()).isEqualTo(2);
        assertThat(acks).containsOnlyNulls();
        disk.crash();
        StorageEngine reopened = open(StorageConfig.defaults());
        assertThat(reopened.read(bytes("a"))).isEqualTo(Cell.value(bytes("1"), 1));
        assertThat(reopened.read(bytes("b"))).isEqualTo(Cell.value(bytes("2"), 2));
        reopened.close();
    }

    @Test
    void aFailedCompactionDeletesItsPartialOutputAndBacksOff() throws IOException {
        StorageEngine engine = open(StorageConfig.builder().compactionThresholds(2, 4).build());
        engine.apply(bytes("a"), Cell.value(bytes("1"), 1), ack);
        engine.flush();
        long first = engine.tables().get(0).generation();
        // the second flush is table first + 1; the compaction it starts writes first + 2
        disk.failNextSyncsOf(DIRECTORY + "/tables/" + SSTableFormat.fileName(first + 2), 1);
        engine.apply(bytes("b"), Cell.value(bytes("2"), 2), ack);
        engine.flush();
        assertThat(engine.lastBackgroundFailure()).hasMessage("injected sync failure");
        assertThat(engine.stats().tableCount()).as("not retried at once").isEqualTo(2);
        assertThat(disk.list(DIRECTORY + "/tables")).as("partial output deleted")
                .noneMatch(name -> name.endsWith(SSTableFormat.TEMPORARY_SUFFIX)).hasSize(2);
        engine.apply(bytes("c"), Cell.value(bytes("3"), 3), ack);
        engine.flush();
        assertThat(engine.stats().tableCount()).as("still backing off").isEqualTo(3);
        timers.advance(2_000_000);
        engine.apply(bytes("d"), Cell.value(bytes("4"), 4), ack);
        engine.flush();
        assertThat(engine.stats().tableCount()).as("compacted after the backoff").isEqualTo(1);
        assertThat(disk.list(DIRECTORY + "/tables")).hasSize(1);
        for (String key : List.of("a", "b", "c", "d")) {
            assertThat(engine.read(bytes(key))).as(key).isNotNull();
        }
        assertThat(acks).containsOnlyNulls();
        engine.close();
    }

    @Test
    void automaticFlushFailureBacksOffAndRetriesWithoutLosingWrites() throws IOException {
        StorageEngine engine = open(StorageConfig.builder().memtableSizeBytesMax(4096).build());
        disk.failNextSyncsOf(DIRECTORY + "/tables/", 1);
        for (int i = 0; i < 20; i++) {
            engine.apply(bytes("k" + i), Cell.value(new byte[300], i), ack);
        }
        assertThat(engine.lastBackgroundFailure()).hasMessage("injected sync failure");
        assertThat(engine.stats().tableCount()).isZero();
        timers.advance(2_000_000);
        for (int i = 20; i < 40; i++) {
            engine.apply(bytes("k" + i), Cell.value(new byte[300], i), ack);
        }
        assertThat(engine.stats().tableCount()).isPositive();
        disk.crash();
        StorageEngine reopened = open(StorageConfig.defaults());
        for (int i = 0; i < 40; i++) {
            assertThat(reopened.read(bytes("k" + i))).isEqualTo(Cell.value(new byte[300], i));
        }
        reopened.close();
    }

    @Test
    void tombstoneIsKeptWhenATableOutsideTheCompactionHoldsAnOlderValue() throws IOException {
        StorageEngine engine = open(StorageConfig.builder().gcGraceMicros(1_000).compactionThresholds(2, 32).build());
        engine.apply(bytes("k"), Cell.value(bytes("old"), 10), ack);
        for (int i = 0; i < 5000; i++) { // a large table: a size tier of its own
            engine.apply(bytes("filler" + i), Cell.value(new byte[1024], 10), ack);
        }
        engine.flush();
        engine.apply(bytes("k"), Cell.tombstone(20), ack);
        engine.flush();
        assertThat(engine.tables()).hasSize(2);
        timers.advance(10_000); // the tombstone is now older than gc_grace
        engine.apply(bytes("other"), Cell.value(bytes("x"), 30), ack);
        engine.flush(); // the two small tables are compacted; the large one is not
        assertThat(engine.tables()).hasSize(2);
        assertThat(engine.read(bytes("k"))).isEqualTo(Cell.tombstone(20));
        engine.compactAll(); // now nothing outside can hold k: the tombstone and the value both go
        assertThat(engine.read(bytes("k"))).isNull();
        engine.close();
    }

    @Test
    void purgeRemovesRejectedTokensWithoutTombstonesAndKeepsTheRest() throws IOException {
        StorageEngine engine = open(StorageConfig.defaults());
        for (int i = 0; i < 200; i++) {
            engine.apply(bytes("key" + i), Cell.value(bytes("v" + i), i + 1), ack);
            if (i == 100) {
                engine.flush();
            }
        }
        long removed = engine.purge(key -> key.token() >= 0);
        int expectedRemoved = 0;
        for (int i = 0; i < 200; i++) {
            boolean kept = DecoratedKey.of(Partitioner.SHA1, bytes("key" + i)).token() >= 0;
            expectedRemoved += kept ? 0 : 1;
            assertThat(engine.read(bytes("key" + i))).as("key%d", i)
                    .isEqualTo(kept ? Cell.value(bytes("v" + i), i + 1) : null);
        }
        assertThat(removed).isEqualTo(expectedRemoved).isPositive();
        assertThat(engine.tables()).hasSize(1);
        assertThat(engine.tables().get(0).metadata().tombstoneCount()).isZero();
        engine.close();
        StorageEngine reopened = open(StorageConfig.defaults());
        assertThat(reopened.scan(0, 0, null, 1000)).hasSize(200 - expectedRemoved);
        reopened.close();
    }
}
