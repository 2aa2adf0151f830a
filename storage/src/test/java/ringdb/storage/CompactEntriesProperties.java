package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.Partitioner;
import ringdb.core.rows.PartitionUpdate;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.keys.Slice;
import ringdb.core.schema.types.CqlTypes;
import ringdb.core.store.LocalStore.Entry;
import ringdb.storage.rows.EntryKeys;

/**
 * The partition cache's compact form of a partition answers as the sorted map of entries it was built
 * from and merged with: random cells (values of every length, empty ones, tombstones, expiring values,
 * timestamps colliding and out of order) at keys of one partition (cells, row markers, the partition
 * deletion, range tombstone bounds, keys with suffixes longer than a one-byte length) are merged one by
 * one by {@link Cell#reconcile}, and every slice (bounds inside, before and after the partition, forwards
 * and reversed, with limits) and every deletions lookup returns the model's keys and cells: value bytes,
 * timestamp, TTL and expiry.
 */
class CompactEntriesProperties {
    private static final long TOKEN = 42;
    private static final TableMetadata TABLE = TableMetadata.builder("app", "t")
            .partitionKey("id", CqlTypes.TEXT).clustering("ck", CqlTypes.BLOB, false)
            .regular("x", CqlTypes.TEXT).createdAt(1, 0).build();
    private static final RowKeys KEYS = new RowKeys(TABLE, Partitioner.SHA1::token);
    private static final PartitionKey PK = PartitionKey.of("p".getBytes(StandardCharsets.UTF_8));
    private static final byte[] PREFIX = KEYS.partition(PK).start();
    /** Keys of the partition: the deletion, range tombstone bounds, markers and cells of rows, long ones. */
    private static final List<byte[]> KEY_POOL = keyPool();

    /** A write of {@code cell kind} at pool key {@code key}: 0 value, 1 tombstone, 2 expiring, 3 empty value. */
    record Write(int key, int kind, long timestamp, int valueLength, int valueByte, int ttl) {
    }

    /** A slice of pool positions (-1: the partition's start, pool size: its end), or with bounds outside it. */
    record Read(int from, int to, boolean reversed, int max, int outside) {
    }

    private static List<byte[]> keyPool() {
        List<byte[]> keys = new ArrayList<>();
        for (int ck : new int[] {1, 2, 300}) {
            byte[] clustering = new byte[ck];
            Arrays.fill(clustering, (byte) ck);
            PartitionUpdate update = new PartitionUpdate(Partitioner.SHA1, TABLE, PK, 5, 0, 1, 1 << 20, 0);
            update.insert(Clustering.of(clustering));
            update.set(Clustering.of(clustering), "x", new byte[] {1});
            Clustering last = Clustering.of(new byte[] {(byte) 0xFF, (byte) 0xFF});
            update.deleteRange(new Slice(Clustering.of(clustering), true, last, false));
            update.entries().forEach(e -> keys.add(e.key().key()));
        }
        PartitionUpdate deletion = new PartitionUpdate(Partitioner.SHA1, TABLE, PK, 5, 0, 1, 1 << 20, 0);
        deletion.deletePartition();
        deletion.entries().forEach(e -> keys.add(e.key().key()));
        keys.sort(Arrays::compareUnsigned);
        List<byte[]> distinct = new ArrayList<>();
        for (byte[] key : keys) {
            if (distinct.isEmpty() || !Arrays.equals(distinct.get(distinct.size() - 1), key)) {
                distinct.add(key);
            }
        }
        return distinct;
    }

    @Provide
    Arbitrary<List<Write>> writes() {
        return Combinators.combine(Arbitraries.integers().between(0, KEY_POOL.size() - 1),
                Arbitraries.integers().between(0, 3), Arbitraries.longs().between(1, 20),
                Arbitraries.integers().between(0, 300), Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(1, 5)).as(Write::new).list().ofMaxSize(40);
    }

    @Provide
    Arbitrary<List<Read>> reads() {
        Arbitrary<Integer> position = Arbitraries.integers().between(-1, KEY_POOL.size());
        return Combinators.combine(position, position, Arbitraries.of(true, false),
                Arbitraries.integers().between(1, 50), Arbitraries.integers().between(0, 3))
                .as(Read::new).list().ofMinSize(1).ofMaxSize(10);
    }

