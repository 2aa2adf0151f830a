package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Combinators;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;
import ringdb.storage.disk.SimDisk;
import ringdb.storage.testing.ManualTimers;
import ringdb.core.ring.Partitioner;

/**
 * The engine against a plain sorted map: random puts, deletes, flushes, compactions and
 * close/reopen cycles must leave reads and scans equal to the model's reconciled view.
 */
class EngineModelProperties {
    private static final int KEY_COUNT = 24;

    sealed interface Action permits Put, Delete, Flush, Compact, Reopen {
    }

    record Put(int key, long timestamp, int valueLength, int valueSeed) implements Action {
    }

    record Delete(int key, long timestamp) implements Action {
    }

    record Flush() implements Action {
    }

    record Compact() implements Action {
    }

    record Reopen() implements Action {
    }

    @Provide
    Arbitrary<List<Action>> actions() {
        Arbitrary<Integer> keys = Arbitraries.integers().between(0, KEY_COUNT - 1);
        Arbitrary<Long> timestamps = Arbitraries.longs().between(1, 60);
        Arbitrary<Action> put = Combinators.combine(keys, timestamps, Arbitraries.integers().between(0, 300),
                Arbitraries.integers().between(0, 3)).as(Put::new);
        Arbitrary<Action> delete = Combinators.combine(keys, timestamps).as(Delete::new);
        Arbitrary<Action> action = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(10, put), net.jqwik.api.Tuple.of(4, delete),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Flush())),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Compact())),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Reopen())));
        return action.list().ofMinSize(1).ofMaxSize(150);
    }

    private static StorageConfig smallConfig() {
        return StorageConfig.builder().memtableSizeBytesMax(2048).commitLogSizes(16 * 1024, 2048)
                .compactionThresholds(2, 4).build();
    }

    @Property(tries = 150)
    void engineMatchesReconciledModel(@ForAll("actions") List<Action> actions) throws IOException {
        ManualTimers timers = new ManualTimers(1_000_000);
        SimDisk disk = new SimDisk(new Random(0));
        StorageEngine engine = StorageEngine.open(disk, "/n", smallConfig(), timers, timers);
        TreeMap<DecoratedKey, Cell> model = new TreeMap<>();
        for (Action action : actions) {
            engine = perform(engine, action, model, disk, timers);
        }
        assertMatches(engine, model);
        engine.close();
        StorageEngine reopened = StorageEngine.open(disk, "/n", smallConfig(), timers, timers);
        assertMatches(reopened, model);
        reopened.close();
    }

    /**
     * With gc_grace 0 every compaction may purge tombstones: the visible view (a value, or nothing)
     * must still match the model, so a purge never resurrects an older value from another table.
     */
    @Property(tries = 100)
    void tombstonePurgingNeverResurrectsValues(@ForAll("actions") List<Action> actions) throws IOException {
        ManualTimers timers = new ManualTimers(1_000_000);
        SimDisk disk = new SimDisk(new Random(0));
        StorageConfig config = smallConfig().toBuilder().gcGraceMicros(0).build();
        StorageEngine engine = StorageEngine.open(disk, "/n", config, timers, timers);
        TreeMap<DecoratedKey, Cell> model = new TreeMap<>();
        for (Action action : actions) {
            timers.advance(1);
            long now = timers.nowMicros() - 1; // strictly increasing, and already in the past for the purge check
            if (action instanceof Put put) {
                apply(engine, model, key(put.key()), Cell.value(value(put.valueLength(), put.valueSeed()), now));
            } else if (action instanceof Delete delete) {
                apply(engine, model, key(delete.key()), Cell.tombstone(now));
            } else {
                engine = perform(engine, action, model, disk, timers, config);
            }
        }
        for (int i = 0; i < KEY_COUNT; i++) {
            Cell expected = model.get(DecoratedKey.of(Partitioner.SHA1, key(i)));
            Cell actual = engine.read(key(i));
            assertThat(visible(actual)).as("key %d", i).isEqualTo(visible(expected));
        }
        engine.close();
    }

    private static Cell visible(Cell cell) {
        return cell == null || cell.isTombstone() ? null : cell;
    }

    private static StorageEngine perform(StorageEngine engine, Action action, TreeMap<DecoratedKey, Cell> model,
                                         SimDisk disk, ManualTimers timers) throws IOException {
        return perform(engine, action, model, disk, timers, smallConfig());
    }

    private static StorageEngine perform(StorageEngine engine, Action action, TreeMap<DecoratedKey, Cell> model,
                                         SimDisk disk, ManualTimers timers, StorageConfig config) throws IOException {
        if (action instanceof Put put) {
            Cell cell = Cell.value(value(put.valueLength(), put.valueSeed()), put.timestamp());
            apply(engine, model, key(put.key()), cell);
        } else if (action instanceof Delete delete) {
            apply(engine, model, key(delete.key()), Cell.tombstone(delete.timestamp()));
        } else if (action instanceof Flush) {
            engine.flush();
        } else if (action instanceof Compact) {
            engine.compactAll();
        } else {
            engine.close();
            return StorageEngine.open(disk, "/n", config, timers, timers);
        }
        return engine;
    }

    private static void apply(StorageEngine engine, TreeMap<DecoratedKey, Cell> model, byte[] key, Cell cell) {
        List<Throwable> acks = new ArrayList<>();
        engine.apply(key, cell, acks::add);
        assertThat(acks).containsExactly((Throwable) null);
        model.merge(DecoratedKey.of(Partitioner.SHA1, key), cell, Cell::reconcile);
    }

    private static void assertMatches(StorageEngine engine, TreeMap<DecoratedKey, Cell> model) {
        for (int i = 0; i < KEY_COUNT; i++) {
            assertThat(engine.read(key(i))).as("key %d", i).isEqualTo(model.get(DecoratedKey.of(Partitioner.SHA1,
                    key(i))));
        }
        List<LocalStore.Entry> scanned = engine.scan(0, 0, null, 1000);
        List<DecoratedKey> expectedOrder = new ArrayList<>(
                model.tailMap(new DecoratedKey(1, new byte[0]), true).keySet());
        expectedOrder.addAll(model.headMap(new DecoratedKey(1, new byte[0]), false).keySet());
        assertThat(scanned).extracting(LocalStore.Entry::key).containsExactlyElementsOf(expectedOrder);
        for (LocalStore.Entry entry : scanned) {
            assertThat(entry.cell()).isEqualTo(model.get(entry.key()));
        }
        assertThat(pagedScan(engine, 0, 0, 5)).isEqualTo(scanned);
        if (model.size() > 1) {
            long start = model.firstKey().token();
            long end = model.lastKey().token();
            List<DecoratedKey> expected = model.keySet().stream()
                    .filter(k -> k.token() > start && k.token() <= end).toList();
            assertThat(pagedScan(engine, start, end, 3)).extracting(LocalStore.Entry::key)
                    .containsExactlyElementsOf(expected);
            List<DecoratedKey> wrapped = new ArrayList<>(model.keySet().stream().filter(k -> k.token() > end).toList());
            wrapped.addAll(model.keySet().stream().filter(k -> k.token() <= start).toList());
            assertThat(pagedScan(engine, end, start, 2)).extracting(LocalStore.Entry::key)
                    .containsExactlyElementsOf(wrapped);
        }
    }

    private static List<LocalStore.Entry> pagedScan(StorageEngine engine, long start, long end, int pageSize) {
        List<LocalStore.Entry> all = new ArrayList<>();
        DecoratedKey after = null;
        for (int pages = 0; pages < 1000; pages++) {
            List<LocalStore.Entry> page = engine.scan(start, end, after, pageSize);
            all.addAll(page);
            if (page.size() < pageSize) {
                return all;
            }
            after = page.get(page.size() - 1).key();
        }
        throw new AssertionError("scan did not end");
    }

    static byte[] key(int index) {
        return ("key-" + index).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] value(int length, int seed) {
        byte[] value = new byte[length];
        new Random(seed * 1000L + length).nextBytes(value);
        return value;
    }
}
