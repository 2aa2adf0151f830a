package ringdb.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ringdb.core.catalog.Schema;
import ringdb.core.catalog.SchemaStatements;
import ringdb.core.catalog.TableDefinition;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.Partitioner;
import ringdb.core.schema.Replication;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.types.CqlTypes;
import ringdb.core.store.LocalStore;

/**
 * The purge of dropped tables' data: started for the drops not purged yet, one at a time (drops learnt
 * meanwhile right after), recorded once done so a restart does not purge again, and run again after a
 * restart when the node stopped before it finished or it failed.
 */
class DroppedTablePurgeTest {
    @TempDir
    Path dir;

    /** A store that only records the purges asked of it; each completes when the test says. */
    private static final class PurgeRecorder implements LocalStore {
        final List<Predicate<DecoratedKey>> keeps = new ArrayList<>();
        final List<Completion<Long>> completions = new ArrayList<>();

        @Override
        public void purgeAsync(Predicate<DecoratedKey> keep, Completion<Long> done) {
            keeps.add(keep);
            completions.add(done);
        }

        @Override
        public void apply(byte[] key, Cell cell, Consumer<Throwable> onDurable) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Cell read(byte[] key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Entry> scan(long startTokenExclusive, long endTokenInclusive, DecoratedKey after, int maxEntries) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Stats stats() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    private static TableDefinition table(String name) {
        return new TableDefinition("app", name, List.of(new TableDefinition.Column("id", CqlTypes.TEXT)), List.of(),
                List.of(), List.of(new TableDefinition.Column("v", CqlTypes.TEXT)), 0, null);
    }

    private static DecoratedKey keyOf(TableMetadata table) {
        PartitionKey partition = PartitionKey.of("p".getBytes(StandardCharsets.UTF_8));
        RowKeys keys = new RowKeys(table, Partitioner.SHA1::token);
        return keys.decorate(partition, keys.partitionDeletion(partition));
    }

    @Test
    void aDropIsPurgedOnceEvenAcrossRestartsAndAgainWhenTheNodeStoppedBeforeItFinished() {
        Schema created = SchemaStatements.createTable(SchemaStatements.createTable(SchemaStatements.createKeyspace(
                Schema.empty(1), "app", Replication.simple(1), false, 10), table("a"), false, 11), table("b"),
                false, 12);
        TableMetadata a = created.table("app", "a");
        TableMetadata b = created.table("app", "b");
        AtomicReference<Schema> schema = new AtomicReference<>(created);
        PurgeRecorder store = new PurgeRecorder();
        DroppedTablePurge purge = new DroppedTablePurge(store, dir, schema::get);
        purge.check();
        assertThat(store.keeps).as("nothing dropped").isEmpty();

        schema.set(SchemaStatements.dropTable(created, "app", "a", false, 20));
        purge.check();
        assertThat(store.keeps).hasSize(1);
        assertThat(store.keeps.get(0).test(keyOf(a))).as("a's entries go").isFalse();
        assertThat(store.keeps.get(0).test(keyOf(b))).as("b's stay").isTrue();
        assertThat(store.keeps.get(0).test(new DecoratedKey(1, "kv key".getBytes(StandardCharsets.UTF_8)))).isTrue();
        // The node stops before the purge finished: after the restart it runs again.
        PurgeRecorder restarted = new PurgeRecorder();
        DroppedTablePurge again = new DroppedTablePurge(restarted, dir, schema::get);
        again.check();
        assertThat(restarted.keeps).hasSize(1);
        schema.set(SchemaStatements.dropTable(schema.get(), "app", "b", false, 30));
        again.check(); // learnt while one runs: purged right after it
        assertThat(restarted.keeps).hasSize(1);
        restarted.completions.get(0).done(7L, null);
        assertThat(restarted.keeps).hasSize(2);
        assertThat(restarted.keeps.get(1).test(keyOf(a))).as("a is purged already").isTrue();
        assertThat(restarted.keeps.get(1).test(keyOf(b))).isFalse();
        restarted.completions.get(1).done(null, new IllegalStateException("disk full"));
        assertThat(again.completed()).isEqualTo(1);
        assertThat(again.failed()).isEqualTo(1);
        assertThat(again.entriesRemoved()).isEqualTo(7);
        again.check(); // a failed purge runs again at the next check
        assertThat(restarted.keeps).hasSize(3);
        restarted.completions.get(2).done(3L, null);
        again.check();
        assertThat(restarted.keeps).as("nothing left to purge").hasSize(3);

        PurgeRecorder third = new PurgeRecorder();
        new DroppedTablePurge(third, dir, schema::get).check();
        assertThat(third.keeps).as("purged before the restart: not again").isEmpty();
    }
}