    @Property(tries = 500)
    void answersAsTheSortedEntries(@ForAll("writes") List<Write> initial, @ForAll("writes") List<Write> merged,
                                   @ForAll("reads") List<Read> reads) {
        assertThat(KEY_POOL.stream().filter(EntryKeys::isDeletionIndexed).count()).isGreaterThanOrEqualTo(4);
        TreeMap<byte[], Cell> model = new TreeMap<>(Arrays::compareUnsigned);
        initial.forEach(w -> model.merge(KEY_POOL.get(w.key()), cell(w), Cell::reconcile));
        List<Entry> sorted = new ArrayList<>();
        model.forEach((key, cell) -> sorted.add(new Entry(new DecoratedKey(TOKEN, key), cell)));
        CompactEntries compact = CompactEntries.of(PREFIX, sorted);
        check(compact, model, reads);
        List<CompactEntries> versions = new ArrayList<>();
        List<TreeMap<byte[], Cell>> models = new ArrayList<>();
        for (Write write : merged) {
            CompactEntries before = compact;
            versions.add(before);
            models.add(new TreeMap<>(model));
            Cell held = model.get(KEY_POOL.get(write.key()));
            Cell cell = cell(write);
            model.merge(KEY_POOL.get(write.key()), cell, Cell::reconcile);
            compact = compact.merge(KEY_POOL.get(write.key()), cell, Long.MAX_VALUE);
            if (held != null && Cell.reconcile(held, cell) == held) {
                assertThat(compact).as("a write the held cell wins changes nothing").isSameAs(before);
            }
            check(compact, model, reads);
        }
        for (int i = 0; i < versions.size(); i++) {
            // later writes may append to an array an older version shares: it must still read as it did
            check(versions.get(i), models.get(i), List.of());
        }
    }

    @Example
    void repeatedUpdatesOfOneCellAppendAndStillAnswerEveryVersion() {
        byte[] key = KEY_POOL.get(1);
        TreeMap<byte[], Cell> model = new TreeMap<>(Arrays::compareUnsigned);
        List<Entry> sorted = new ArrayList<>();
        for (byte[] held : KEY_POOL) {
            model.put(held, Cell.value(new byte[] {7}, 1_000_000));
            sorted.add(new Entry(new DecoratedKey(TOKEN, held), model.get(held)));
        }
        CompactEntries compact = CompactEntries.of(PREFIX, sorted);
        List<CompactEntries> versions = new ArrayList<>();
        List<TreeMap<byte[], Cell>> models = new ArrayList<>();
        for (int write = 0; write < 30; write++) {
            versions.add(compact);
            models.add(new TreeMap<>(model));
            Cell cell = Cell.value(new byte[] {(byte) write, 1, 2}, 2_000_000L + write);
            model.put(key, cell);
            compact = compact.merge(key, cell, Long.MAX_VALUE);
            check(compact, model, List.of());
        }
        // a write merged into an older version (another reader's) must not overwrite what a newer one reads
        for (int i = 0; i < versions.size(); i++) {
            TreeMap<byte[], Cell> branched = new TreeMap<>(models.get(i));
            Cell cell = Cell.value(new byte[] {9, 9, 9}, 3_000_000L + i);
            branched.put(key, cell);
            check(versions.get(i).merge(key, cell, Long.MAX_VALUE), branched, List.of());
        }
        check(compact, model, List.of());
        for (int i = 0; i < versions.size(); i++) {
            check(versions.get(i), models.get(i), List.of());
        }
        long shared = versions.stream().map(CompactEntries::bytes).distinct().count();
        assertThat(shared).as("updates of one cell share arrays instead of copying the partition each time")
                .isLessThan(versions.size() / 2);
    }

    @Example
    void noSpareRoomAllowedMeansAnExactCopyPerWrite() {
        byte[] key = KEY_POOL.get(1);
        CompactEntries compact = CompactEntries.of(PREFIX, List.of(new Entry(new DecoratedKey(TOKEN, key),
                Cell.value(new byte[] {7}, 1_000_000))));
        long exact = compact.heapBytes();
        for (int write = 0; write < 5; write++) {
            CompactEntries before = compact;
            compact = compact.merge(key, Cell.value(new byte[] {(byte) write}, 2_000_000L + write), 0);
            assertThat(compact.bytes()).as("a cache without free room gives no spare room")
                    .isNotSameAs(before.bytes());
        }
        assertThat(compact.heapBytes()).isEqualTo(exact + 8); // its own timestamp now, not the common one
    }

