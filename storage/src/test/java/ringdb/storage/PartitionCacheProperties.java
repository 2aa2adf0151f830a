package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import ringdb.core.data.Cell;
import ringdb.core.ring.Partitioner;
import ringdb.core.rows.PartitionUpdate;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.keys.Slice;
import ringdb.core.schema.types.CqlTypes;
import ringdb.core.store.LocalStore;
import ringdb.storage.disk.SimDisk;
import ringdb.storage.rows.SchemaTombstoneKinds;
import ringdb.storage.testing.ManualTimers;

/**
 * The partition cache never changes an answer: two engines get the same random writes — values,
 * expiring and already expired values, cell, collection, row, range and partition deletions, row
 * markers, in batches or one entry at a time, timestamps colliding and out of order — and the same
 * flushes, compactions (which purge: gc_grace 0 with the clock moving), cleanups and clock steps;
 * one has a partition cache (small, so partitions are evicted and some are too large to cache), the
 * other none. Every slice (whole partitions, which fill the cache, and random clustering slices,
 * forwards and reversed, with limits) and every deletions lookup answers the same on both, entry for entry.
 */
class PartitionCacheProperties {
    private static final long NOW_SECONDS = 1_800_000_000L;
    private static final long T0 = NOW_SECONDS * 1_000_000L - 1_000_000_000L;
    private static final TableMetadata TABLE = TableMetadata.builder("app", "t")
            .partitionKey("id", CqlTypes.TEXT).clustering("ck", CqlTypes.INT, false)
            .staticColumn("s", CqlTypes.TEXT)
            .regular("x", CqlTypes.TEXT).regular("tags", CqlTypes.parse("set<int>"))
            .gcGraceSeconds(0).createdAt(1, 0).build();
    private static final RowKeys KEYS = new RowKeys(TABLE, Partitioner.SHA1::token);
    private static final PartitionKey[] PARTITIONS = {PartitionKey.of(utf8("a")), PartitionKey.of(utf8("b")),
        PartitionKey.of(utf8("c"))};

    /**
     * kind 0 set x, 1 set x expiring, 2 set x expired, 3 delete x, 4 add to tags, 5 overwrite tags, 6 insert,
     * 7 delete row, 8 delete range, 9 delete partition, 10 set s.
     */
    record Op(int kind, int partition, int ck, int ckTo, int element, long timestamp) {
    }

    sealed interface Action permits Write, Flush, Compact, Cleanup, Tick, Read {
    }

    /** A batch, or (when {@code oneByOne}) its entries applied one at a time. */
    record Write(List<Op> ops, boolean oneByOne) implements Action {
    }

    record Flush() implements Action {
    }

    record Compact() implements Action {
    }

    /** Drops the partition {@code partition}'s token, as a cleanup after a ring change does. */
    record Cleanup(int partition) implements Action {
    }

    record Tick(int seconds) implements Action {
    }

