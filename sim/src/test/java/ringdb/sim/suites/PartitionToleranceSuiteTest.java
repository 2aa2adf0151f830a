package ringdb.sim.suites;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.Cell;
import ringdb.core.ring.StorageKeys;
import ringdb.sim.SimCluster;
import ringdb.sim.run.ClusterState;
import ringdb.core.ring.Partitioner;

/**
 * A five-node cluster (RF 3) is cut into a one-node minority and a four-node majority. Both sides
 * keep taking writes at ONE; QUORUM is refused on the minority side and works on the majority
 * side. After the heal, hints and recovery make all replicas identical without a repair, and a
 * delete made on the majority side during the partition is not undone by the minority's stale copy.
 */
class PartitionToleranceSuiteTest {
    private static final long SECOND_MICROS = 1_000_000;
    private static final NodeId MINORITY = NodeId.of("node1");

    @Test
    void bothSidesTakeWritesAtOneAndReplicasConvergeAfterTheHeal() {
        for (long seed : new long[] {201, 202}) {
            runScenario(seed);
        }
    }

    private void runScenario(long seed) {
        try (SimCluster cluster = SimCluster.builder().seed(seed).nodes(5)
                .nodeConfig(config -> config.replicationFactor(3)).build()) {
            cluster.runFor(5 * SECOND_MICROS);
            NodeId majorityNode = NodeId.of("node3");
            List<String> minorityKeys = keysReplicatedBy(cluster, MINORITY, 5);
            String doomed = minorityKeys.get(0);
            assertThat(put(cluster, majorityNode, doomed, "before-partition", ConsistencyLevel.ALL))
                    .isInstanceOf(ClientResult.Written.class);

            Set<NodeId> majority = Set.copyOf(cluster.nodeIds().subList(1, 5));
            cluster.network().partition(Set.of(MINORITY), majority);
            cluster.runFor(20 * SECOND_MICROS);

            String context = "seed " + seed;
            for (String key : minorityKeys.subList(1, minorityKeys.size())) {
                assertThat(put(cluster, MINORITY, key, "minority-" + key, ConsistencyLevel.ONE))
                        .as("%s: ONE write on the minority side", context).isInstanceOf(ClientResult.Written.class);
                assertThat(put(cluster, MINORITY, key, "refused", ConsistencyLevel.QUORUM))
                        .as("%s: QUORUM refused on the minority side", context)
                        .isInstanceOfAny(ClientResult.Unavailable.class, ClientResult.Timeout.class);
                assertThat(put(cluster, majorityNode, key + "-m", "majority", ConsistencyLevel.ONE))
                        .as("%s: ONE write on the majority side", context).isInstanceOf(ClientResult.Written.class);
                assertThat(put(cluster, majorityNode, key + "-q", "majority", ConsistencyLevel.QUORUM))
                        .as("%s: QUORUM write on the majority side", context).isInstanceOf(ClientResult.Written.class);
            }
            ClientResult delete = cluster.runUntil(cluster.delete(majorityNode, doomed, ConsistencyLevel.QUORUM),
                    10 * SECOND_MICROS);
            assertThat(delete).as("%s: delete on the majority side", context).isInstanceOf(ClientResult.Written.class);
            assertThat(cluster.store(MINORITY).read(StorageKeys.kv(bytes(doomed))).isTombstone())
                    .as("the minority still holds the old value").isFalse();

            cluster.network().heal();
            boolean settled = cluster.runUntil(() -> ClusterState.settled(cluster), 60 * SECOND_MICROS);
            assertThat(settled).as("%s: settles after heal: %s", context, ClusterState.unsettled(cluster)).isTrue();

            assertReplicasIdentical(cluster, context);
            assertThat(cluster.runUntil(cluster.get(MINORITY, doomed, ConsistencyLevel.QUORUM), 10 * SECOND_MICROS))
                    .as("%s: the delete made during the partition is not undone", context)
                    .isInstanceOf(ClientResult.NotFound.class);
            assertThat(cluster.store(MINORITY).read(StorageKeys.kv(bytes(doomed))).isTombstone()).isTrue();
            for (String key : minorityKeys.subList(1, minorityKeys.size())) {
                ClientResult read = cluster.runUntil(cluster.get(majorityNode, key, ConsistencyLevel.ALL),
                        10 * SECOND_MICROS);
                assertThat(read).as("%s: the minority's ONE write reached every replica", context)
                        .isInstanceOf(ClientResult.Found.class);
            }
            assertThat(cluster.unhandledExceptions()).as(context).isEmpty();
        }
    }

    private static void assertReplicasIdentical(SimCluster cluster, String context) {
        Map<String, Map<NodeId, Cell>> cells = ClusterState.replicaCells(cluster, MINORITY, List.of());
        assertThat(cells).isNotEmpty();
        for (Map.Entry<String, Map<NodeId, Cell>> entry : cells.entrySet()) {
            assertThat(entry.getValue().values().stream().distinct().count())
                    .as("%s: replicas of %s: %s", context, entry.getKey(), entry.getValue()).isEqualTo(1);
        }
    }

    private static ClientResult put(SimCluster cluster, NodeId coordinator, String key, String value,
                                    ConsistencyLevel cl) {
        return cluster.runUntil(cluster.put(coordinator, key, value, cl), 10 * SECOND_MICROS);
    }

    private static List<String> keysReplicatedBy(SimCluster cluster, NodeId node, int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; keys.size() < count; i++) {
            String key = "part-key-" + i;
            if (cluster.node(node).ring().replicasFor(Partitioner.SHA1, bytes(key)).contains(node)) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
