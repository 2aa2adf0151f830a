package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;
import ringdb.storage.disk.SimDisk;
import ringdb.storage.testing.HeldBackgroundDisk;
import ringdb.storage.testing.ManualTimers;
import ringdb.core.ring.Partitioner;

/**
 * Flush, cleanup and snapshot asked for without waiting: the caller's thread goes on (reads, writes)
 * while the file work is held back on a slow disk, and the answer comes back through the timers once
 * the work is done.
 */
class AsyncMaintenanceTest {
    private static final String DIRECTORY = "/node1";
    private final ManualTimers timers = new ManualTimers(1_000_000);
    private final HeldBackgroundDisk disk = new HeldBackgroundDisk(new SimDisk(new Random(1)));
    private final List<Throwable> acks = new ArrayList<>();

    private record Outcome<T>(T result, Throwable failure) {
    }

    private StorageEngine open() throws IOException {
        return StorageEngine.open(disk, DIRECTORY, StorageConfig.defaults(), timers, timers);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private void put(StorageEngine engine, String key, String value, long timestamp) {
        engine.apply(bytes(key), Cell.value(bytes(value), timestamp), acks::add);
    }

    @Test
    void aFlushAskedForWithoutWaitingLeavesReadsAndWritesServedUntilItsTableIsInstalled() throws IOException {
        StorageEngine engine = open();
        put(engine, "apple", "red", 10);
        List<Outcome<Long>> outcomes = new ArrayList<>();
        engine.flushAsync((bytes, failure) -> outcomes.add(new Outcome<>(bytes, failure)));

        assertThat(outcomes).as("the flush is still on the disk").isEmpty();
        assertThat(disk.heldCount()).isEqualTo(1);
        assertThat(engine.read(bytes("apple"))).as("the frozen memtable stays readable")
                .isEqualTo(Cell.value(bytes("red"), 10));
        put(engine, "banana", "yellow", 11);
        assertThat(engine.read(bytes("banana"))).isEqualTo(Cell.value(bytes("yellow"), 11));
        assertThat(engine.activities()).extracting(LocalStore.Activity::kind).containsExactly("flush");

        disk.runHeld();
        assertThat(outcomes).as("completion waits for the owner's thread").isEmpty();
        timers.advance(0);
        assertThat(outcomes).hasSize(1);
        assertThat(outcomes.get(0).failure()).isNull();
        assertThat(outcomes.get(0).result()).isPositive();
        assertThat(engine.stats().tableCount()).isEqualTo(1);
        assertThat(engine.activities()).isEmpty();
        assertThat(engine.read(bytes("apple"))).isEqualTo(Cell.value(bytes("red"), 10));
        assertThat(acks).hasSize(2).containsOnlyNulls();
        engine.close();
    }

    @Test
    void aCleanupRewritesOffTheCallersThreadAndReplacesTheTablesAtOnceWhenDone() throws IOException {
        StorageEngine engine = open();
        List<String> dropped = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String key = "key-" + i;
            put(engine, key, "v" + i, 1 + i);
            (DecoratedKey.of(Partitioner.SHA1, bytes(key)).token() >= 0 ? kept : dropped).add(key);
        }
        engine.flushAsync((bytes, failure) -> { });
        disk.runHeld();
        timers.advance(0);
        put(engine, "late", "in the memtable", 500);

        List<Outcome<Long>> outcomes = new ArrayList<>();
        engine.purgeAsync(key -> key.token() >= 0, (removed, failure) -> outcomes.add(new Outcome<>(removed, failure)));
        assertThat(outcomes).isEmpty();
        assertThat(engine.activities()).extracting(LocalStore.Activity::kind).containsExactly("cleanup");
        disk.runHeld(); // the flush of "late"; the rewrite is submitted once it is installed
        timers.advance(0);
        assertThat(outcomes).isEmpty();
        assertThat(disk.heldCount()).as("the rewrite").isEqualTo(1);
        assertThat(engine.activities().get(0).total()).as("entries to examine").isEqualTo(201);
        assertThat(engine.read(bytes(dropped.get(0)))).as("old tables serve until the rewrite is installed")
                .isNotNull();
        put(engine, "during", "the rewrite", 600);
        assertThat(engine.read(bytes("during"))).isEqualTo(Cell.value(bytes("the rewrite"), 600));

        disk.runHeld();
        timers.advance(0);
        long lateDropped = DecoratedKey.of(Partitioner.SHA1, bytes("late")).token() >= 0 ? 0 : 1;
        assertThat(outcomes).containsExactly(new Outcome<>(dropped.size() + lateDropped, null));
        for (String key : dropped) {
            assertThat(engine.read(bytes(key))).as(key).isNull();
        }
        for (String key : kept) {
            assertThat(engine.read(bytes(key))).as(key).isNotNull();
        }
        assertThat(engine.read(bytes("during"))).isEqualTo(Cell.value(bytes("the rewrite"), 600));
        assertThat(engine.activities()).isEmpty();
        engine.close();
    }

    @Test
    void aSnapshotLinksOffTheCallersThreadAndRefusesABadOrTakenNameAtOnce() throws IOException {
        StorageEngine engine = open();
        put(engine, "apple", "red", 10);
        assertThatThrownBy(() -> engine.snapshotAsync("..", (tables, failure) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not only dots");
        List<Outcome<Integer>> outcomes = new ArrayList<>();
        engine.snapshotAsync("before", (tables, failure) -> outcomes.add(new Outcome<>(tables, failure)));
        disk.runHeld(); // the flush
        timers.advance(0);
        assertThat(outcomes).isEmpty();
        assertThat(disk.heldCount()).as("the links").isEqualTo(1);
        assertThat(engine.activities()).extracting(LocalStore.Activity::describe)
                .containsExactly("snapshot: linking 1 tables (0 of 1 tables)");
        assertThat(engine.read(bytes("apple"))).isEqualTo(Cell.value(bytes("red"), 10));

        disk.runHeld();
        timers.advance(0);
        assertThat(outcomes).containsExactly(new Outcome<>(1, null));
        assertThat(engine.listSnapshots()).extracting(Snapshots.Snapshot::name).containsExactly("before");
        assertThatThrownBy(() -> engine.snapshotAsync("before", (tables, failure) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already exists");
        engine.close();
    }

    @Test
    void onADiskWithoutThreadsTheyCompleteBeforeReturningAsTheSimulatorNeeds() throws IOException {
        StorageEngine engine = StorageEngine.open(new SimDisk(new Random(2)), DIRECTORY, StorageConfig.defaults(),
                timers, timers);
        put(engine, "apple", "red", 10);
        List<Object> outcomes = new ArrayList<>();
        engine.flushAsync((bytes, failure) -> outcomes.add(failure == null ? "flushed" : failure));
        engine.purgeAsync(key -> false, (removed, failure) -> outcomes.add(failure == null ? removed : failure));
        engine.snapshotAsync("now", (tables, failure) -> outcomes.add(failure == null ? tables : failure));
        assertThat(outcomes).containsExactly("flushed", 1L, 0);
        engine.close();
    }
}
