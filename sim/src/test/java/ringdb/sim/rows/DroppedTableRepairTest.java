package ringdb.sim.rows;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.catalog.SchemaStatements;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.message.Message;
import ringdb.core.message.RangeSyncResponse;
import ringdb.core.store.LocalStore;
import ringdb.sim.SimCluster;
import ringdb.sim.SimListener;

/**
 * A table written on every replica, dropped while one replica was down: the entries its replicas
 * still hold until they purge them are not spread again. The returning replica's catch-up and
 * then a repair on every node send none of them (counted in the range sync answers on the wire),
 * while a live table written alongside repairs as before: the returning replica gets exactly the
 * partitions it missed. Simulated time only.
 */
class DroppedTableRepairTest {
    private static final long SECOND = 1_000_000;
    private static final int PARTITIONS = 30;
    private static final String KEPT = "kept";
    private static final String GONE = "gone";

    @Test
    void repairSendsNoneOfADroppedTablesEntriesAndRepairsTheLiveOne() {
        try (SimCluster cluster = SimCluster.builder().seed(61).nodes(3)
                .nodeConfig(b -> b.replicationFactor(3).hintWindowMicros(1)).build()) {
            cluster.runFor(5 * SECOND);
            NodeId via = cluster.nodeIds().get(0);
            NodeId away = cluster.nodeIds().get(2);
            for (String keyspace : new String[] {KEPT, GONE}) {
                assertThat(RowRequests.createTable(cluster, via, keyspace, 3))
                        .isInstanceOf(ClientResult.Completed.class);
            }
            cluster.runFor(3 * SECOND);
            RowTable kept = RowRequests.table(cluster, via, KEPT);
            RowTable gone = RowRequests.table(cluster, via, GONE);
            for (int p = 0; p < PARTITIONS / 2; p++) { // on every replica
                for (RowTable table : new RowTable[] {kept, gone}) {
                    assertThat(RowRequests.write(cluster, via, table, p, "all" + p, 0, ConsistencyLevel.ALL))
                            .isInstanceOf(ClientResult.Written.class);
                }
            }
            cluster.fail(away);
            assertThat(cluster.runUntil(() -> !cluster.node(via).isAlive(away), 60 * SECOND)).isTrue();
            for (int p = PARTITIONS / 2; p < PARTITIONS; p++) { // missed by the replica that is down
                for (RowTable table : new RowTable[] {kept, gone}) {
                    assertThat(RowRequests.write(cluster, via, table, p, "two" + p, 0, ConsistencyLevel.QUORUM))
                            .isInstanceOf(ClientResult.Written.class);
                }
            }
            assertThat(RowRequests.change(cluster, via, (schema, micros) -> SchemaStatements.dropTable(schema, GONE,
                    RowTable.NAME, false, micros))).isInstanceOf(ClientResult.Completed.class);
            cluster.runFor(3 * SECOND);
            for (NodeId node : cluster.nodeIds()) {
                if (!node.equals(away)) {
                    assertThat(RowRequests.holds(cluster, node, gone, PARTITIONS - 1))
                            .as("%s still holds the dropped table's entries (else nothing could be sent)", node)
                            .isTrue();
                }
            }
            Map<String, Long> sent = new TreeMap<>(Map.of(KEPT, 0L, GONE, 0L));
            cluster.addListener(new SimListener() {
                @Override
                public void onDelivered(NodeId from, NodeId to, Message message) {
                    if (message instanceof RangeSyncResponse response) {
                        for (LocalStore.Entry entry : response.entries()) {
                            count(sent, KEPT, kept, entry);
                            count(sent, GONE, gone, entry);
                        }
                    }
                }
            });

            cluster.recover(away);
            assertThat(cluster.runUntil(() -> cluster.node(away).status().recoveryDone()
                    && cluster.node(away).schema().digestHex().equals(cluster.node(via).schema().digestHex()),
                    120 * SECOND)).as("caught up, schema agreed").isTrue();
            long caughtUp = sent.get(KEPT);
            assertThat(caughtUp).as("the catch-up sent the live table's missed entries").isPositive();
            for (NodeId node : cluster.nodeIds()) {
                assertThat(cluster.runUntil(cluster.repair(node), 60 * SECOND)).as("repair on %s", node)
                        .isInstanceOf(ClientResult.Repaired.class);
            }
            assertThat(sent.get(GONE)).as("entries of the dropped table sent by catch-up or repair").isZero();
            for (int p = 0; p < PARTITIONS; p++) {
                assertThat(RowRequests.holds(cluster, away, kept, p)).as("live partition %d on %s", p, away).isTrue();
                if (p >= PARTITIONS / 2) {
                    assertThat(RowRequests.holds(cluster, away, gone, p)).as("dropped partition %d", p).isFalse();
                }
            }
            assertThat(cluster.unhandledExceptions()).isEmpty();
        }
    }

    private static void count(Map<String, Long> sent, String name, RowTable table, LocalStore.Entry entry) {
        for (int p = 0; p < PARTITIONS; p++) {
            if (table.keys().partition(RowTable.partition(p)).contains(entry.key().key())) {
                sent.merge(name, 1L, Long::sum);
                return;
            }
        }
    }
}
