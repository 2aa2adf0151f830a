package ringdb.sim.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.node.NodeEvent;
import ringdb.core.node.NodeState;
import ringdb.sim.SimCluster;
import ringdb.core.ring.Partitioner;

/**
 * Progress barriers and ring epochs in the simulator: a join whose barrier cannot be met waits (and
 * says so in the node's status) until the partition heals, and a node partitioned through a whole
 * join learns the new ring before any of its requests is acknowledged.
 */
class RingChangeBarrierTest {
    private static final long SECOND = WriteLoad.SECOND;
    private static final NodeId NODE1 = NodeId.of("node1");
    private static final NodeId NODE2 = NodeId.of("node2");
    private static final NodeId NODE3 = NodeId.of("node3");

    private static SimCluster threeNodesRf3(long seed) {
        return SimCluster.builder().seed(seed).nodes(3).nodeConfig(config -> config.replicationFactor(3)).build();
    }

    /**
     * RF 3 on three nodes: every range's replica set is {node1, node2, node3}. With node2 and node3
     * cut off from node1 and the new node, only node1 can acknowledge the join: one of three is no
     * quorum, so the new node must not stream, let alone serve, until the partition heals.
     */
    @Test
    void aJoinWaitsAtItsBarrierWhileAQuorumOfAReplicaSetIsCutOffAndFinishesOnceItHeals() {
        long seed = 17;
        try (SimCluster cluster = threeNodesRf3(seed)) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            cluster.runFor(5 * SECOND);
            NodeId joiner = cluster.addNode();
            cluster.network().partition(Set.of(NODE2, NODE3), Set.of(NODE1, joiner));
            assertThat(cluster.runUntil(() -> cluster.node(joiner).status().movesInProgress().stream()
                    .anyMatch(line -> line.contains("waiting for the replicas")), 60 * SECOND))
                    .as("seed %d: the barrier wait shows in the status%s", seed, MembershipSuiteTest.lastEvents(events))
                    .isTrue();
            cluster.runFor(30 * SECOND);
            assertThat(cluster.node(joiner).state()).as("still joining behind the partition")
                    .isEqualTo(NodeState.JOINING);
            assertThat(cluster.node(joiner).status().streams()).as("nothing streamed").isEmpty();
            String waiting = String.join("; ", cluster.node(joiner).status().movesInProgress());
            assertThat(waiting).contains("only 1 of the replicas [node1, node2, node3] (a quorum is 2)");

            cluster.network().heal();
            assertThat(cluster.runUntil(() -> cluster.isNormal(joiner), 120 * SECOND))
                    .as("seed %d: %s joins once the partition healed%s", seed, joiner,
                            MembershipSuiteTest.lastEvents(events)).isTrue();
            assertThat(cluster.node(joiner).status().movesInProgress()).isEmpty();
            assertThat(cluster.unhandledExceptions()).isEmpty();
        }
    }

    /**
     * node3 is cut off from everyone while node4 joins (node1, node2 and node4 are a quorum of every
     * replica set, so the join completes without it). Once the partition heals, node3 still holds the
     * ring from before the join; each write it coordinates at QUORUM is acknowledged only once it
     * was planned on the new ring: by a quorum of the key's new replicas, which a QUORUM read
     * through node4 then sees.
     */
    @Test
    void aNodePartitionedThroughAWholeJoinLearnsTheNewRingBeforeItsWritesAreAcknowledged() {
        long seed = 23;
        try (SimCluster cluster = threeNodesRf3(seed)) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            cluster.runFor(5 * SECOND);
            long before = cluster.node(NODE3).ringEpoch();
            cluster.network().partition(Set.of(NODE3), Set.of(NODE1, NODE2));
            NodeId joiner = cluster.addNode();
            cluster.network().partition(Set.of(NODE3), Set.of(NODE1, NODE2, joiner));
            assertThat(cluster.runUntil(() -> cluster.isNormal(joiner)
                    && cluster.node(NODE1).ringEpoch() == cluster.node(joiner).ringEpoch()
                    && cluster.node(NODE2).ringEpoch() == cluster.node(joiner).ringEpoch(), 120 * SECOND))
                    .as("seed %d: the join completes without node3%s", seed, MembershipSuiteTest.lastEvents(events))
                    .isTrue();
            assertThat(cluster.node(NODE3).ringEpoch()).as("node3 missed the whole join").isEqualTo(before);

            cluster.network().heal();
            List<String> keys = new ArrayList<>();
            List<String> others = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String key = "k" + i;
                ClientResult put = cluster.runUntil(cluster.put(NODE3, key, "v" + i, ConsistencyLevel.QUORUM),
                        10 * SECOND);
                if (!(put instanceof ClientResult.Written written)) {
                    others.add(put.getClass().getSimpleName());
                    cluster.runFor(SECOND / 2); // node3 may hold its peers down until gossip tells it otherwise
                    continue;
                }
                keys.add(key);
                List<NodeId> newReplicas = cluster.node(joiner).membershipView().natural()
                        .replicasFor(Partitioner.SHA1, key.getBytes(StandardCharsets.UTF_8));
                long onNewRing = written.acknowledgedBy().stream().filter(newReplicas::contains).count();
                assertThat(onNewRing).as("seed %d: %s acknowledged by %s, new replicas %s", seed, key,
                        written.acknowledgedBy(), newReplicas).isGreaterThanOrEqualTo(2);
                ClientResult read = cluster.runUntil(cluster.get(joiner, key, ConsistencyLevel.QUORUM), 10 * SECOND);
                assertThat(read).as("seed %d: read of %s through %s", seed, key, joiner)
                        .isInstanceOfSatisfying(ClientResult.Found.class,
                                found -> assertThat(new String(found.value(), StandardCharsets.UTF_8)).isEqualTo("v"
                                        + key.substring(1)));
            }
            assertThat(keys).as("node3 coordinates writes again once it learned the ring (other answers: %s)", others)
                    .hasSizeGreaterThan(10);
            assertThat(cluster.node(NODE3).ringEpoch()).isEqualTo(cluster.node(joiner).ringEpoch());
            assertThat(cluster.unhandledExceptions()).isEmpty();
        }
    }
}