    record Read(int partition, int from, int to, boolean fromInclusive, boolean toInclusive, boolean reversed,
                int limit) implements Action {
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] integer(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    @Provide
    Arbitrary<List<Action>> actions() {
        Arbitrary<Integer> partition = Arbitraries.integers().between(0, PARTITIONS.length - 1);
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 10), partition,
                Arbitraries.integers().between(0, 7), Arbitraries.integers().between(0, 7),
                Arbitraries.integers().between(0, 3), Arbitraries.longs().between(1, 60)).as(Op::new);
        Arbitrary<Action> write = Combinators.combine(op.list().ofMinSize(1).ofMaxSize(4), Arbitraries.of(true, false))
                .as(Write::new);
        Arbitrary<Action> read = Combinators.combine(partition, Arbitraries.integers().between(-1, 8),
                Arbitraries.integers().between(-1, 8), Arbitraries.of(true, false), Arbitraries.of(true, false),
                Arbitraries.of(true, false), Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.integers().between(1, 40)),
                        Tuple.of(1, Arbitraries.just(100_000)))).as(Read::new); // past 256: a row read's limit
        Arbitrary<Action> action = Arbitraries.frequencyOf(Tuple.of(10, write), Tuple.of(10, read),
                Tuple.of(2, Arbitraries.just(new Flush())), Tuple.of(1, Arbitraries.just(new Compact())),
                Tuple.of(1, partition.map(Cleanup::new)),
                Tuple.of(1, Arbitraries.integers().between(1, 60).map(Tick::new)));
        return action.list().ofMinSize(1).ofMaxSize(80);
    }

    private static StorageConfig config(long cacheBytes) {
        return StorageConfig.builder().syncMode(SyncMode.BATCH).memtableSizeBytesMax(2048).blockSizeBytes(256)
                .commitLogSizes(64 * 1024, 4096).compactionThresholds(2, 3).gcGraceMicros(0)
                .tombstoneKinds(new SchemaTombstoneKinds(id -> id.equals(TABLE.id()) ? TABLE : null))
                .partitionCacheSizeBytes(cacheBytes).build();
    }

    /** A cache of 6 KiB: a partition of more than 768 bytes is too large, and three do not all fit. */
    @Property(tries = 200)
    void aSmallCacheAnswersAsNoCache(@ForAll("actions") List<Action> actions) throws IOException {
        run(actions, 6 * 1024);
    }

    /** A cache every partition fits in: answers come from it for good, merged with every write. */
    @Property(tries = 200)
    void aLargeCacheAnswersAsNoCache(@ForAll("actions") List<Action> actions) throws IOException {
        run(actions, 1 << 20);
    }

    /** The cache is used: a partition read twice is read from the tables once. */
    @Example
    void aPartitionReadTwiceIsAHit() throws IOException {
        ManualTimers timers = new ManualTimers(NOW_SECONDS * 1_000_000L);
        StorageEngine engine = StorageEngine.open(new SimDisk(new Random(1)), "/c", config(1 << 20), timers, timers);
        engine.applyBatch(entries(new Op(0, 0, 1, 1, 0, 5), T0 + 5), e -> { });
        engine.flush();
        int before = partition(engine, 0).size();
        assertThat(engine.partitionCacheStats().misses()).isEqualTo(1);
        engine.applyBatch(entries(new Op(10, 0, 1, 1, 0, 6), T0 + 6), e -> { });
        assertThat(partition(engine, 0)).hasSize(before + 1);
        assertThat(engine.partitionCacheStats().hits()).isEqualTo(1);
        assertThat(engine.partitionCacheStats().misses()).isEqualTo(1);
        assertThat(engine.partitionCacheStats().partitions()).isEqualTo(1);
        engine.close();
    }

    /**
     * A compaction that drops entries of one partition (a row deletion's covered cell, the deletion purged
     * after gc_grace) forgets that partition alone: another partition stays cached and is read as a hit, and
     * the changed one is read again from the tables, as an engine without a cache answers it.
     */
    @Example
    void aCompactionForgetsOnlyThePartitionsItDroppedEntriesOf() throws IOException {
        ManualTimers timers = new ManualTimers(NOW_SECONDS * 1_000_000L);
        StorageEngine engine = StorageEngine.open(new SimDisk(new Random(1)), "/c", config(1 << 20), timers, timers);
        StorageEngine plain = StorageEngine.open(new SimDisk(new Random(1)), "/p", config(0), timers, timers);
        List<Action> actions = List.of(new Write(List.of(new Op(0, 0, 1, 1, 0, 5), new Op(0, 1, 1, 1, 0, 5)), false),
                new Flush(), new Write(List.of(new Op(7, 0, 1, 1, 0, 6)), false));
        for (Action action : actions) {
            apply(engine, action);
            apply(plain, action);
        }
        List<String> untouched = render(partition(engine, 1));
        assertThat(render(partition(engine, 0))).hasSize(2); // the cell, and the row deletion that covers it
        assertThat(engine.partitionCacheStats().partitions()).isEqualTo(2);
        assertThat(engine.partitionCacheStats().misses()).isEqualTo(2);
        for (StorageEngine each : List.of(engine, plain)) {
            each.flush(); // a second table: compacted with the first
            each.compactAll();
        }
        assertThat(engine.partitionCacheStats().partitions()).as("only the changed partition forgotten")
                .isEqualTo(1);
        assertThat(render(partition(engine, 1))).isEqualTo(untouched).isEqualTo(render(partition(plain, 1)));
        assertThat(engine.partitionCacheStats().hits()).isEqualTo(1);
        assertThat(engine.partitionCacheStats().misses()).isEqualTo(2);
        assertThat(render(partition(engine, 0))).as("the compaction dropped its entries").isEmpty();
        assertThat(render(partition(plain, 0))).isEmpty();
        assertThat(engine.partitionCacheStats().misses()).isEqualTo(3);
        engine.close();
        plain.close();
    }

    /** A row read's slice and deletions of a cached partition come from one look-up of it: one hit. */
    @Example
    void aSliceWithItsDeletionsIsOneHit() throws IOException {
        ManualTimers timers = new ManualTimers(NOW_SECONDS * 1_000_000L);
        StorageEngine engine = StorageEngine.open(new SimDisk(new Random(1)), "/c", config(1 << 20), timers, timers);
        engine.applyBatch(entries(new Op(8, 0, 1, 3, 0, 5), T0 + 5), e -> { });
        engine.applyBatch(entries(new Op(0, 0, 2, 2, 0, 6), T0 + 6), e -> { });
        engine.flush();
        List<LocalStore.Entry> whole = partition(engine, 0);
        assertThat(engine.partitionCacheStats().misses()).isEqualTo(1);
        Read row = new Read(0, 2, 2, true, true, false, 100);
        LocalStore.PartitionSlice read = sliceOfPartition(engine, row);
        assertThat(engine.partitionCacheStats().hits()).isEqualTo(1);
        assertThat(render(read.entries())).isNotEmpty().isEqualTo(render(slice(engine, row)));
        assertThat(render(read.rangeTombstones())).hasSize(1).isEqualTo(render(deletions(engine, 0)));
        assertThat(engine.partitionCacheStats().misses()).isEqualTo(1);
        assertThat(whole).hasSizeGreaterThan(read.entries().size());
        engine.close();
    }

    private static void run(List<Action> actions, long cacheBytes) throws IOException {
        ManualTimers timers = new ManualTimers(NOW_SECONDS * 1_000_000L);
        StorageEngine cached = StorageEngine.open(new SimDisk(new Random(1)), "/c", config(cacheBytes), timers, timers);
        StorageEngine plain = StorageEngine.open(new SimDisk(new Random(1)), "/p", config(0), timers, timers);
        for (Action action : actions) {
            for (StorageEngine engine : List.of(cached, plain)) {
                apply(engine, action);
            }
            if (action instanceof Tick tick) {
                timers.advance(tick.seconds() * 1_000_000L);
            }
            if (action instanceof Read read) {
                assertThat(render(slice(cached, read))).as("%s", read).isEqualTo(render(slice(plain, read)));
                // a row read's slice and deletions in one call, as the replica asks them
                LocalStore.PartitionSlice both = sliceOfPartition(cached, read);
                LocalStore.PartitionSlice bothPlain = sliceOfPartition(plain, read);
                assertThat(render(both.entries())).as("slice of %s", read).isEqualTo(render(bothPlain.entries()))
                        .isEqualTo(render(slice(plain, read)));
                assertThat(render(both.rangeTombstones())).as("deletions with %s", read)
                        .isEqualTo(render(bothPlain.rangeTombstones()))
                        .isEqualTo(render(deletions(plain, read.partition())));
            }
            for (int p = 0; p < PARTITIONS.length; p++) {
                assertThat(render(partition(cached, p))).as("partition %d after %s", p, action)
                        .isEqualTo(render(partition(plain, p)));
                assertThat(render(deletions(cached, p))).as("deletions of %d after %s", p, action)
                        .isEqualTo(render(deletions(plain, p)));
            }
        }
        cached.close();
        plain.close();
    }

    private static void apply(StorageEngine engine, Action action) throws IOException {
        if (action instanceof Write write) {
            List<LocalStore.Entry> entries = new ArrayList<>();
            for (Op op : write.ops()) {
                entries.addAll(entries(op, T0 + op.timestamp()));
            }
            if (write.oneByOne()) {
                for (LocalStore.Entry entry : entries) {
                    engine.apply(entry.key().key(), entry.cell(), e -> assertThat(e).isNull());
                }
            } else {
                engine.applyBatch(entries, e -> assertThat(e).isNull());
            }
        } else if (action instanceof Flush) {
            engine.flush();
        } else if (action instanceof Compact) {
            engine.compactAll();
        } else if (action instanceof Cleanup cleanup) {
            engine.purge(key -> key.token() != KEYS.token(PARTITIONS[cleanup.partition()]));
        }
    }

    private static List<LocalStore.Entry> entries(Op op, long timestamp) {
        PartitionKey pk = PARTITIONS[op.partition()];
        boolean expired = op.kind() == 2;
        int ttl = op.kind() == 1 || expired ? 30 : 0;
        long now = expired ? NOW_SECONDS - 100 : NOW_SECONDS;
        PartitionUpdate update = new PartitionUpdate(Partitioner.SHA1, TABLE, pk, timestamp, ttl, now,
                1 << 20, op.element());
        Clustering row = Clustering.of(integer(op.ck()));
        switch (op.kind()) {
            case 0, 1, 2 -> update.set(row, "x", utf8("v" + timestamp % 1000));
            case 3 -> update.deleteColumn(row, "x");
            case 4 -> update.addToSet(row, "tags", List.of(integer(op.element())));
            case 5 -> update.set(row, "tags", CqlTypes.parse("set<int>").fromJson(List.of(op.element(), 9)));
            case 6 -> update.insert(row);
            case 7 -> update.deleteRow(row);
            case 8 -> update.deleteRange(new Slice(Clustering.of(integer(Math.min(op.ck(), op.ckTo()))), true,
                    Clustering.of(integer(Math.max(op.ck(), op.ckTo()))), op.element() % 2 == 0));
            case 9 -> update.deletePartition();
            default -> update.set(null, "s", utf8("s" + timestamp % 1000));
        }
        return update.entries();
    }

    private static List<LocalStore.Entry> partition(StorageEngine engine, int p) {
        KeyRange range = KEYS.partition(PARTITIONS[p]);
        return engine.slice(KEYS.token(PARTITIONS[p]), range.start(), range.end(), false, 100_000);
    }

    private static List<LocalStore.Entry> deletions(StorageEngine engine, int p) {
        KeyRange range = KEYS.partition(PARTITIONS[p]);
        return engine.rangeTombstones(KEYS.token(PARTITIONS[p]), range.start(), range.end());
    }

    private static List<LocalStore.Entry> slice(StorageEngine engine, Read read) {
        PartitionKey pk = PARTITIONS[read.partition()];
        KeyRange range = range(read);
        return engine.slice(KEYS.token(pk), range.start(), range.end(), read.reversed(), read.limit());
    }

    private static LocalStore.PartitionSlice sliceOfPartition(StorageEngine engine, Read read) {
        PartitionKey pk = PARTITIONS[read.partition()];
        KeyRange range = range(read);
        KeyRange partition = KEYS.partition(pk);
        return engine.sliceOfPartition(KEYS.token(pk), range.start(), range.end(), read.reversed(), read.limit(),
                partition.start(), partition.end());
    }

    /** A clustering slice; a bound of -1 is unbounded; both -1 and the start exclusive: the whole partition. */
    private static KeyRange range(Read read) {
        PartitionKey pk = PARTITIONS[read.partition()];
        if (read.from() < 0 && read.to() < 0 && !read.fromInclusive()) {
            return KEYS.partition(pk);
        }
        Clustering from = read.from() < 0 ? Clustering.EMPTY : Clustering.of(integer(read.from()));
        Clustering to = read.to() < 0 ? Clustering.EMPTY : Clustering.of(integer(read.to()));
        return KEYS.slice(pk, new Slice(from, read.fromInclusive() || read.from() < 0, to,
                read.toInclusive() || read.to() < 0));
    }

    /** Each entry's token, key and everything of its cell: value bytes, timestamp, TTL and expiry. */
    static List<String> render(List<LocalStore.Entry> entries) {
        List<String> out = new ArrayList<>();
        entries.forEach(e -> out.add(e.key().token() + " " + HexFormat.of().formatHex(e.key().key()) + " "
                + render(e.cell())));
        return out;
    }

    static String render(Cell cell) {
        return (cell.isTombstone() ? "tombstone" : HexFormat.of().formatHex(cell.value())) + "@"
                + cell.timestampMicros() + " ttl " + cell.ttlSeconds() + " expires " + cell.expiresAtSeconds();
    }
}
