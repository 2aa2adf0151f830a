package ringdb.sim.rows;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.catalog.SchemaService;
import ringdb.core.catalog.SchemaStatements;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.coordinator.SliceQuery;
import ringdb.core.rows.PartitionUpdate;
import ringdb.core.schema.Replication;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.sim.SimCluster;

/**
 * A table dropped and created again under the same name while one replica was down: the new table
 * has a new id, so neither the old table's rows nor its deletions show in it — not at ALL, not
 * after the replica that kept the old table's data and schema came back, not after repairs — and a
 * write to the new table older than an old deletion of its partition stays visible.
 */
class TableRecreatedTest {
    private static final long SECOND = 1_000_000;

    @Test
    void aTableCreatedAgainSeesNoneOfTheDroppedTablesRowsOrDeletions() {
        try (SimCluster cluster = SimCluster.builder().seed(51).nodes(3)
                .nodeConfig(b -> b.replicationFactor(3)).build()) {
            cluster.runFor(5 * SECOND);
            NodeId via = cluster.nodeIds().get(0);
            NodeId away = cluster.nodeIds().get(2);
            assertThat(change(cluster, via, (schema, micros) -> SchemaStatements.createTable(
                    SchemaStatements.createKeyspace(schema, RowTable.KEYSPACE, Replication.simple(3), false, micros),
                    RowTable.definition(), false, micros))).isInstanceOf(ClientResult.Completed.class);
            cluster.runFor(3 * SECOND);
            RowTable old = table(cluster, via);
            long deletedAt = cluster.node(via).nextTimestampMicros() + 60 * SECOND;
            assertThat(write(cluster, via, old, 0, "old", 0)).isInstanceOf(ClientResult.Written.class);
            assertThat(cluster.runUntil(cluster.request(via, (node, done) -> {
                PartitionUpdate update = new PartitionUpdate(old.metadata(), RowTable.partition(1), deletedAt, 0,
                        node.nowMicros() / 1_000_000);
                update.deletePartition();
                node.mutate(update.entries(), ConsistencyLevel.ALL, done);
            }), 10 * SECOND)).isInstanceOf(ClientResult.Written.class);

            cluster.fail(away);
            assertThat(cluster.runUntil(() -> !cluster.node(via).isAlive(away), 60 * SECOND)).isTrue();
            assertThat(change(cluster, via, (schema, micros) -> SchemaStatements.dropTable(schema,
                    RowTable.KEYSPACE, RowTable.NAME, false, micros))).isInstanceOf(ClientResult.Completed.class);
            assertThat(change(cluster, via, (schema, micros) -> SchemaStatements.createTable(schema,
                    RowTable.definition(), false, micros))).isInstanceOf(ClientResult.Completed.class);
            RowTable recreated = table(cluster, via);
            assertThat(recreated.metadata().id()).isNotEqualTo(old.metadata().id());
            cluster.recover(away);
            assertThat(cluster.runUntil(() -> cluster.nodeIds().stream().allMatch(node -> cluster.isAlive(node)
                    && cluster.node(node).schema().digestHex().equals(cluster.node(via).schema().digestHex())
                    && cluster.nodeIds().stream().allMatch(cluster.node(node)::isAlive)), 60 * SECOND))
                    .as("every node up and seeing the others, the schemas converged").isTrue();

            assertThat(read(cluster, away, recreated, 0)).as("the old table's row").isEmpty();
            // older than the old table's deletion of partition 1, which must not shadow it
            assertThat(write(cluster, via, recreated, 1, "new", deletedAt - 30 * SECOND))
                    .isInstanceOf(ClientResult.Written.class);
            for (NodeId node : cluster.nodeIds()) {
                assertThat(cluster.runUntil(cluster.repair(node), 60 * SECOND))
                        .isInstanceOf(ClientResult.Repaired.class);
            }
            for (NodeId node : cluster.nodeIds()) {
                assertThat(read(cluster, node, recreated, 0)).as("old row via %s", node).isEmpty();
                assertThat(read(cluster, node, recreated, 1)).as("new row via %s", node).containsExactly("new");
            }
            assertThat(cluster.unhandledExceptions()).isEmpty();
        }
    }

    private static RowTable table(SimCluster cluster, NodeId via) {
        return new RowTable(cluster.node(via).schema().table(RowTable.KEYSPACE, RowTable.NAME));
    }

    private static ClientResult change(SimCluster cluster, NodeId via, SchemaService.Statement statement) {
        return cluster.runUntil(cluster.request(via, (node, done) -> node.changeSchema(statement,
                (changes, error) -> done.accept(error == null ? new ClientResult.Completed("changed")
                        : new ClientResult.Failed(error.getMessage())))), 10 * SECOND);
    }

    /** Column a of row 1 of partition {@code p}, at ALL, stamped {@code micros} (0: the node's clock). */
    private static ClientResult write(SimCluster cluster, NodeId via, RowTable table, int p, String value,
                                      long micros) {
        return cluster.runUntil(cluster.request(via, (node, done) -> {
            PartitionUpdate update = new PartitionUpdate(table.metadata(), RowTable.partition(p),
                    micros == 0 ? node.nextTimestampMicros() : micros, 0, node.nowMicros() / 1_000_000);
            update.set(RowTable.row(1), "a", RowTable.text(value));
            node.mutate(update.entries(), ConsistencyLevel.ALL, done);
        }), 10 * SECOND);
    }

    /** The live values of partition {@code p} read at ALL through {@code via}. */
    private static List<String> read(SimCluster cluster, NodeId via, RowTable table, int p) {
        PartitionKey pk = RowTable.partition(p);
        KeyRange range = table.keys().partition(pk);
        SliceQuery query = new SliceQuery(table.keys().token(pk), range.start(), range.end(), false, 100,
                range.start(), range.end());
        ClientResult result = cluster.runUntil(cluster.request(via,
                (node, done) -> node.readSlice(query, ConsistencyLevel.ALL, done)), 10 * SECOND);
        assertThat(result).isInstanceOf(ClientResult.Entries.class);
        List<String> values = new ArrayList<>();
        ((ClientResult.Entries) result).entries().stream().filter(entry -> !entry.cell().isTombstone()
                && entry.cell().value().length > 0)
                .forEach(entry -> values.add(new String(entry.cell().value(), StandardCharsets.UTF_8)));
        return values;
    }
}
