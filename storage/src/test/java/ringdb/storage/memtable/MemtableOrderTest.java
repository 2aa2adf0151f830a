package ringdb.storage.memtable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;

/**
 * Partitions new to the memtable join its sorted map only when a reader walks it: every walk
 * (iterator, slice across partitions, token lookup) still finds, in key order, every partition
 * written before it began, also while the writer keeps adding partitions on another thread.
 */
class MemtableOrderTest {
    private static final byte TABLE = 0x02;
    private static final byte KV = 0x01;

    @Test
    void walksFindPartitionsWrittenInAnyOrderSortedAndWrittenBetweenWalksToo() {
        Memtable memtable = new Memtable();
        List<Long> tokens = shuffledTokens(300, new Random(11));
        for (long token : tokens.subList(0, 200)) {
            memtable.put(entry(token, 1), Cell.value(new byte[] {1}, 1));
        }
        memtable.put(new DecoratedKey(5, new byte[] {KV, 5}), Cell.value(new byte[] {5}, 1));
        assertThat(tokensOf(memtable.iterator(null))).isSorted().hasSize(201);

        for (long token : tokens.subList(200, 300)) {
            memtable.put(entry(token, 1), Cell.value(new byte[] {1}, 1));
            memtable.put(entry(token, 2), Cell.value(new byte[] {2}, 1));
        }
        List<Long> all = tokensOf(memtable.iterator(null));
        assertThat(all).isSorted().hasSize(401);
        long newest = tokens.get(299);
        assertThat(memtable.holdsTokenAtOrBefore(newest, 1)).isTrue();
        List<Long> after = tokensOf(memtable.iterator(entry(newest, 1)));
        assertThat(after).startsWith(newest).isSorted();
        List<Long> across = tokensOf(memtable.slice(new DecoratedKey(newest, new byte[0]),
                new DecoratedKey(newest + 1, new byte[0]), false));
        assertThat(across).containsExactly(newest, newest);
    }

    @Test
    void aReaderOnAnotherThreadFindsEveryPartitionWrittenBeforeItsWalkBegan() throws Exception {
        Memtable memtable = new Memtable();
        List<Long> tokens = shuffledTokens(20_000, new Random(12));
        AtomicInteger written = new AtomicInteger();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            for (long token : tokens) {
                memtable.put(entry(token, 1), Cell.value(new byte[] {1}, 1));
                written.incrementAndGet();
            }
        });
        writer.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int walks = 0;
        try {
            while (walks < 10_000 && System.nanoTime() < deadline) {
                int before = written.get();
                List<Long> seen = tokensOf(memtable.iterator(null));
                assertThat(seen).isSorted();
                assertThat(seen.size()).isGreaterThanOrEqualTo(before);
                walks++;
                if (before == tokens.size()) {
                    break;
                }
            }
        } catch (Throwable e) {
            failed.set(e);
        } finally {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(failed.get()).isNull();
        assertThat(writer.isAlive()).isFalse();
        assertThat(tokensOf(memtable.iterator(null))).isSorted().hasSize(tokens.size());
    }

    @Test
    void ordersPartitionsByTokenAcrossTheWholeRangeThenByKeyWhenTokensAreNearOrEqual() {
        Memtable memtable = new Memtable();
        Random random = new Random(13);
        List<DecoratedKey> written = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            long token = switch (i % 4) {
                case 0 -> random.nextLong(); // anywhere, negative and positive
                case 1 -> Long.MIN_VALUE + random.nextInt(64); // the ends, differing in the lowest bits
                case 2 -> Long.MAX_VALUE - random.nextInt(64);
                default -> random.nextInt(16); // tokens shared by partitions of other keys
            };
            written.add(entry(token, (byte) (1 + random.nextInt(255)), 1));
        }
        for (DecoratedKey key : written) {
            memtable.put(key, Cell.value(new byte[] {1}, 1));
        }
        List<DecoratedKey> expected = new ArrayList<>(new TreeSet<>(written));
        List<DecoratedKey> walked = new ArrayList<>();
        memtable.iterator(null).forEachRemaining(e -> walked.add(e.getKey()));
        assertThat(walked).containsExactlyElementsOf(expected);
    }

    @Test
    void aFrozenMemtableWalksAsBeforeAndRefusesWrites() {
        Memtable open = new Memtable();
        Memtable frozen = new Memtable();
        Random random = new Random(14);
        List<DecoratedKey> firstHalf = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            DecoratedKey key = entry(random.nextLong(), (byte) (1 + random.nextInt(255)), 1 + random.nextInt(3));
            DecoratedKey kv = new DecoratedKey(random.nextLong(), new byte[] {KV, (byte) i, (byte) (i >> 8)});
            for (Memtable memtable : List.of(open, frozen)) {
                memtable.put(key, Cell.value(new byte[] {1}, i));
                memtable.put(kv, Cell.value(new byte[] {2}, i));
            }
            if (i == 999) {
                open.iterator(null).forEachRemaining(e -> firstHalf.add(e.getKey()));
                frozen.iterator(null); // the first half is ordered one partition at a time, the rest at once
            }
        }
        frozen.freeze();
        assertThat(keysOf(frozen.iterator(null))).containsExactlyElementsOf(keysOf(open.iterator(null)))
                .hasSize(firstHalf.size() * 2).containsAll(firstHalf);
        DecoratedKey from = firstHalf.get(firstHalf.size() / 2);
        assertThat(keysOf(frozen.iterator(from))).containsExactlyElementsOf(keysOf(open.iterator(from)));
        DecoratedKey to = new DecoratedKey(from.token() + (1L << 60), new byte[0]);
        assertThat(keysOf(frozen.slice(from, to, true))).containsExactlyElementsOf(keysOf(open.slice(from, to, true)));
        assertThatThrownBy(() -> frozen.put(from, Cell.value(new byte[] {3}, 5_000)))
                .hasMessageContaining("frozen");
        assertThat(frozen.get(from)).isEqualTo(open.get(from));
    }

    private static List<DecoratedKey> keysOf(Iterator<Map.Entry<DecoratedKey, Cell>> entries) {
        List<DecoratedKey> out = new ArrayList<>();
        entries.forEachRemaining(e -> out.add(e.getKey()));
        return out;
    }

    private static List<Long> shuffledTokens(int count, Random random) {
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tokens.add((long) i * 1_000_003L - 7_000_000_000L);
        }
        Collections.shuffle(tokens, random);
        return tokens;
    }

    /** As {@link #entry(long, int)}, of the partition whose key is {@code partitionKey}. */
    private static DecoratedKey entry(long token, byte partitionKey, int last) {
        DecoratedKey key = entry(token, last);
        key.key()[17] = partitionKey;
        return key;
    }

    /** An entry of a table's partition: tag, table id, partition key 'k' (ending 0x00 0x02), rows section. */
    private static DecoratedKey entry(long token, int last) {
        byte[] key = new byte[1 + 16 + 3 + 2];
        key[0] = TABLE;
        key[17] = 'k';
        key[18] = 0x00;
        key[19] = 0x02;
        key[20] = 0x03;
        key[21] = (byte) last;
        return new DecoratedKey(token, key);
    }

    private static List<Long> tokensOf(Iterator<Map.Entry<DecoratedKey, Cell>> entries) {
        List<Long> out = new ArrayList<>();
        entries.forEachRemaining(e -> out.add(e.getKey().token()));
        return out;
    }
}
