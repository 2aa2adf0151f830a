package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import ringdb.core.data.Cell;
import ringdb.core.ring.Partitioner;
import ringdb.core.rows.PartitionUpdate;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.types.CqlTypes;
import ringdb.core.store.LocalStore;
import ringdb.storage.rows.SchemaTombstoneKinds;
import ringdb.storage.disk.SimDisk;
import ringdb.storage.testing.ManualTimers;

/**
 * A compaction that runs while the schema does not hold a table (a node restarted and has not
 * published its schema yet, or received the table's data before its definition) keeps that table's
 * deletions whatever their age: the table's gc_grace, which may be far longer than the engine's,
 * is not known yet, and a deletion purged early comes back from a replica that missed it. Once the
 * table is known its own gc_grace decides.
 */
class UnknownTableTombstonesTest {
    private static final long NOW_SECONDS = 1_800_000_000L;
    private static final long DAY_MICROS = 24L * 3600 * 1_000_000L;
    /** Deletions five days old: past the engine's one-day gc_grace, within the table's thirty days. */
    private static final long DELETED_AT = NOW_SECONDS * 1_000_000L - 5 * DAY_MICROS;
    private static final PartitionKey PK = PartitionKey.of("p".getBytes(StandardCharsets.UTF_8));

    private static TableMetadata table(int gcGraceSeconds) {
        return TableMetadata.builder("app", "t").partitionKey("id", CqlTypes.TEXT)
                .clustering("ck", CqlTypes.INT, false).regular("x", CqlTypes.TEXT)
                .gcGraceSeconds(gcGraceSeconds).createdAt(1, 0).build();
    }

    @Test
    void deletionsOfATableTheSchemaDoesNotHoldYetSurviveCompactionUntilItsGcGraceIsKnown() throws Exception {
        TableMetadata table = table(30 * 24 * 3600);
        RowKeys keys = new RowKeys(table, Partitioner.SHA1::token);
        AtomicReference<TableMetadata> published = new AtomicReference<>();
        StorageConfig config = StorageConfig.builder().syncMode(SyncMode.BATCH).gcGraceMicros(DAY_MICROS)
                .tombstoneKinds(new SchemaTombstoneKinds(id -> {
                    TableMetadata known = published.get();
                    return known != null && known.id().equals(id) ? known : null;
                })).build();
        ManualTimers timers = new ManualTimers(NOW_SECONDS * 1_000_000L);
        StorageEngine engine = StorageEngine.open(new SimDisk(new Random(1)), "/n", config, timers, timers);
        PartitionUpdate deletions = new PartitionUpdate(Partitioner.SHA1, table, PK, DELETED_AT, 0, NOW_SECONDS,
                1 << 20, 0);
        deletions.deleteColumn(row(1), "x");
        deletions.deleteRow(row(2));
        apply(engine, deletions.entries());
        engine.flush();
        PartitionUpdate partition = new PartitionUpdate(Partitioner.SHA1, table, PK, DELETED_AT - 10, 0, NOW_SECONDS,
                1 << 20, 0);
        partition.deletePartition();
        apply(engine, partition.entries());
        engine.flush();
        int written = tombstones(engine, keys);
        assertThat(written).isEqualTo(3);

        engine.compactAll();
        assertThat(tombstones(engine, keys)).as("the table is unknown: nothing purged").isEqualTo(written);
        published.set(table);
        engine.compactAll();
        assertThat(tombstones(engine, keys)).as("known, within its 30 days of gc_grace").isEqualTo(written);
        published.set(table(3600));
        engine.compactAll();
        assertThat(tombstones(engine, keys)).as("known, past its gc_grace of an hour").isZero();
        engine.close();
    }

    static Clustering row(int ck) {
        return Clustering.of(ByteBuffer.allocate(4).putInt(ck).array());
    }

    static void apply(StorageEngine engine, List<LocalStore.Entry> entries) {
        List<Throwable> acks = new ArrayList<>();
        engine.applyBatch(entries, acks::add);
        assertThat(acks).containsExactly((Throwable) null);
    }

    private static int tombstones(StorageEngine engine, RowKeys keys) {
        KeyRange range = keys.partition(PK);
        List<LocalStore.Entry> entries = engine.slice(keys.token(PK), range.start(), range.end(), false, 1000);
        return (int) entries.stream().map(LocalStore.Entry::cell).filter(Cell::isTombstone).count();
    }
}