    @Example
    void aKeyOfAnotherPartitionIsRefused() {
        byte[] other = KEYS.partition(PartitionKey.of("q".getBytes(StandardCharsets.UTF_8))).start();
        assertThatThrownBy(() -> CompactEntries.of(PREFIX, List.of(new Entry(new DecoratedKey(TOKEN, other),
                Cell.value(new byte[] {1}, 1))))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefix");
    }

    private static void check(CompactEntries compact, TreeMap<byte[], Cell> model, List<Read> reads) {
        assertThat(compact.size()).isEqualTo(model.size());
        int index = 0;
        for (Map.Entry<byte[], Cell> held : model.entrySet()) {
            // read in place, as a row read from memory does
            byte[] bytes = compact.bytes();
            byte[] key = Arrays.copyOf(compact.prefix(), compact.prefix().length
                    + compact.suffixEnd(index) - compact.suffixStart(index));
            System.arraycopy(bytes, compact.suffixStart(index), key, compact.prefix().length,
                    compact.suffixEnd(index) - compact.suffixStart(index));
            Cell cell = held.getValue();
            assertThat(key).isEqualTo(held.getKey());
            assertThat(compact.isTombstone(index)).isEqualTo(cell.isTombstone());
            assertThat(compact.timestampMicros(index)).isEqualTo(cell.timestampMicros());
            assertThat(compact.expiresAtSeconds(index)).isEqualTo(cell.isExpiring() ? cell.expiresAtSeconds() : 0);
            if (!cell.isTombstone()) {
                assertThat(Arrays.copyOfRange(bytes, compact.valueStart(index), compact.valueEnd(index)))
                        .isEqualTo(cell.value());
            }
            index++;
        }
        KeyRange partition = KEYS.partition(PK);
        assertThat(PartitionCacheProperties.render(compact.slice(TOKEN, partition.start(), partition.end(), false,
                Integer.MAX_VALUE))).isEqualTo(render(model, partition.start(), partition.end(), false,
                Integer.MAX_VALUE, false));
        for (Read read : reads) {
            byte[] from = bound(read.from(), read.outside() == 1);
            byte[] to = bound(read.to(), read.outside() == 2);
            assertThat(PartitionCacheProperties.render(compact.slice(TOKEN, from, to, read.reversed(), read.max())))
                    .as("%s", read).isEqualTo(render(model, from, to, read.reversed(), read.max(), false));
            assertThat(PartitionCacheProperties.render(compact.deletions(TOKEN, from, to)))
                    .as("deletions %s", read).isEqualTo(render(model, from, to, false, Integer.MAX_VALUE, true));
        }
    }

    /** A pool key, the partition's start (-1) or end (pool size), or a key before or after the partition. */
    private static byte[] bound(int position, boolean outside) {
        if (outside) {
            return position % 2 == 0 ? new byte[] {2} : new byte[] {3};
        }
        if (position < 0) {
            return KEYS.partition(PK).start();
        }
        return position >= KEY_POOL.size() ? KEYS.partition(PK).end() : KEY_POOL.get(position);
    }

    private static List<String> render(TreeMap<byte[], Cell> model, byte[] from, byte[] to, boolean reversed,
                                       int max, boolean deletionsOnly) {
        List<Entry> found = new ArrayList<>();
        if (Arrays.compareUnsigned(from, to) < 0) {
            Map<byte[], Cell> range = reversed ? model.subMap(from, true, to, false).descendingMap()
                    : model.subMap(from, true, to, false);
            range.forEach((key, cell) -> {
                if (found.size() < max && (!deletionsOnly || EntryKeys.isDeletionIndexed(key))) {
                    found.add(new Entry(new DecoratedKey(TOKEN, key), cell));
                }
            });
        }
        return PartitionCacheProperties.render(found);
    }

    private static Cell cell(Write write) {
        long timestamp = 1_000_000L * write.timestamp();
        byte[] value = new byte[write.kind() == 3 ? 0 : write.valueLength()];
        Arrays.fill(value, (byte) (write.valueByte() * 77));
        if (value.length > 0) {
            value[0] = (byte) write.valueByte();
        }
        return switch (write.kind()) {
            case 1 -> Cell.tombstone(timestamp);
            case 2 -> Cell.expiring(value, timestamp, write.ttl(), 1_800_000_000L + write.ttl() * 1000L);
            default -> Cell.value(value, timestamp);
        };
    }
}
