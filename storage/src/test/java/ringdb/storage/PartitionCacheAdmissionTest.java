package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import ringdb.core.ring.Partitioner;
import ringdb.core.rows.PartitionUpdate;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.types.CqlTypes;

/**
 * A full partition cache keeps the partitions read often: a partition read once is answered but not
 * cached in their place, and one read again and again is, in the place of one read less.
 */
class PartitionCacheAdmissionTest {
    private static final TableMetadata TABLE = TableMetadata.builder("app", "t")
            .partitionKey("id", CqlTypes.TEXT).regular("x", CqlTypes.TEXT).createdAt(1, 0).build();
    private static final RowKeys KEYS = new RowKeys(TABLE, Partitioner.SHA1::token);

    @Test
    void aPartitionReadOnceDoesNotPushOutOnesReadOften() {
        PartitionCache cache = new PartitionCache(8 * 1024);
        List<PartitionKey> often = new ArrayList<>();
        PartitionKey rejected = null;
        for (int i = 0; i < 100 && rejected == null; i++) {
            PartitionKey pk = PartitionKey.of(("p" + i).getBytes(StandardCharsets.UTF_8));
            PartitionCache.Partition answered = read(cache, pk);
            assertThat(answered).as("a read is answered from what it filled").isNotNull();
            if (cached(cache, pk) == null) {
                rejected = pk;
            } else {
                often.add(pk);
                for (int r = 0; r < 3; r++) {
                    cache.hit(cached(cache, pk));
                }
            }
        }
        assertThat(rejected).as("the cache filled up").isNotNull();
        assertThat(often).hasSizeGreaterThan(4);
        for (PartitionKey pk : often) {
            assertThat(cached(cache, pk)).as("%s, read often, stays", pk).isNotNull();
        }
        int readsToGetIn = 0;
        while (cached(cache, rejected) == null && readsToGetIn < 10) {
            read(cache, rejected);
            readsToGetIn++;
        }
        assertThat(cached(cache, rejected)).as("a partition read again and again gets in").isNotNull();
        assertThat(readsToGetIn).isBetween(2, 5);
        long evicted = often.stream().filter(pk -> cached(cache, pk) == null).count();
        assertThat(evicted).as("made room by evicting one or two (keys differ in length)").isBetween(1L, 2L);
        assertThat(cache.stats().partitions()).isEqualTo(often.size() + 1 - evicted);
        assertThat(cache.stats().sizeBytes()).isLessThanOrEqualTo(8 * 1024);
    }

    /** A miss of {@code pk}: its entries, read whole, offered to the cache. */
    private static PartitionCache.Partition read(PartitionCache cache, PartitionKey pk) {
        PartitionUpdate update = new PartitionUpdate(Partitioner.SHA1, TABLE, pk, 7, 0, 1, 1 << 20, 0);
        update.set(Clustering.EMPTY, "x", "a value of some length".getBytes(StandardCharsets.UTF_8));
        KeyRange range = KEYS.partition(pk);
        return cache.fill(KEYS.token(pk), range.start(), range.end(), update.entries(), false, cache.writeSequence());
    }

    private static PartitionCache.Partition cached(PartitionCache cache, PartitionKey pk) {
        byte[] start = KEYS.partition(pk).start();
        return cache.get(KEYS.token(pk), start, start.length);
    }
}
