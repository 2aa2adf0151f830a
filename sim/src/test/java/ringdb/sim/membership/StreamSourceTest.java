package ringdb.sim.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.membership.TokenAllocator;
import ringdb.core.node.NodeConfig;
import ringdb.core.node.NodeEvent;
import ringdb.core.ring.Ring;
import ringdb.sim.SimCluster;
import ringdb.core.ring.Partitioner;

/** Which replica a joining node streams a range from. Simulated time only. */
class StreamSourceTest {
    private static final long SECOND = WriteLoad.SECOND;

    /**
     * A write acknowledged at ONE by the replica that gives its range up to a joining node, and
     * lost on the way to the other replica, must be streamed from that replica: once the join
     * completes it holds no copy any more, and the write would be nowhere among the new replicas.
     */
    @Test
    void aJoiningNodeStreamsFromTheReplicaThatGivesTheRangeUp() {
        long seed = 41;
        try (SimCluster cluster = SimCluster.builder().seed(seed).nodes(3).build()) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            cluster.runFor(5 * SECOND);
            NodeConfig config = cluster.node(NodeId.of("node1")).config();
            Ring natural = cluster.node(NodeId.of("node1")).ring();
            Map<NodeId, long[]> tokens = natural.tokensByNode();
            NodeId joiner = NodeId.of("node4");
            tokens.put(joiner, TokenAllocator.allocate(config.tokenAllocation(), joiner, config.numTokens(), Map.of()));
            Ring future = Ring.of(tokens, natural.replicationFactor(), 0);

            // a key whose second natural replica gives the range up to node4 (the first keeps it)
            String key = null;
            for (int i = 0; key == null; i++) {
                byte[] candidate = ("key" + i).getBytes(StandardCharsets.UTF_8);
                List<NodeId> before = natural.replicasFor(Partitioner.SHA1, candidate);
                List<NodeId> after = future.replicasFor(Partitioner.SHA1, candidate);
                if (after.contains(joiner) && after.contains(before.get(0)) && !after.contains(before.get(1))) {
                    key = "key" + i;
                }
            }
            List<NodeId> before = natural.replicasFor(Partitioner.SHA1, key.getBytes(StandardCharsets.UTF_8));
            NodeId keeping = before.get(0);

            NodeId coordinator = natural.members().stream().filter(id -> !before.contains(id))
                    .findFirst().orElseThrow();

            // the write reaches the replica giving the range up only, and its coordinator crashes
            // before it would have stored a hint for the other replica
            cluster.network().partition(Set.of(coordinator), Set.of(keeping));
            ClientResult put =
                    cluster.runUntil(cluster.put(coordinator, key, "only-here", ConsistencyLevel.ONE), SECOND);
            assertTrue(put instanceof ClientResult.Written written && written.acks() == 1, "seed " + seed + ": " + put);
            cluster.fail(coordinator);
            cluster.network().heal();
            cluster.recover(coordinator);
            cluster.runFor(5 * SECOND);

            assertEquals(joiner, cluster.addNode());
            assertTrue(cluster.runUntil(() -> cluster.isNormal(joiner), 120 * SECOND),
                    "seed " + seed + ": " + joiner + " did not join" + MembershipSuiteTest.lastEvents(events));
            byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            assertTrue(cluster.runUntil(() -> cluster.nodeIds().stream().filter(cluster::isAlive)
                    .allMatch(id -> cluster.node(id).ring().replicasFor(Partitioner.SHA1,
                            keyBytes).contains(joiner)), 30 * SECOND),
                    "seed " + seed + ": the ring with " + joiner + " did not spread");
            ClientResult read = cluster.runUntil(cluster.get(keeping, key, ConsistencyLevel.ALL), SECOND);
            assertTrue(read instanceof ClientResult.Found found
                            && new String(found.value(), StandardCharsets.UTF_8).equals("only-here"),
                    "seed " + seed + ": " + key + " (replicas " + before + " -> "
                            + future.replicasFor(Partitioner.SHA1,
                                    key.getBytes(StandardCharsets.UTF_8)) + ") read " + read);
            assertEquals(List.of(), cluster.unhandledExceptions());
        }
    }
}
