package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import ringdb.core.ring.Partitioner;
import ringdb.core.rows.ColumnData;
import ringdb.core.rows.InMemoryRowRead;
import ringdb.core.rows.PartitionPage;
import ringdb.core.rows.PartitionReader;
import ringdb.core.rows.PartitionUpdate;
import ringdb.core.rows.ReadCommand;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.keys.Slice;
import ringdb.core.schema.types.CqlTypes;
import ringdb.core.store.LocalStore;
import ringdb.core.store.PartitionRecords;
import ringdb.storage.disk.SimDisk;
import ringdb.storage.testing.ManualTimers;

/**
 * A row read answered from a cached partition's records in place ({@link InMemoryRowRead} over
 * {@link StorageEngine#readInMemory}) gives what the general path gives ({@link StorageEngine#sliceOfPartition}
 * and {@link PartitionReader}) over random partitions of a table without clustering columns: values,
 * expiring values (live and expired at the read's clock), cell deletions, row markers, row and partition
 * deletions at colliding timestamps, a column dropped and added again, collection elements; read with
 * every column or a subset; the partition in the memtable or flushed to a table. It answers every such
 * partition but one holding collection elements, which it declines, whether the cache held the partition
 * or the read missed it (then it reads the partition from the memtable and tables, counts a miss and fills
 * the cache, as the general path does).
 */
class InMemoryRowReadProperties {
    private static final long NOW_SECONDS = 1_800_000_000L;
    private static final long T0 = NOW_SECONDS * 1_000_000L;
    private static final TableMetadata WRITTEN = TableMetadata.builder("app", "users")
            .partitionKey("id", CqlTypes.TEXT).regular("a", CqlTypes.TEXT).regular("b", CqlTypes.BLOB)
            .regular("c", CqlTypes.TEXT).regular("l", CqlTypes.list(CqlTypes.TEXT, false)).createdAt(1, 0).build();
    /** Column c dropped after some of its cells were written, then added again. */
    private static final TableMetadata READ = WRITTEN.withColumnDropped("c", T0 + 10)
            .withColumnAdded("c", CqlTypes.TEXT, false, T0 + 20);
    private static final String[] COLUMNS = {"a", "b", "c"};

