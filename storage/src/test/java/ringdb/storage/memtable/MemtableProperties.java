package ringdb.storage.memtable;

import static org.assertj.core.api.Assertions.assertThat;
import static ringdb.storage.rows.TestRowKeys.concat;
import static ringdb.storage.rows.TestRowKeys.escaped;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.storage.rows.EntryKeys;

/**
 * The memtable answers as a plain sorted map of reconciled cells would: random writes of key-value
 * keys, node-local keys, table entries (rows, partition deletions, range tombstone bounds) of a
 * few partitions that share tokens and prefixes, and keys tagged a table's that are not well formed,
 * each written once or several times with colliding and out-of-order timestamps; after them every
 * point read, scan from any key, slice (inside a partition, a whole partition, across partitions and
 * tokens, forwards and reversed), deletions lookup, token check, count and size matches the model's,
 * and so does a memtable built by the replay loader from the same writes.
 */
class MemtableProperties {
    private static final int ENTRY_OVERHEAD_BYTES = 144;
    private static final long[] TOKENS = {-5, 0, 7, Long.MAX_VALUE};

    /** A write of key {@code key} with token {@code TOKENS[token]}; a tombstone when {@code tombstone}. */
    record Write(int token, byte[] key, long timestamp, boolean tombstone, byte value) {
        DecoratedKey decorated() {
            return new DecoratedKey(TOKENS[token], key);
        }

        Cell cell() {
            return tombstone ? Cell.tombstone(timestamp) : Cell.value(new byte[] {value}, timestamp);
        }
    }

    @Property(tries = 300)
    void theMemtableAnswersAsASortedMapOfReconciledCells(@ForAll("writes") List<Write> writes,
                                                         @ForAll("probes") List<Write> probes) {
        Memtable memtable = new Memtable();
        Memtable.Loader loader = new Memtable.Loader();
        TreeMap<DecoratedKey, Cell> model = new TreeMap<>();
        for (Write write : writes) {
            memtable.put(write.decorated(), write.cell());
            loader.put(write.decorated(), write.cell());
            model.merge(write.decorated(), write.cell(), Cell::reconcile);
        }
        List<DecoratedKey> keys = new ArrayList<>(model.keySet());
        probes.forEach(probe -> keys.add(probe.decorated()));
        for (Memtable built : List.of(memtable, loader.build())) {
            assertSame(built, model, keys);
        }
    }

    private static void assertSame(Memtable memtable, TreeMap<DecoratedKey, Cell> model, List<DecoratedKey> keys) {
        assertThat(memtable.size()).isEqualTo(model.size());
        assertThat(memtable.isEmpty()).isEqualTo(model.isEmpty());
        long bytes = 0;
        for (Map.Entry<DecoratedKey, Cell> entry : model.entrySet()) {
            bytes += ENTRY_OVERHEAD_BYTES + entry.getKey().key().length + entry.getValue().sizeBytes();
        }
        assertThat(memtable.sizeBytes()).isEqualTo(bytes);
        assertThat(list(memtable.iterator(null))).isEqualTo(List.copyOf(model.entrySet()));
        for (DecoratedKey key : keys) {
            assertThat(memtable.get(key)).as("get").isEqualTo(model.get(key));
            assertThat(list(memtable.iterator(key))).as("iterator after a key")
                    .isEqualTo(List.copyOf(model.tailMap(key, false).entrySet()));
            byte[] partition = EntryKeys.partitionPrefix(key.key());
            if (partition != null) {
                byte[] end = partition.clone();
                end[end.length - 1]++;
                assertSlices(memtable, model, new DecoratedKey(key.token(), partition),
                        new DecoratedKey(key.token(), end));
                assertDeletions(memtable, model, key.token(), partition, end);
            }
            for (DecoratedKey other : keys) {
                if (key.compareTo(other) <= 0) {
                    assertSlices(memtable, model, key, other);
                    if (key.token() == other.token()) {
                        assertDeletions(memtable, model, key.token(), key.key(), other.key());
                    }
                }
            }
        }
        for (long token : TOKENS) {
            for (long timestamp = 0; timestamp <= 6; timestamp++) {
                long atOrBefore = timestamp;
                boolean held = model.entrySet().stream().anyMatch(entry -> entry.getKey().token() == token
                        && entry.getValue().timestampMicros() <= atOrBefore);
                assertThat(memtable.holdsTokenAtOrBefore(token, timestamp)).as("holds token").isEqualTo(held);
            }
        }
    }

    private static void assertSlices(Memtable memtable, TreeMap<DecoratedKey, Cell> model, DecoratedKey from,
                                     DecoratedKey to) {
        NavigableMap<DecoratedKey, Cell> range = model.subMap(from, true, to, false);
        assertThat(list(memtable.slice(from, to, false))).as("slice").isEqualTo(List.copyOf(range.entrySet()));
        assertThat(list(memtable.slice(from, to, true))).as("reversed slice")
                .isEqualTo(List.copyOf(range.descendingMap().entrySet()));
    }

