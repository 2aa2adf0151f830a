package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.Partitioner;
import ringdb.core.rows.PartitionUpdate;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.types.CqlTypes;
import ringdb.core.store.LocalStore.Entry;

/**
 * The partition cache finds a partition by its token and then its key: partitions that share a token are
 * each found, written and evicted as themselves, and the index agrees with a plain map under any mix of
 * additions and removals.
 */
class PartitionCacheTokenIndexTest {
    private static final long TOKEN = 42;
    private static final TableMetadata TABLE = TableMetadata.builder("app", "t")
            .partitionKey("id", CqlTypes.TEXT).regular("x", CqlTypes.TEXT).createdAt(1, 0).build();
    private static final RowKeys KEYS = new RowKeys(TABLE, key -> TOKEN);

    @Test
    void partitionsOfOneTokenAreEachFoundWrittenAndEvictedAsThemselves() {
        PartitionCache cache = new PartitionCache(1 << 20);
        PartitionKey a = pk("a");
        PartitionKey b = pk("b");
        fill(cache, a, "value of a", 7);
        fill(cache, b, "value of b", 7);
        assertThat(cache.stats().partitions()).isEqualTo(2);
        assertThat(valueOf(cache, a)).isEqualTo("value of a");
        assertThat(valueOf(cache, b)).isEqualTo("value of b");
        assertThat(cached(cache, pk("c"))).as("a third key of the same token is not cached").isNull();

        cache.written(update(b, "b written", 9));
        assertThat(valueOf(cache, b)).isEqualTo("b written");
        assertThat(valueOf(cache, a)).as("a write to b leaves a as it was").isEqualTo("value of a");

        fill(cache, a, "a read again", 11); // takes a's place: still two partitions
        assertThat(cache.stats().partitions()).isEqualTo(2);
        assertThat(valueOf(cache, a)).isEqualTo("a read again");

        // a grows past an eighth of the cache, more than a partition may take: forgotten, b stays
        cache.written(update(a, "x".repeat(200_000), 13));
        assertThat(cached(cache, a)).isNull();
        assertThat(valueOf(cache, b)).isEqualTo("b written");
        assertThat(cache.stats().partitions()).isEqualTo(1);

        // a compaction changed partitions of this token: every partition of it is forgotten, no other
        fill(cache, a, "a read again", 15);
        PartitionKey other = pk("other");
        long otherToken = TOKEN + 1;
        KeyRange otherRange = KEYS.partition(other);
        cache.fill(otherToken, otherRange.start(), otherRange.end(), List.of(), false, cache.writeSequence());
        assertThat(cache.stats().partitions()).isEqualTo(3);
        cache.inPartitions(new long[] {TOKEN - 1, TOKEN});
        assertThat(cached(cache, a)).isNull();
        assertThat(cached(cache, b)).isNull();
        assertThat(cache.get(otherToken, otherRange.start(), otherRange.start().length)).isNotNull();
        assertThat(cache.stats().partitions()).isEqualTo(1);
    }

    @Test
    void theIndexAgreesWithAMapUnderAdditionsAndRemovals() {
        Random random = new Random(15);
        PartitionCache.TokenIndex index = new PartitionCache.TokenIndex();
        Map<String, PartitionCache.Partition> model = new HashMap<>();
        Map<String, Long> tokens = new HashMap<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            keys.add("k" + i);
        }
        for (int step = 0; step < 40_000; step++) {
            // first few tokens, each shared by many keys, so probes run long and wrap around the slots' end
            String key = keys.get(random.nextInt(step < 20_000 ? keys.size() : 300));
            long token = tokenOf(key, step < 20_000);
            PartitionCache.Partition present = model.get(key);
            if (present == null) {
                PartitionCache.Partition partition = partition(token, key);
                index.add(partition);
                model.put(key, partition);
                tokens.put(key, token);
            } else {
                index.remove(present);
                model.remove(key);
                tokens.remove(key);
            }
            assertThat(index.size()).isEqualTo(model.size());
            if (step % 997 == 0) {
                for (String each : keys) {
                    byte[] bytes = bytes(each);
                    long tokenOfEach = tokens.getOrDefault(each, tokenOf(each, step < 20_000));
                    assertThat(index.get(tokenOfEach, bytes, bytes.length))
                            .as("%s at step %d", each, step).isSameAs(model.get(each));
                }
            }
        }
        index.clear();
        assertThat(index.isEmpty()).isTrue();
        byte[] bytes = bytes("k1");
        assertThat(index.get(tokenOf("k1", true), bytes, bytes.length)).isNull();
    }

    /** Tokens shared by many keys; keys added in the second half of the run have their own. */
    private static long tokenOf(String key, boolean shared) {
        return shared ? Math.floorMod(key.hashCode(), 53) : key.hashCode() * 0x1_0000_0001L;
    }

    private static PartitionCache.Partition partition(long token, String key) {
        byte[] start = bytes(key);
        return new PartitionCache.Partition(token, start, CompactEntries.of(start, List.of()));
    }

    private static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private static PartitionKey pk(String key) {
        return PartitionKey.of(bytes(key));
    }

    private static void fill(PartitionCache cache, PartitionKey pk, String value, long timestamp) {
        KeyRange range = KEYS.partition(pk);
        assertThat(cache.fill(TOKEN, range.start(), range.end(), update(pk, value, timestamp), false,
                cache.writeSequence())).isNotNull();
    }

    /** The entries of a write of {@code value} to {@code pk}, under the one token every key here has. */
    private static List<Entry> update(PartitionKey pk, String value, long timestamp) {
        List<Entry> entries = new ArrayList<>();
        for (Entry entry : new PartitionUpdate(Partitioner.SHA1, TABLE, pk, timestamp, 0, 1, 1 << 20, 0)
                .set(Clustering.EMPTY, "x", bytes(value)).entries()) {
            entries.add(new Entry(new DecoratedKey(TOKEN, entry.key().key()), entry.cell()));
        }
        return entries;
    }

    private static PartitionCache.Partition cached(PartitionCache cache, PartitionKey pk) {
        byte[] start = KEYS.partition(pk).start();
        return cache.get(TOKEN, start, start.length);
    }

    private static String valueOf(PartitionCache cache, PartitionKey pk) {
        KeyRange range = KEYS.partition(pk);
        List<Entry> entries = cached(cache, pk).slice(range.start(), range.end(), false, 100);
        return new String(entries.get(entries.size() - 1).cell().value(), StandardCharsets.UTF_8);
    }
}
