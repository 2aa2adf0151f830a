package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
import ringdb.core.store.LocalStore.Entry;

/**
 * The partition cache's size estimate is what its partitions take on the heap, within a fifth, so a
 * cache sized to a share of the heap holds as many partitions as that share allows: measured as the
 * bytes of the objects reachable from the cache, as this JVM lays them out ({@link HeapGraph}), with
 * many YCSB-shaped partitions cached (a row of ten text columns of 100 bytes) against the same without
 * them. No collection is needed, so neither its timing nor another thread's objects change the figure.
 */
class PartitionCacheHeapEstimateTest {
    private static final int FIELDS = 10;
    private static final TableMetadata TABLE = table();
    private static final RowKeys KEYS = new RowKeys(TABLE, Partitioner.SHA1::token);

    private static TableMetadata table() {
        TableMetadata.Builder builder = TableMetadata.builder("ycsb", "usertable").partitionKey("y_id", CqlTypes.TEXT);
        for (int i = 0; i < FIELDS; i++) {
            builder.regular("field" + i, CqlTypes.TEXT);
        }
        return builder.createdAt(1, 0).build();
    }

    @Test
    void theEstimateOfCachedRowsIsWithinAFifthOfTheHeapTheyTake() {
        int partitions = 20_000;
        PartitionCache cache = new PartitionCache(1L << 30);
        long before = HeapGraph.bytesReachableFrom(cache);
        for (int i = 0; i < partitions; i++) {
            fill(cache, i);
        }
        long after = HeapGraph.bytesReachableFrom(cache);
        long estimated = cache.stats().sizeBytes();
        assertThat(cache.stats().partitions()).isEqualTo(partitions);
        long measured = after - before;
        assertThat((double) estimated / measured)
                .as("estimated %d bytes, measured %d (%d and %d per partition)", estimated, measured,
                        estimated / partitions, measured / partitions)
                .isBetween(0.8, 1.2);

        for (int i = 0; i < partitions; i++) { // as YCSB's updates: one field rewritten, at a later timestamp
            cache.written(update(i, 1).set(Clustering.EMPTY, "field3", value(i + 1)).entries());
        }
        long updated = HeapGraph.bytesReachableFrom(cache) - before;
        long updatedEstimate = cache.stats().sizeBytes();
        assertThat(updatedEstimate).as("a record with its own timestamp takes 8 bytes more").isGreaterThan(estimated);
        assertThat((double) updatedEstimate / updated)
                .as("after updates, estimated %d bytes, measured %d", updatedEstimate, updated)
                .isBetween(0.8, 1.2);
    }

    /** Caches the row of YCSB's key {@code user<i>}: ten fields of 100 bytes, as a write and a read leave it. */
    private static void fill(PartitionCache cache, int i) {
        PartitionUpdate update = update(i, 0);
        for (int f = 0; f < FIELDS; f++) {
            update.set(Clustering.EMPTY, "field" + f, value(i));
        }
        List<Entry> entries = update.entries();
        KeyRange range = KEYS.partition(key(i));
        assertThat(cache.fill(KEYS.token(key(i)), range.start(), range.end(), entries, false, cache.writeSequence()))
                .isNotNull();
    }

    private static PartitionKey key(int i) {
        return PartitionKey.of(("user" + (1_000_000_000L + i * 7919L)).getBytes(StandardCharsets.UTF_8));
    }

    private static PartitionUpdate update(int i, long later) {
        return new PartitionUpdate(Partitioner.SHA1, TABLE, key(i), 1_700_000_000_000_000L + i + later, 0, 1,
                1 << 20, 0);
    }

    private static byte[] value(int i) {
        byte[] value = new byte[100];
        Arrays.fill(value, (byte) ('a' + i % 26));
        return value;
    }
}
