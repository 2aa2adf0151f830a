package ringdb.sim.rows;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.message.SchemaPull;
import ringdb.core.message.SchemaPush;
import ringdb.core.node.NodeEvent;
import ringdb.sim.SimCluster;
import ringdb.sim.SimListener;

/**
 * A node joining while the schema has not reached it: it must not plan its stream as if a
 * keyspace it does not know had the cluster's replication factor (it would copy the factor-1
 * keyspace from a replica that does not hold it and miss the partitions it becomes the one replica
 * of). It waits, saying why, until its schema agrees with the ring's, then streams exactly those
 * partitions. Simulated time only.
 */
class KeyspaceSchemaStreamTest {
    private static final long SECOND = 1_000_000;
    private static final int PARTITIONS = 40;

    @Test
    void aJoiningNodeWaitsForTheSchemaBeforePlanningItsStream() {
        try (SimCluster cluster = SimCluster.builder().seed(33).nodes(3)
                .nodeConfig(b -> b.replicationFactor(2)).build()) {
            cluster.runFor(5 * SECOND);
            NodeId via = cluster.nodeIds().get(0);
            assertThat(RowRequests.createTable(cluster, via, RowTable.KEYSPACE, 1))
                    .isInstanceOf(ClientResult.Completed.class);
            cluster.runFor(3 * SECOND);
            RowTable table = RowRequests.table(cluster, via, RowTable.KEYSPACE);
            for (int p = 0; p < PARTITIONS; p++) {
                assertThat(RowRequests.write(cluster, via, table, p, "v" + p, 0, ConsistencyLevel.ONE))
                        .isInstanceOf(ClientResult.Written.class);
            }
            Set<NodeId> first = Set.copyOf(cluster.nodeIds());
            cluster.network().blockMessages((from, to, message) -> (message instanceof SchemaPull
                    || message instanceof SchemaPush) && !(first.contains(from) && first.contains(to)));
            List<NodeEvent> events = new ArrayList<>();
            cluster.addListener(new SimListener() {
                @Override
                public void onNodeEvent(NodeEvent event) {
                    events.add(event);
                }
            });
            NodeId added = cluster.addNode();
            cluster.runFor(6 * cluster.config().ringDelayMicros());
            assertThat(cluster.node(added).schema().table(RowTable.KEYSPACE, RowTable.NAME)).isNull();
            assertThat(cluster.isNormal(added)).as("joined without the schema").isFalse();
            assertThat(events).anySatisfy(event -> assertThat(event.node().equals(added)
                    && event.detail().contains("waiting for the schema of")).as(event.toString()).isTrue());

            cluster.network().blockMessages(null);
            assertThat(cluster.runUntil(() -> cluster.isNormal(added), 180 * SECOND)).as("joined").isTrue();
            cluster.runFor(5 * SECOND);
            int taken = 0;
            for (int p = 0; p < PARTITIONS; p++) {
                long token = table.keys().token(RowTable.partition(p));
                boolean owner = cluster.node(via).ring().replicasForToken(token).get(0).equals(added);
                assertThat(RowRequests.holds(cluster, added, table, p))
                        .as("partition %d (the new node its one replica: %s)", p, owner).isEqualTo(owner);
                taken += owner ? 1 : 0;
            }
            assertThat(taken).as("the new node took some partitions over").isPositive();
            assertThat(cluster.unhandledExceptions()).isEmpty();
        }
    }
}
