package ringdb.sim.rows;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.membership.MembershipView;
import ringdb.core.ring.Partitioner;
import ringdb.core.ring.StorageKeys;
import ringdb.sim.SimCluster;

/**
 * removenode on a 4-node cluster of replication factor 3 holding a keyspace of factor 3, a keyspace
 * of factor 2 and the key-value table: once the dead node is removed, every partition of each
 * keyspace is held by exactly its factor's replicas of the ring without it (the factor-2 keyspace's
 * second replica moved up where the dead node was among its first two), every key-value key by its
 * three replicas, and all of them read back at QUORUM. Simulated time only.
 */
class KeyspaceFactorRemovalTest {
    private static final long SECOND = 1_000_000;
    private static final int PARTITIONS = 40;

    @Test
    void removeNodeRestoresEveryKeyspaceOnItsFactorsReplicas() {
        try (SimCluster cluster = SimCluster.builder().seed(41).nodes(4)
                .nodeConfig(b -> b.replicationFactor(3)).build()) {
            cluster.runFor(5 * SECOND);
            NodeId via = cluster.nodeIds().get(0);
            assertThat(RowRequests.createTable(cluster, via, "ks3", 3)).isInstanceOf(ClientResult.Completed.class);
            assertThat(RowRequests.createTable(cluster, via, "ks2", 2)).isInstanceOf(ClientResult.Completed.class);
            RowTable three = RowRequests.table(cluster, via, "ks3");
            RowTable two = RowRequests.table(cluster, via, "ks2");
            cluster.runFor(3 * SECOND);
            for (int p = 0; p < PARTITIONS; p++) {
                for (RowTable table : List.of(three, two)) {
                    assertThat(RowRequests.write(cluster, via, table, p, "v" + p, 0, ConsistencyLevel.ALL))
                            .isInstanceOf(ClientResult.Written.class);
                }
                assertThat(cluster.runUntil(cluster.put(via, kvKey(p), "v" + p, ConsistencyLevel.ALL), 10 * SECOND))
                        .isInstanceOf(ClientResult.Written.class);
            }
            NodeId dead = cluster.nodeIds().get(3);
            assertThat(holding(cluster, two, dead)).as("the dead node holds factor-2 partitions").isPositive();
            cluster.fail(dead);
            assertThat(cluster.runUntil(() -> !cluster.node(via).isAlive(dead), 60 * SECOND)).isTrue();
            ClientResult removed = cluster.runUntil(cluster.removeNode(dead, via),
                    3 * cluster.config().ringDelayMicros() + 60 * SECOND);
            assertThat(removed).isInstanceOf(ClientResult.Completed.class);
            assertThat(cluster.runUntil(() -> cluster.nodeIds().stream().filter(node -> !node.equals(dead))
                    .noneMatch(node -> cluster.node(node).ring().members().contains(dead)), 60 * SECOND))
                    .as("every survivor's ring is without the dead node").isTrue();

            for (int p = 0; p < PARTITIONS; p++) {
                for (RowTable table : List.of(three, two)) {
                    int factor = table == three ? 3 : 2;
                    long token = table.keys().token(RowTable.partition(p));
                    List<NodeId> replicas = cluster.node(via).ring().replicasForToken(token);
                    assertThat(holders(cluster, table, p, dead)).as("%s partition %d", table.metadata().keyspace(), p)
                            .isEqualTo(Set.copyOf(MembershipView.prefix(replicas, factor)));
                    ClientResult read = RowRequests.read(cluster, via, table, p, ConsistencyLevel.QUORUM);
                    assertThat(read).isInstanceOf(ClientResult.Entries.class);
                    assertThat(RowRequests.values((ClientResult.Entries) read)).as("%s partition %d at QUORUM",
                            table.metadata().keyspace(), p).containsExactly("v" + p);
                }
                byte[] key = kvKey(p).getBytes(StandardCharsets.UTF_8);
                List<NodeId> replicas = cluster.node(via).ring().replicasFor(Partitioner.SHA1, key);
                assertThat(replicas).hasSize(3).doesNotContain(dead);
                for (NodeId replica : replicas) {
                    assertThat(cluster.store(replica).read(StorageKeys.kv(key))).as("kv %d on %s", p, replica)
                            .isNotNull();
                }
                ClientResult found = cluster.runUntil(cluster.get(via, kvKey(p), ConsistencyLevel.QUORUM), 10 * SECOND);
                assertThat(found).isInstanceOf(ClientResult.Found.class);
                assertThat(new String(((ClientResult.Found) found).value(), StandardCharsets.UTF_8)).isEqualTo("v" + p);
            }
            assertThat(cluster.unhandledExceptions()).isEmpty();
        }
    }

    private static String kvKey(int p) {
        return "key" + p;
    }

    private static int holding(SimCluster cluster, RowTable table, NodeId node) {
        int count = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            count += holders(cluster, table, p, null).contains(node) ? 1 : 0;
        }
        return count;
    }

    /** The nodes (but {@code except}) whose store holds entries of partition {@code p}. */
    private static Set<NodeId> holders(SimCluster cluster, RowTable table, int p, NodeId except) {
        Set<NodeId> holders = new HashSet<>();
        for (NodeId node : cluster.nodeIds()) {
            if (!node.equals(except) && RowRequests.holds(cluster, node, table, p)) {
                holders.add(node);
            }
        }
        return holders;
    }
}
