package ringdb.sim.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.node.NodeEvent;
import ringdb.sim.SimCluster;
import ringdb.sim.SimFuture;

/**
 * Membership changes made while some node sees only part of the cluster: a node joining behind a
 * partition, two joins announced at the same moment, a removal run by a node that missed the dead
 * node's last heartbeats. Simulated time only.
 */
class PartialViewTest {
    private static final long SECOND = WriteLoad.SECOND;
    private static final NodeId NODE1 = NodeId.of("node1");
    private static final NodeId NODE2 = NodeId.of("node2");
    private static final NodeId NODE3 = NodeId.of("node3");
    private static final NodeId NODE4 = NodeId.of("node4");

    /**
     * A joining node that hears of one member only (the partition hides the others, and that member
     * restarted behind it, so gossip relays no one else) would take that member for the whole ring and
     * acknowledge writes that the key's real replicas never get: it must not coordinate until it
     * is NORMAL.
     */
    @Test
    void aJoiningNodeCoordinatesNothingUntilItIsNormal() {
        long seed = 31;
        try (SimCluster cluster = SimCluster.builder().seed(seed).nodes(3).build()) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            cluster.runFor(5 * SECOND);
            // node2 restarts cut off from node1 and node3: its gossip knows no peer, only the new node
            cluster.network().partition(Set.of(NODE2), Set.of(NODE1, NODE3));
            cluster.fail(NODE2);
            cluster.recover(NODE2);
            NodeId joiner = cluster.addNode();
            cluster.network().partition(Set.of(joiner), Set.of(NODE1, NODE3));
            assertTrue(cluster.runUntil(() -> !cluster.node(joiner).membershipView().natural().members().isEmpty(),
                    8 * SECOND), "seed " + seed + ": the joining node heard of no member");
            assertEquals(Set.of(NODE2), Set.copyOf(cluster.node(joiner).membershipView().natural().members()),
                    "behind the partition the joining node knows node2 only");

            ClientResult put = cluster.runUntil(cluster.put(joiner, "apple", "red", ConsistencyLevel.ONE), SECOND);
            assertEquals(new ClientResult.Failed("node " + joiner + " is STARTING: it coordinates requests once it has"
                    + " joined the ring (NORMAL); send them to another node"), put, "seed " + seed);
            assertTrue(cluster.runUntil(cluster.get(joiner, "apple", ConsistencyLevel.ONE), SECOND)
                    instanceof ClientResult.Failed, "reads are refused too (seed " + seed + ")");

            cluster.network().heal();
            assertTrue(cluster.runUntil(() -> cluster.isNormal(joiner), 120 * SECOND),
                    "seed " + seed + ": " + joiner + " did not join" + MembershipSuiteTest.lastEvents(events));
            assertTrue(cluster.runUntil(cluster.put(joiner, "apple", "green", ConsistencyLevel.QUORUM), SECOND)
                    instanceof ClientResult.Written, "a NORMAL node coordinates (seed " + seed + ")");
            ClientResult read = cluster.runUntil(cluster.get(NODE1, "apple", ConsistencyLevel.QUORUM), SECOND);
            assertTrue(read instanceof ClientResult.Found found && new String(found.value()).equals("green"),
                    "seed " + seed + ": read " + read);
            assertEquals(List.of(), cluster.unhandledExceptions());
        }
    }

    /**
     * Two overlapping joins announced at the same moment: exactly one withdraws (the one announced
     * by the higher generation), the other streams at once, and both end up NORMAL.
     */
    @Test
    void ofTwoJoinsAnnouncedTogetherExactlyOneWithdraws() {
        long seed = 32;
        try (SimCluster cluster = SimCluster.builder().seed(seed).nodes(3).build()) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            cluster.runFor(10 * SECOND);
            long addedAtMicros = cluster.nowMicros();
            NodeId first = cluster.addNode();
            NodeId second = cluster.addNode();
            assertTrue(cluster.runUntil(() -> cluster.isNormal(first) && cluster.isNormal(second), 600 * SECOND),
                    "both joins should complete (seed " + seed + ")" + MembershipSuiteTest.lastEvents(events));
            List<NodeEvent> withdrawals = events.stream().filter(e -> e.kind() == NodeEvent.Kind.ERROR
                    && e.detail().contains("withdrawn")).toList();
            assertEquals(1, withdrawals.size(), "seed " + seed + ": exactly one join gives way: " + withdrawals
                    + MembershipSuiteTest.lastEvents(events));
            assertEquals(second, withdrawals.get(0).node(), "the later generation gives way (seed " + seed + ")");
            assertTrue(cluster.nowMicros() - addedAtMicros <= 60 * SECOND,
                    "seed " + seed + ": both joined only after "
                            + (cluster.nowMicros() - addedAtMicros) / SECOND + " s");
            assertEquals(List.of(), cluster.unhandledExceptions());
        }
    }

    /**
     * node4 is cut off, node1 keeps heartbeating to the others and then dies, and node4 runs the
     * removal: the REMOVING mark it sets carries a version the others already passed, yet it must
     * reach them, and the removal must complete once the partition heals.
     */
    @Test
    void aRemovalRunByANodeThatMissedTheDeadNodesLastHeartbeatsCompletes() {
        long seed = 33;
        try (SimCluster cluster = SimCluster.builder().seed(seed).nodes(4).build()) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            cluster.runFor(10 * SECOND);
            cluster.network().partition(Set.of(NODE4), Set.of(NODE1, NODE2, NODE3));
            cluster.runFor(3 * SECOND);
            cluster.fail(NODE1);
            assertTrue(cluster.runUntil(() -> !cluster.node(NODE4).isAlive(NODE1)
                    && !cluster.node(NODE2).isAlive(NODE1), 60 * SECOND));
            assertTrue(heartbeatOf(cluster, NODE4, NODE1) < heartbeatOf(cluster, NODE2, NODE1),
                    "node4 missed some of node1's heartbeats (seed " + seed + ")");

            SimFuture<ClientResult> removal = cluster.removeNode(NODE1, NODE4);
            cluster.runFor(SECOND);
            assertFalse(removal.isDone(), "the removal waits for the ring (seed " + seed + ")");
            cluster.network().heal();
            ClientResult result = cluster.runUntil(removal, 120 * SECOND);
            assertTrue(result instanceof ClientResult.Completed, "seed " + seed + ": " + result
                    + MembershipSuiteTest.lastEvents(events));
            for (NodeId id : List.of(NODE2, NODE3, NODE4)) {
                NodeId viewer = id;
                assertTrue(cluster.runUntil(() -> !cluster.node(viewer).ring().members().contains(NODE1), 30 * SECOND),
                        viewer + " still has node1 in its ring (seed " + seed + ")");
            }
            assertEquals(List.of(), cluster.unhandledExceptions());
        }
    }

    private static long heartbeatOf(SimCluster cluster, NodeId viewer, NodeId peer) {
        return cluster.node(viewer).status().peers().stream().filter(p -> p.id().equals(peer)).findFirst()
                .orElseThrow().heartbeatVersion();
    }
}