    private static void assertDeletions(Memtable memtable, TreeMap<DecoratedKey, Cell> model, long token,
                                        byte[] from, byte[] to) {
        if (Arrays.compareUnsigned(from, to) > 0) {
            return;
        }
        List<Map.Entry<DecoratedKey, Cell>> expected = new ArrayList<>();
        model.subMap(new DecoratedKey(token, from), true, new DecoratedKey(token, to), false).forEach((key, cell) -> {
            if (EntryKeys.isDeletionIndexed(key.key())) {
                expected.add(Map.entry(key, cell));
            }
        });
        assertThat(List.copyOf(memtable.deletions(token, from, to).entrySet())).as("deletions").isEqualTo(expected);
    }

    private static List<Map.Entry<DecoratedKey, Cell>> list(Iterator<Map.Entry<DecoratedKey, Cell>> entries) {
        List<Map.Entry<DecoratedKey, Cell>> out = new ArrayList<>();
        entries.forEachRemaining(entry -> out.add(Map.entry(entry.getKey(), entry.getValue())));
        return out;
    }

    @Provide
    Arbitrary<List<Write>> writes() {
        return write().list().ofMaxSize(60);
    }

    @Provide
    Arbitrary<List<Write>> probes() {
        return write().list().ofMaxSize(6);
    }

    private Arbitrary<Write> write() {
        return Combinators.combine(Arbitraries.integers().between(0, TOKENS.length - 1), key(),
                Arbitraries.longs().between(0, 6), Arbitraries.integers().between(0, 4).map(i -> i == 0),
                Arbitraries.bytes()).as(Write::new);
    }

    /** Keys from a small set, so that writes repeat keys and share partitions. */
    private Arbitrary<byte[]> key() {
        Arbitrary<byte[]> partition = Arbitraries.of(partition(new byte[] {'a'}), partition(new byte[] {'a', 0}),
                partition(new byte[] {0}), partition(new byte[] {'b'}, new byte[] {'c'}),
                tablePrefix(1, new byte[] {'a', 0, 2}));
        Arbitrary<byte[]> clustering = Arbitraries.integers().between(1, 3).map(c -> new byte[] {3, c.byteValue()});
        Arbitrary<Integer> oneToThree = Arbitraries.integers().between(1, 3);
        Arbitrary<byte[]> entry = Combinators.combine(partition, Arbitraries.integers().between(0, 5), oneToThree,
                oneToThree).as((p, kind, first, span) -> {
                    int c = first;
                    int d = span;
                    return switch (kind) {
                        case 0 -> p; // the partition's prefix alone
                        case 1 -> concat(p, new byte[] {1}); // partition deletion
                        case 2 -> concat(p, new byte[] {3, (byte) c, 0x21}); // row marker
                        case 3 -> concat(p, new byte[] {3, (byte) c, 0x22, (byte) d, 0, 1}); // cell
                        case 4 -> openBound(p, c, c + d); // range tombstone open bound (a plain key when d spans)
                        default -> concat(p, new byte[] {3, (byte) (c + d), (byte) 0xF0, 0}, // a close bound
                                escaped(new byte[] {3, (byte) c, 0x10}));
                    };
                });
        Arbitrary<byte[]> other = Arbitraries.of(new byte[] {1, 'k'}, new byte[] {1, 'k', 0}, new byte[] {1},
                new byte[] {'h', 1}, new byte[] {'h'}, new byte[] {2, 1, 1}, new byte[] {2, 1, 2},
                new byte[] {2}, new byte[0], tablePrefix(0, new byte[] {'a'}), tablePrefix(0, new byte[] {'a', 0, 7}));
        return Arbitraries.frequencyOf(Tuple.of(4, entry), Tuple.of(1, other),
                Tuple.of(1, clustering.map(c -> concat(partition(new byte[] {'a'}), c))));
    }

    private static byte[] openBound(byte[] partition, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(partition);
        out.writeBytes(new byte[] {3, (byte) from, 0x10, 1});
        out.writeBytes(escaped(new byte[] {3, (byte) to, (byte) 0xF0}));
        return out.toByteArray();
    }

    /** {@code 0x02 table_id components}: each component escaped, ending 0x00 0x01, the last 0x00 0x02. */
    private static byte[] partition(byte[]... components) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < components.length; i++) {
            for (byte b : components[i]) {
                out.write(b);
                if (b == 0) {
                    out.write(0xFF);
                }
            }
            out.write(0);
            out.write(i == components.length - 1 ? 2 : 1);
        }
        return tablePrefix(0, out.toByteArray());
    }

    /** {@code 0x02}, a table id of sixteen {@code id} bytes, then {@code rest} as it is. */
    private static byte[] tablePrefix(int id, byte[] rest) {
        byte[] tableId = new byte[16];
        Arrays.fill(tableId, (byte) id);
        return concat(new byte[] {2}, tableId, rest);
    }
}
