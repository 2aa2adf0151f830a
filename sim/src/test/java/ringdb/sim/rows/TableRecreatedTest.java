package ringdb.sim.rows;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.catalog.SchemaStatements;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.rows.PartitionUpdate;
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
            assertThat(RowRequests.createTable(cluster, via, RowTable.KEYSPACE, 3))
                    .isInstanceOf(ClientResult.Completed.class);
            cluster.runFor(3 * SECOND);
            RowTable old = RowRequests.table(cluster, via, RowTable.KEYSPACE);
            long deletedAt = cluster.node(via).nextTimestampMicros() + 60 * SECOND;
            assertThat(RowRequests.write(cluster, via, old, 0, "old", 0, ConsistencyLevel.ALL))
                    .isInstanceOf(ClientResult.Written.class);
            assertThat(cluster.runUntil(cluster.request(via, (node, done) -> {
                PartitionUpdate update = new PartitionUpdate(old.metadata(), RowTable.partition(1), deletedAt, 0,
                        node.nowMicros() / 1_000_000);
                update.deletePartition();
                node.mutate(update.entries(), ConsistencyLevel.ALL, done);
            }), 10 * SECOND)).isInstanceOf(ClientResult.Written.class);

            cluster.fail(away);
            assertThat(cluster.runUntil(() -> !cluster.node(via).isAlive(away), 60 * SECOND)).isTrue();
            assertThat(RowRequests.change(cluster, via, (schema, micros) -> SchemaStatements.dropTable(schema,
                    RowTable.KEYSPACE, RowTable.NAME, false, micros))).isInstanceOf(ClientResult.Completed.class);
            assertThat(RowRequests.change(cluster, via, (schema, micros) -> SchemaStatements.createTable(schema,
                    RowTable.definition(), false, micros))).isInstanceOf(ClientResult.Completed.class);
            RowTable recreated = RowRequests.table(cluster, via, RowTable.KEYSPACE);
            assertThat(recreated.metadata().id()).isNotEqualTo(old.metadata().id());
            cluster.recover(away);
            assertThat(cluster.runUntil(() -> cluster.nodeIds().stream().allMatch(node -> cluster.isAlive(node)
                    && cluster.node(node).schema().digestHex().equals(cluster.node(via).schema().digestHex())
                    && cluster.nodeIds().stream().allMatch(cluster.node(node)::isAlive)), 60 * SECOND))
                    .as("every node up and seeing the others, the schemas converged").isTrue();

            assertThat(read(cluster, away, recreated, 0)).as("the old table's row").isEmpty();
            // older than the old table's deletion of partition 1, which must not shadow it
            assertThat(RowRequests.write(cluster, via, recreated, 1, "new", deletedAt - 30 * SECOND,
                    ConsistencyLevel.ALL))
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

    /** The live values of partition {@code p} read at ALL through {@code via}. */
    private static List<String> read(SimCluster cluster, NodeId via, RowTable table, int p) {
        ClientResult result = RowRequests.read(cluster, via, table, p, ConsistencyLevel.ALL);
        assertThat(result).isInstanceOf(ClientResult.Entries.class);
        return RowRequests.values((ClientResult.Entries) result);
    }
}
