package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import ringdb.core.ring.Partitioner;
import ringdb.core.rows.PartitionUpdate;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.types.CqlTypes;
import ringdb.core.store.LocalStore;
import ringdb.storage.disk.SimDisk;
import ringdb.storage.rows.SchemaTombstoneKinds;
import ringdb.storage.testing.ManualTimers;

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

    /**
     * A row read of a partition the full cache does not admit is answered from the partition it read:
     * its cells and its deletion (the partition deleted before the cell was written), one miss, no hit,
     * and the partition is still not cached.
     */
    @Test
    void aRowReadTheCacheDoesNotAdmitStillGetsItsDeletions() throws IOException {
        ManualTimers timers = new ManualTimers(1_000_000_000_000L);
        StorageConfig config = StorageConfig.builder().memtableSizeBytesMax(1 << 20)
                .tombstoneKinds(new SchemaTombstoneKinds(id -> id.equals(TABLE.id()) ? TABLE : null))
                .partitionCacheSizeBytes(8 * 1024).build();
        StorageEngine engine = StorageEngine.open(new SimDisk(new Random(1)), "/c", config, timers, timers);
        PartitionKey rejected = null;
        for (int i = 0; i < 100 && rejected == null; i++) {
            PartitionKey pk = PartitionKey.of(("p" + i).getBytes(StandardCharsets.UTF_8));
            engine.applyBatch(new PartitionUpdate(Partitioner.SHA1, TABLE, pk, 5, 0, 1, 1 << 20, 0)
                    .deletePartition().entries(), e -> { });
            engine.applyBatch(new PartitionUpdate(Partitioner.SHA1, TABLE, pk, 7, 0, 1, 1 << 20, 0)
                    .set(Clustering.EMPTY, "x", "a value of some length".getBytes(StandardCharsets.UTF_8))
                    .entries(), e -> { });
            long partitions = engine.partitionCacheStats().partitions();
            long misses = engine.partitionCacheStats().misses();
            LocalStore.PartitionSlice read = rowRead(engine, pk);
            assertThat(read.entries()).as("the partition deletion and the cell").hasSize(2);
            assertThat(read.entries().get(1).cell().value()).asString(StandardCharsets.UTF_8)
                    .isEqualTo("a value of some length");
            assertThat(read.rangeTombstones()).hasSize(1);
            assertThat(read.rangeTombstones().get(0).cell().timestampMicros()).isEqualTo(5);
            assertThat(engine.partitionCacheStats().misses()).isEqualTo(misses + 1);
            assertThat(engine.partitionCacheStats().hits()).isZero();
            if (engine.partitionCacheStats().partitions() == partitions) {
                rejected = pk;
            }
        }
        assertThat(rejected).as("the cache filled up and refused one").isNotNull();
        assertThat(cachedIn(engine, rejected)).isFalse();
        engine.close();
    }

    /** A row read as the node asks it: the partition deletion and the rows, then the partition's deletions. */
    private static LocalStore.PartitionSlice rowRead(StorageEngine engine, PartitionKey pk) {
        KeyRange partition = KEYS.partition(pk);
        return engine.sliceOfPartition(KEYS.token(pk), partition.start(), KEYS.rows(pk).end(), false, 100_001,
                partition.start(), partition.end());
    }

    /** Whether a row read of {@code pk} now is a hit. */
    private static boolean cachedIn(StorageEngine engine, PartitionKey pk) {
        long hits = engine.partitionCacheStats().hits();
        rowRead(engine, pk);
        return engine.partitionCacheStats().hits() > hits;
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
