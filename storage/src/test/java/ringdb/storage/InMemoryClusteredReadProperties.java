package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
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
import net.jqwik.api.constraints.IntRange;
import ringdb.core.ring.Partitioner;
import ringdb.core.rows.ColumnData;
import ringdb.core.rows.InMemoryRowRead;
import ringdb.core.rows.PartitionPage;
import ringdb.core.rows.PartitionReader;
import ringdb.core.rows.PartitionUpdate;
import ringdb.core.rows.ReadCommand;
import ringdb.core.rows.Row;
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
 * Reads of clustered rows answered from a partition's records in place ({@link InMemoryRowRead#rows} over
 * {@link StorageEngine#readInMemory}) give what the general path gives ({@link StorageEngine#sliceOfPartition}
 * of each storage range, then {@link PartitionReader}) over random partitions of a table with an ascending
 * and a descending clustering column: values, expiring values (live and expired at the read's clock), cell,
 * row and partition deletions at colliding timestamps, row markers, range deletions, static cells and list
 * elements, part flushed and part in the memtable; read by full key, by prefix, by slices with inclusive and
 * exclusive bounds, forward and reversed, with row and per-partition limits and column subsets. It answers
 * every read but one of a partition holding static cells or range tombstones, or of rows holding collection
 * elements, which it declines (and then the general path answers).
 */
class InMemoryClusteredReadProperties {
    private static final long NOW_SECONDS = 1_800_000_000L;
    private static final long T0 = NOW_SECONDS * 1_000_000L;
    private static final TableMetadata TABLE = TableMetadata.builder("app", "series")
            .partitionKey("id", CqlTypes.TEXT).clustering("c1", CqlTypes.INT, false)
            .clustering("c2", CqlTypes.TEXT, true).staticColumn("st", CqlTypes.TEXT).regular("a", CqlTypes.TEXT)
            .regular("b", CqlTypes.BLOB).regular("l", CqlTypes.list(CqlTypes.TEXT, false)).createdAt(1, 0).build();
    private static final String[] COLUMNS = {"a", "b"};
    private static final String[] C2 = {"", "x", "y\u0000z"};

    /**
     * One write at {@code T0 + timestamp} to row (c1, C2[c2]): kind 0 set, 1 set with a TTL (expired at the
     * read's clock when {@code expired}), 2 delete a column, 3 insert (row marker), 4 delete the row, 5 delete
     * the partition, 6 delete the rows with c1 in [c1, c1 + 1], 7 set the static column, 8 append a list element.
     */
    record Op(int kind, int c1, int c2, int column, long timestamp, boolean expired) {
    }

    /**
     * A slice of c1 values: kind 0 all, 1 the full row (c1, C2[c2]), 2 prefix c1, 3 c1 from lo to hi (bounds:
     * bit 0 low inclusive, bit 1 high inclusive).
     */
    record Query(int kind, int c1, int c2, int hi, int bounds, boolean reversed, int limit, int perPartition) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> kind = Arbitraries.frequency(Tuple.of(12, 0), Tuple.of(3, 1), Tuple.of(3, 2),
                Tuple.of(3, 3), Tuple.of(2, 4), Tuple.of(1, 5), Tuple.of(1, 6), Tuple.of(1, 7), Tuple.of(1, 8));
        return Combinators.combine(kind, Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 1), Arbitraries.longs().between(1, 30),
                Arbitraries.of(true, false)).as(Op::new).list().ofMaxSize(30);
    }

    @Provide
    Arbitrary<List<Query>> queries() {
        Arbitrary<Integer> small = Arbitraries.integers().between(0, 5);
        Arbitrary<Boolean> bool = Arbitraries.of(true, false);
        return Combinators.combine(Arbitraries.integers().between(0, 3), small, Arbitraries.integers().between(0, 2),
                small, Arbitraries.integers().between(0, 3), bool, Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, 3))
                .as(Query::new).list().ofMinSize(1).ofMaxSize(6);
    }

    @Provide
    Arbitrary<Set<String>> selections() {
        return Arbitraries.of(COLUMNS).set().ofMinSize(1).ofMaxSize(COLUMNS.length).injectNull(0.4);
    }

    @Property(tries = 400)
    void answersAsTheGeneralPath(@ForAll("ops") List<Op> ops, @ForAll("queries") List<Query> queries,
                                 @ForAll("selections") Set<String> columns,
                                 @ForAll @IntRange(min = 0, max = 30) int flushedOps) throws IOException {
        ManualTimers timers = new ManualTimers(T0);
        StorageConfig config = StorageConfig.builder().syncMode(SyncMode.BATCH).partitionCacheSizeBytes(1 << 20)
                .build();
        StorageEngine engine = StorageEngine.open(new SimDisk(new Random(1)), "/n", config, timers, timers);
        PartitionKey pk = PartitionKey.of("p".getBytes(StandardCharsets.UTF_8));
        RowKeys keys = new RowKeys(TABLE, Partitioner.SHA1::token);
        boolean declines = false;
        for (int i = 0; i < ops.size(); i++) {
            List<Throwable> acks = new ArrayList<>();
            engine.applyBatch(entries(pk, ops.get(i)), acks::add);
            assertThat(acks).containsExactly((Throwable) null);
            declines |= ops.get(i).kind() >= 6;
            if (i + 1 == flushedOps) {
                engine.flush();
            }
        }
        for (Query query : queries) {
            ReadCommand command = command(pk, query, columns);
            for (long now : new long[] {NOW_SECONDS, NOW_SECONDS + 1000}) {
                List<String> fast = fast(engine, keys, command, now);
                if (fast == null) {
                    assertThat(declines).as("declined only with static cells, elements or range tombstones: %s",
                            query).isTrue();
                    continue;
                }
                assertThat(fast).as("%s now %d", query, now).isEqualTo(general(engine, keys, command, now));
            }
        }
        engine.close();
    }

    /**
     * A partition with more entries than the cache takes, missed by a read from memory, is read from the tables
     * once for it: the general read of a row that follows reads only its slice, answers as an engine without a
     * cache does, and the two count one miss; a write in between makes the general read look again.
     */
    @Example
    void aPartitionTooLargeToCacheIsReadOnceForTheReadFromMemory() throws IOException {
        ManualTimers timers = new ManualTimers(T0);
        StorageConfig.Builder builder = StorageConfig.builder().syncMode(SyncMode.BATCH);
        StorageEngine engine = StorageEngine.open(new SimDisk(new Random(1)), "/n",
                builder.partitionCacheSizeBytes(1 << 20).build(), timers, timers);
        StorageEngine plain = StorageEngine.open(new SimDisk(new Random(1)), "/p",
                builder.partitionCacheSizeBytes(0).build(), timers, timers);
        PartitionKey pk = PartitionKey.of(utf8("big"));
        RowKeys keys = new RowKeys(TABLE, Partitioner.SHA1::token);
        for (int c1 = 0; c1 < PartitionCache.PARTITION_ENTRIES_MAX; c1++) {
            for (StorageEngine each : List.of(engine, plain)) {
                each.applyBatch(entries(pk, new Op(3, c1, 1, 0, 5, false)), e -> assertThat(e).isNull());
                each.applyBatch(entries(pk, new Op(0, c1, 1, 0, 6, false)), e -> assertThat(e).isNull());
            }
        }
        engine.flush();
        ReadCommand row = command(pk, new Query(1, 7, 1, 0, 0, false, 1, 0), null);
        for (boolean written : new boolean[] {false, true}) {
            long misses = engine.partitionCacheStats().misses();
            assertThat(fast(engine, keys, row, NOW_SECONDS)).as("too large: declined").isNull();
            assertThat(engine.partitionCacheStats().misses()).isEqualTo(misses + 1);
            if (written) {
                for (StorageEngine each : List.of(engine, plain)) {
                    each.applyBatch(entries(pk, new Op(0, 7, 1, 0, 9, false)), e -> assertThat(e).isNull());
                }
            }
            assertThat(general(engine, keys, row, NOW_SECONDS)).hasSize(1)
                    .isEqualTo(general(plain, keys, row, NOW_SECONDS));
            if (written) { // the note is gone: the general read looks at the whole partition again
                assertThat(engine.partitionCacheStats().misses()).isGreaterThan(misses + 1);
            } else {
                assertThat(engine.partitionCacheStats().misses()).as("one miss, one read").isEqualTo(misses + 1);
            }
            assertThat(engine.partitionCacheStats().partitions()).isZero();
        }
        engine.close();
        plain.close();
    }

    private static ReadCommand command(PartitionKey pk, Query q, Set<String> columns) {
        Slice slice = switch (q.kind()) {
            case 0 -> Slice.ALL;
            case 1 -> Slice.prefix(new Clustering(List.of(c1(q.c1()), utf8(C2[q.c2()]))));
            case 2 -> Slice.prefix(new Clustering(List.of(c1(q.c1()))));
            default -> new Slice(new Clustering(List.of(c1(Math.min(q.c1(), q.hi())))),
                    (q.bounds() & 1) != 0, new Clustering(List.of(c1(Math.max(q.c1(), q.hi())))),
                    (q.bounds() & 2) != 0);
        };
        return new ReadCommand(TABLE, pk, List.of(slice), columns, q.reversed(), q.limit(), q.perPartition(), null);
    }

    /** The rows read from memory, rendered; null when declined. */
    private static List<String> fast(StorageEngine engine, RowKeys keys, ReadCommand command, long now) {
        KeyRange partition = keys.partition(command.partitionKey());
        return engine.readInMemory(keys.token(command.partitionKey()), partition.start(), partition.end(),
                records -> {
                    List<InMemoryRowRead.Found> found = InMemoryRowRead.rows(command, keys, records, now);
                    return found == null ? null : render(found, records);
                });
    }

    /** The rows the general path reads: each storage range sliced, then {@link PartitionReader}. */
    private static List<String> general(StorageEngine engine, RowKeys keys, ReadCommand command, long now) {
        KeyRange partition = keys.partition(command.partitionKey());
        long token = keys.token(command.partitionKey());
        List<LocalStore.Entry> entries = new ArrayList<>();
        List<LocalStore.Entry> tombstones = new ArrayList<>();
        for (KeyRange range : command.storageRanges(keys)) {
            LocalStore.PartitionSlice slice = engine.sliceOfPartition(token, range.start(), range.end(),
                    command.reversed(), 100_000, partition.start(), partition.end());
            entries.addAll(slice.entries());
            tombstones.addAll(slice.rangeTombstones());
        }
        PartitionPage page = PartitionReader.read(command, entries, tombstones, now, true);
        assertThat(page.staticRow()).isNull();
        List<String> out = new ArrayList<>();
        for (Row row : page.rows()) {
            StringBuilder line = new StringBuilder(clustering(row.clustering()));
            for (Map.Entry<String, ColumnData> column : row.columns().entrySet()) {
                if (column.getValue().value() != null) {
                    line.append(' ').append(cell(column.getKey(), column.getValue().value(),
                            column.getValue().timestampMicros()));
                }
            }
            out.add(line.toString());
        }
        return out;
    }

    private static List<String> render(List<InMemoryRowRead.Found> found, PartitionRecords records) {
        List<String> out = new ArrayList<>();
        for (InMemoryRowRead.Found row : found) {
            StringBuilder line = new StringBuilder(clustering(row.clustering()));
            for (int i = 0; i < row.count(); i++) {
                int index = row.records()[i];
                line.append(' ').append(cell(row.names()[i], Arrays.copyOfRange(records.bytes(),
                        records.valueStart(index), records.valueEnd(index)), records.timestampMicros(index)));
            }
            out.add(line.toString());
        }
        return out;
    }

    private static String clustering(Clustering clustering) {
        return ByteBuffer.wrap(clustering.values().get(0)).getInt() + "/"
                + new String(clustering.values().get(1), StandardCharsets.UTF_8) + ":";
    }

    private static String cell(String name, byte[] value, long timestamp) {
        return name + "=" + new String(value, StandardCharsets.ISO_8859_1) + "@" + timestamp;
    }

    private static List<LocalStore.Entry> entries(PartitionKey pk, Op op) {
        long now = NOW_SECONDS - 100;
        int ttl = op.kind() == 1 ? (op.expired() ? 50 : 1000) : 0;
        PartitionUpdate update = new PartitionUpdate(Partitioner.SHA1, TABLE, pk, T0 + op.timestamp(), ttl, now,
                1 << 20, 0);
        Clustering row = new Clustering(List.of(c1(op.c1()), utf8(C2[op.c2()])));
        String column = COLUMNS[op.column()];
        byte[] value = utf8("v" + op.timestamp() + (op.timestamp() % 3 == 0 ? "" : "\u0000" + op.c1()));
        switch (op.kind()) {
            case 0, 1 -> update.set(row, column, value);
            case 2 -> update.deleteColumn(row, column);
            case 3 -> update.insert(row);
            case 4 -> update.deleteRow(row);
            case 5 -> update.deletePartition();
            case 6 -> update.deleteRange(new Slice(new Clustering(List.of(c1(op.c1()))), true,
                    new Clustering(List.of(c1(op.c1() + 1))), true));
            case 7 -> update.set(Clustering.EMPTY, "st", value);
            default -> update.appendToList(row, "l", List.of(value));
        }
        return update.entries();
    }

    private static byte[] c1(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
