package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import ringdb.core.ring.Partitioner;
import ringdb.core.rows.PartitionUpdate;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.types.CqlTypes;
import ringdb.storage.disk.SimDisk;
import ringdb.storage.rows.SchemaTombstoneKinds;
import ringdb.storage.testing.ManualTimers;

/**
 * Compaction removes every entry (values and tombstones) of a table the schema knows as dropped, so
 * dropping a table gives its disk space back; the entries of a live table and of a table the schema
 * does not know (not learnt yet: it may exist) stay, whatever the order of the tables in the key space.
 */
class DroppedTableCompactionTest {
    private static final long NOW_MICROS = 1_800_000_000L * 1_000_000L;
    private static final PartitionKey PK = PartitionKey.of("p".getBytes(StandardCharsets.UTF_8));
    private static final int ROWS = 50;

    private static TableMetadata table(String name) {
        return TableMetadata.builder("app", name).partitionKey("id", CqlTypes.TEXT)
                .clustering("ck", CqlTypes.INT, false).regular("x", CqlTypes.TEXT).createdAt(1, 0).build();
    }

    @Test
    void compactionRemovesEveryEntryOfADroppedTableAndKeepsLiveAndUnknownTables() throws Exception {
        TableMetadata dropped = table("dropped");
        TableMetadata live = table("live");
        TableMetadata unknown = table("unknown");
        AtomicReference<Set<UUID>> droppedIds = new AtomicReference<>(Set.of());
        StorageConfig config = StorageConfig.builder().syncMode(SyncMode.BATCH)
                .tombstoneKinds(new SchemaTombstoneKinds(id -> id.equals(live.id()) ? live : null,
                        id -> droppedIds.get().contains(id))).build();
        ManualTimers timers = new ManualTimers(NOW_MICROS);
        StorageEngine engine = StorageEngine.open(new SimDisk(new Random(1)), "/n", config, timers, timers);
        for (TableMetadata table : List.of(dropped, live, unknown)) {
            write(engine, table);
            engine.flush();
        }
        int each = entries(engine, live);
        assertThat(each).as("rows, a row deletion and a partition deletion").isEqualTo(ROWS + 2);

        engine.compactAll();
        assertThat(List.of(entries(engine, dropped), entries(engine, live), entries(engine, unknown)))
                .as("nothing is dropped yet").containsExactly(each, each, each);

        droppedIds.set(Set.of(dropped.id()));
        write(engine, dropped); // written again (a late replica write): flushed, then removed by the compaction
        engine.flush();
        engine.compactAll();
        assertThat(List.of(entries(engine, dropped), entries(engine, live), entries(engine, unknown)))
                .as("only the dropped table's entries go").containsExactly(0, each, each);
        engine.close();
    }

    private static void write(StorageEngine engine, TableMetadata table) {
        PartitionUpdate deletion = new PartitionUpdate(Partitioner.SHA1, table, PK, NOW_MICROS - 10, 0,
                NOW_MICROS / 1_000_000L, 1 << 20, 0);
        deletion.deletePartition();
        UnknownTableTombstonesTest.apply(engine, deletion.entries());
        PartitionUpdate rows = new PartitionUpdate(Partitioner.SHA1, table, PK, NOW_MICROS, 0,
                NOW_MICROS / 1_000_000L, 1 << 20, 0);
        for (int ck = 0; ck < ROWS; ck++) {
            rows.set(UnknownTableTombstonesTest.row(ck), "x", ("value " + ck).getBytes(StandardCharsets.UTF_8));
        }
        rows.deleteRow(UnknownTableTombstonesTest.row(ROWS));
        UnknownTableTombstonesTest.apply(engine, rows.entries());
    }

    /** Every entry (values and tombstones) of {@code table} in the engine. */
    private static int entries(StorageEngine engine, TableMetadata table) {
        RowKeys keys = new RowKeys(table, Partitioner.SHA1::token);
        KeyRange range = keys.partition(PK);
        return engine.slice(keys.token(PK), range.start(), range.end(), false, 10_000).size();
    }
}