    /**
     * One write at {@code T0 + timestamp}: kind 0 set, 1 set with a TTL (expired at the read's clock
     * when {@code expired}), 2 delete a column, 3 insert (row marker), 4 delete the row, 5 delete the
     * partition, 6 append a list element.
     */
    record Op(int kind, int column, long timestamp, int valueLength, boolean expired) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> kind = Arbitraries.frequency(Tuple.of(10, 0), Tuple.of(3, 1), Tuple.of(3, 2),
                Tuple.of(3, 3), Tuple.of(2, 4), Tuple.of(1, 5), Tuple.of(1, 6));
        return Combinators.combine(kind, Arbitraries.integers().between(0, COLUMNS.length - 1),
                Arbitraries.longs().between(1, 30), Arbitraries.integers().between(0, 200),
                Arbitraries.of(true, false)).as(Op::new).list().ofMaxSize(25);
    }

    @Provide
    Arbitrary<Set<String>> selections() {
        return Arbitraries.of(COLUMNS).set().ofMaxSize(COLUMNS.length).map(set -> set.isEmpty() ? null : set)
                .injectNull(0.3);
    }

    @Property(tries = 400)
    void answersAsTheGeneralPath(@ForAll("ops") List<Op> ops, @ForAll("selections") Set<String> columns,
                                 @ForAll boolean flushed) throws IOException {
        ManualTimers timers = new ManualTimers(T0);
        StorageConfig config = StorageConfig.builder().syncMode(SyncMode.BATCH).partitionCacheSizeBytes(1 << 20)
                .build();
        StorageEngine engine = StorageEngine.open(new SimDisk(new Random(1)), "/n", config, timers, timers);
        PartitionKey pk = PartitionKey.of("p".getBytes(StandardCharsets.UTF_8));
        RowKeys keys = new RowKeys(READ, Partitioner.SHA1::token);
        KeyRange partition = keys.partition(pk);
        long token = keys.token(pk);
        boolean elements = false;
        for (Op op : ops) {
            List<Throwable> acks = new ArrayList<>();
            engine.applyBatch(entries(pk, op), acks::add);
            assertThat(acks).containsExactly((Throwable) null);
            elements |= op.kind() == 6;
        }
        if (flushed) {
            engine.flush();
        }
        ReadCommand command = new ReadCommand(READ, pk, List.of(Slice.ALL), columns, false, 1, 0, null);
        Answer missed = engine.readInMemory(token, partition.start(), partition.end(), records -> {
            InMemoryRowRead.Found found = InMemoryRowRead.read(command, records, NOW_SECONDS);
            return found == null ? null : answer(found, records);
        });
        assertThat(engine.partitionCacheStats().misses()).as("a read from memory that missed").isEqualTo(1);
        assertThat(engine.partitionCacheStats().partitions()).as("and filled the cache").isEqualTo(1);
        LocalStore.PartitionSlice slice = engine.sliceOfPartition(token, partition.start(), partition.end(), false,
                100_000, partition.start(), partition.end());
        for (long now : new long[] {NOW_SECONDS, NOW_SECONDS + 1000}) {
            PartitionPage page = PartitionReader.read(command, slice.entries(), slice.rangeTombstones(), now, true);
            Answer fast = engine.readInMemory(token, partition.start(), partition.end(), records -> {
                InMemoryRowRead.Found found = InMemoryRowRead.read(command, records, now);
                return found == null ? null : answer(found, records);
            });
            if (now == NOW_SECONDS) {
                assertThat(missed).as("the read that missed answers as the one that hit").isEqualTo(fast);
            }
            if (elements) {
                assertThat(fast).as("a partition with collection elements is declined").isNull();
                continue;
            }
            assertThat(fast).as("answered").isNotNull();
            List<String> general = new ArrayList<>();
            if (!page.rows().isEmpty()) {
                assertThat(page.staticRow()).isNull();
                for (Map.Entry<String, ColumnData> column : page.rows().get(0).columns().entrySet()) {
                    if (column.getValue().value() != null) {
                        general.add(render(column.getKey(), column.getValue().value(),
                                column.getValue().timestampMicros()));
                    }
                }
            }
            assertThat(fast).as("now %d", now).isEqualTo(new Answer(!page.rows().isEmpty(), general));
        }
        engine.close();
    }

    /**
     * A read from memory that missed a partition the full cache does not admit, and declined it, leaves the
     * partition it read aside for the general read that follows: that read answers as an engine without a
     * cache does, from what was set aside (no second miss, no table read), and only until a write comes.
     */
    @Example
    void aDeclinedMissIsSetAsideForTheGeneralRead() throws IOException {
        ManualTimers timers = new ManualTimers(T0);
        StorageConfig.Builder builder = StorageConfig.builder().syncMode(SyncMode.BATCH);
        // room for about eight partitions of a 600-byte value, each read three times
        StorageEngine engine = StorageEngine.open(new SimDisk(new Random(1)), "/n",
                builder.partitionCacheSizeBytes(8 * 1024).build(), timers, timers);
        StorageEngine plain = StorageEngine.open(new SimDisk(new Random(1)), "/p",
                builder.partitionCacheSizeBytes(0).build(), timers, timers);
        RowKeys keys = new RowKeys(READ, Partitioner.SHA1::token);
        for (int p = 0; p <= 9; p++) {
            for (StorageEngine each : List.of(engine, plain)) {
                each.applyBatch(entries(PartitionKey.of(("p" + p).getBytes(StandardCharsets.UTF_8)),
                        new Op(0, 1, 5, 600, false)), e -> assertThat(e).isNull());
            }
        }
        engine.flush();
        for (int p = 0; p < 9; p++) {
            for (int read = 0; read < 3; read++) {
                sliceOfPartition(engine, keys, "p" + p);
            }
        }
        long cached = engine.partitionCacheStats().partitions();
        long misses = engine.partitionCacheStats().misses();
        PartitionKey last = PartitionKey.of("p9".getBytes(StandardCharsets.UTF_8));
        KeyRange partition = keys.partition(last);
        String declined = engine.readInMemory(keys.token(last), partition.start(), partition.end(), records -> null);
        assertThat(declined).isNull();
        assertThat(engine.partitionCacheStats().misses()).isEqualTo(misses + 1);
        assertThat(engine.partitionCacheStats().partitions()).as("not admitted").isEqualTo(cached);
        assertThat(PartitionCacheProperties.render(sliceOfPartition(engine, keys, "p9").entries())).hasSize(1)
                .isEqualTo(PartitionCacheProperties.render(sliceOfPartition(plain, keys, "p9").entries()));
        assertThat(engine.partitionCacheStats().misses()).as("read once").isEqualTo(misses + 1);

        declined = engine.readInMemory(keys.token(last), partition.start(), partition.end(), records -> null);
        assertThat(declined).isNull();
        for (StorageEngine each : List.of(engine, plain)) {
            each.applyBatch(entries(last, new Op(0, 0, 6, 10, false)), e -> assertThat(e).isNull());
        }
        assertThat(PartitionCacheProperties.render(sliceOfPartition(engine, keys, "p9").entries())).hasSize(2)
                .isEqualTo(PartitionCacheProperties.render(sliceOfPartition(plain, keys, "p9").entries()));
        assertThat(engine.partitionCacheStats().misses()).as("a write came: read again").isEqualTo(misses + 3);
        engine.close();
        plain.close();
    }

    private static LocalStore.PartitionSlice sliceOfPartition(StorageEngine engine, RowKeys keys, String key) {
        PartitionKey pk = PartitionKey.of(key.getBytes(StandardCharsets.UTF_8));
        KeyRange partition = keys.partition(pk);
        return engine.sliceOfPartition(keys.token(pk), partition.start(), partition.end(), false, 100_000,
                partition.start(), partition.end());
    }

    private static List<LocalStore.Entry> entries(PartitionKey pk, Op op) {
        long now = NOW_SECONDS - 100;
        int ttl = op.kind() == 1 ? (op.expired() ? 50 : 1000) : 0;
        PartitionUpdate update = new PartitionUpdate(Partitioner.SHA1, WRITTEN, pk, T0 + op.timestamp(), ttl, now,
                1 << 20, 0);
        String column = COLUMNS[op.column()];
        byte[] value = new byte[op.valueLength()];
        Arrays.fill(value, (byte) ('a' + op.timestamp() % 26));
        switch (op.kind()) {
            case 0, 1 -> update.set(Clustering.EMPTY, column, value);
            case 2 -> update.deleteColumn(Clustering.EMPTY, column);
            case 3 -> update.insert(Clustering.EMPTY);
            case 4 -> update.deleteRow(Clustering.EMPTY);
            case 5 -> update.deletePartition();
            default -> update.appendToList(Clustering.EMPTY, "l", List.of(value));
        }
        return update.entries();
    }

    /** Whether the row exists, and its selected live columns as name=value@timestamp, in answer order. */
    record Answer(boolean exists, List<String> columns) {
    }

    private static Answer answer(InMemoryRowRead.Found found, PartitionRecords records) {
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < found.count(); i++) {
            int index = found.records()[i];
            byte[] value = Arrays.copyOfRange(records.bytes(), records.valueStart(index), records.valueEnd(index));
            columns.add(render(found.names()[i], value, records.timestampMicros(index)));
        }
        return new Answer(found.exists(), columns);
    }

    private static String render(String name, byte[] value, long timestamp) {
        return name + "=" + new String(value, StandardCharsets.ISO_8859_1) + "@" + timestamp;
    }
}
