package ringdb.sim.rows;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.sim.SimCluster;
import ringdb.sim.SimFuture;

/**
 * A keyspace of factor 1 created while a join streams (its plan knew only the cluster's factor):
 * its writes reach the joining node where it becomes the partition's one replica, and the stream
 * copies none of its keys to the joining node elsewhere (before, every key of the keyspace in a
 * range the node gained for the cluster's factor was copied, an extra copy only cleanup removed).
 * Simulated time only.
 */
class KeyspaceCreatedDuringStreamTest {
    private static final long SECOND = 1_000_000;
    private static final int PARTITIONS = 100;
    private static final int KV_KEYS = 600;

    @Test
    void aStreamPlannedBeforeAKeyspaceExistedCopiesNoneOfItsKeysToANonReplica() {
        try (SimCluster cluster = SimCluster.builder().seed(71).nodes(3)
                .nodeConfig(b -> b.replicationFactor(3).streamThroughputBytesPerSecond(16 * 1024)).build()) {
            cluster.runFor(5 * SECOND);
            NodeId via = cluster.nodeIds().get(0);
            List<SimFuture<ClientResult>> loads = new ArrayList<>();
            for (int k = 0; k < KV_KEYS; k++) { // enough for the stream to take a while at 16 KiB/s
                loads.add(cluster.put(via, "k" + k, "v".repeat(1000), ConsistencyLevel.ALL));
            }
            assertThat(cluster.runUntil(() -> loads.stream().allMatch(SimFuture::isDone), 120 * SECOND)).isTrue();
            NodeId added = cluster.addNode();
            assertThat(cluster.runUntil(() -> !cluster.node(added).status().streams().isEmpty(), 120 * SECOND))
                    .as("the join's stream started").isTrue();
            assertThat(RowRequests.createTable(cluster, via, RowTable.KEYSPACE, 1))
                    .isInstanceOf(ClientResult.Completed.class);
            RowTable table = RowRequests.table(cluster, via, RowTable.KEYSPACE);
            for (int p = 0; p < PARTITIONS; p++) {
                assertThat(RowRequests.write(cluster, via, table, p, "v" + p, 0, ConsistencyLevel.ONE))
                        .isInstanceOf(ClientResult.Written.class);
            }
            assertThat(cluster.isNormal(added)).as("the keyspace was written while the stream ran").isFalse();
            assertThat(cluster.runUntil(() -> cluster.isNormal(added), 300 * SECOND)).as("joined").isTrue();
            cluster.runFor(5 * SECOND);
            int owned = 0;
            int gainedForTheClusterFactor = 0;
            for (int p = 0; p < PARTITIONS; p++) {
                long token = table.keys().token(RowTable.partition(p));
                List<NodeId> replicas = cluster.node(via).ring().replicasForToken(token);
                boolean owner = replicas.get(0).equals(added);
                gainedForTheClusterFactor += !owner && replicas.contains(added) ? 1 : 0;
                assertThat(RowRequests.holds(cluster, added, table, p))
                        .as("partition %d (the new node its one replica: %s)", p, owner).isEqualTo(owner);
                owned += owner ? 1 : 0;
            }
            assertThat(owned).as("the new node took some partitions over").isPositive();
            assertThat(gainedForTheClusterFactor).as("partitions it replicates for the cluster's factor only")
                    .isPositive();
            assertThat(cluster.unhandledExceptions()).isEmpty();
        }
    }
}
