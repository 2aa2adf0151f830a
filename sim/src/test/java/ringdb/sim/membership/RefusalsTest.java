package ringdb.sim.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.node.Node;
import ringdb.core.node.NodeEvent;
import ringdb.sim.SimCluster;
import ringdb.sim.SimFuture;

/** Membership changes that would break the ring are refused with a message that says why. */
class RefusalsTest {
    private static final long SECOND = WriteLoad.SECOND;
    private static final NodeId NODE1 = NodeId.of("node1");
    private static final NodeId NODE2 = NodeId.of("node2");

    private static ClientResult.Failed failed(SimCluster cluster, SimFuture<ClientResult> future) {
        ClientResult result = cluster.runUntil(future, SECOND);
        assertTrue(result instanceof ClientResult.Failed, "expected a refusal, got " + result);
        return (ClientResult.Failed) result;
    }

    private static ClientResult direct(SimCluster cluster, NodeId via, BiConsumer<Node, Consumer<ClientResult>> call) {
        List<ClientResult> out = new ArrayList<>();
        call.accept(cluster.node(via), out::add);
        assertEquals(1, out.size(), "a refusal is immediate");
        return out.get(0);
    }

    @Test
    void leavingBelowTheReplicationFactorIsRefused() {
        try (SimCluster cluster = SimCluster.builder().seed(21).nodes(2).build()) {
            cluster.runFor(10 * SECOND);
            assertEquals(
                    "cannot decommission node2: the ring would keep 1 node(s), fewer than the replication factor 2",
                    failed(cluster, cluster.decommission(NODE2)).message());
            assertTrue(cluster.isNormal(NODE2), "a refused decommission changes nothing");
        }
    }

    @Test
    void removingALiveUnknownOrOwnNodeIsRefused() {
        try (SimCluster cluster = SimCluster.builder().seed(22).nodes(3).build()) {
            cluster.runFor(10 * SECOND);
            assertEquals("cannot remove node2: it is alive; decommission it instead",
                    failed(cluster, cluster.removeNode(NODE2, NODE1)).message());
            assertEquals(new ClientResult.Failed("cannot remove node9: it is not a member of the ring"),
                    direct(cluster, NODE1, (node, done) -> node.removeNode(NodeId.of("node9"), done)));
            assertEquals(new ClientResult.Failed("cannot remove node1: a node cannot remove itself; use decommission"),
                    direct(cluster, NODE1, (node, done) -> node.removeNode(NODE1, done)));
            assertEquals(3, cluster.node(NODE1).ring().members().size());
        }
    }

    @Test
    void removingBelowTheReplicationFactorIsRefused() {
        try (SimCluster cluster = SimCluster.builder().seed(23).nodes(2).build()) {
            cluster.runFor(10 * SECOND);
            cluster.fail(NODE2);
            assertTrue(cluster.runUntil(() -> !cluster.node(NODE1).isAlive(NODE2), 60 * SECOND));
            assertEquals("cannot remove node2: the ring would keep 1 node(s), fewer than the replication factor 2",
                    failed(cluster, cluster.removeNode(NODE2, NODE1)).message());
        }
    }

    @Test
    void overlappingMovesAreRefusedWhileAJoinIsUnderWay() {
        try (SimCluster cluster = SimCluster.builder().seed(24).nodes(3).build()) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            cluster.runFor(10 * SECOND);
            NodeId joiner = cluster.addNode();
            assertTrue(cluster.runUntil(() -> cluster.node(NODE2).membershipView().moveOf(joiner) != null
                    && cluster.node(NODE1).membershipView().moveOf(joiner) != null, 120 * SECOND));
            assertEquals("cannot decommission node2: node4 joining changes the replicas of some of the same ranges;"
                    + " wait until it finishes", failed(cluster, cluster.decommission(NODE2)).message());
            assertEquals("cannot decommission node4: it is JOINING, not NORMAL",
                    failed(cluster, cluster.decommission(joiner)).message());
            assertEquals("cannot clean up node1: membership changes are in progress (node4 joining); run it once they"
                    + " finished", failed(cluster, cluster.cleanup(NODE1)).message());

            NodeId second = cluster.addNode();
            assertTrue(cluster.runUntil(() -> cluster.isNormal(joiner) && cluster.isNormal(second), 300 * SECOND),
                    "both joins should complete, one after the other" + MembershipSuiteTest.lastEvents(events));
            assertTrue(events.stream().anyMatch(e -> e.kind() == NodeEvent.Kind.ERROR && e.detail().equals(
                    "bootstrap of node5 refused: node4 joining changes the replicas of some of the same ranges;"
                            + " wait until it finishes; retrying")), "the second join was refused while the first ran"
                    + MembershipSuiteTest.lastEvents(events));
            assertEquals(List.of(), cluster.unhandledExceptions());
        }
    }

    @Test
    void aJoinRefusedBehindADecommissionStartsOnceItEnded() {
        long seed = 27;
        try (SimCluster cluster = SimCluster.builder().seed(seed).nodes(4).build()) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            cluster.runFor(10 * SECOND);
            SimFuture<ClientResult> leaving = cluster.decommission(NODE2);
            NodeId joiner = cluster.addNode();
            assertTrue(cluster.runUntil(leaving, 120 * SECOND) instanceof ClientResult.Completed);
            assertTrue(cluster.runUntil(() -> cluster.isNormal(joiner), 120 * SECOND),
                    "seed " + seed + ": " + joiner + " did not join" + MembershipSuiteTest.lastEvents(events));
            NodeEvent refused = events.stream().filter(e -> e.kind() == NodeEvent.Kind.ERROR && e.detail().startsWith(
                    "bootstrap of node5 refused: node2 leaving")).findFirst().orElseThrow(() -> new AssertionError(
                    "seed " + seed + ": the join was not refused" + MembershipSuiteTest.lastEvents(events)));
            NodeEvent left = events.stream().filter(e -> e.kind() == NodeEvent.Kind.LEFT).findFirst().orElseThrow();
            NodeEvent announced = events.stream().filter(e -> e.kind() == NodeEvent.Kind.JOINING
                    && e.detail().startsWith(joiner + " joining with")).findFirst().orElseThrow();
            assertTrue(refused.atMicros() < left.atMicros(), "seed " + seed + ": refused while node2 was leaving");
            // it checks every gossip round, not a ring delay after the refusal
            assertTrue(announced.atMicros() - left.atMicros() < 3 * SECOND, "seed " + seed + ": announced "
                    + (announced.atMicros() - left.atMicros()) / 1000 + " ms after node2 left"
                    + MembershipSuiteTest.lastEvents(events));
            assertEquals(List.of(), cluster.unhandledExceptions());
        }
    }

    @Test
    void twoNodesAddedAtTheSameMomentJoinOneAfterTheOther() {
        long seed = 26;
        try (SimCluster cluster = SimCluster.builder().seed(seed).nodes(3).build()) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            cluster.runFor(10 * SECOND);
            WriteLoad load = new WriteLoad(cluster, 100);
            load.preload(300);
            NodeId first = cluster.addNode();
            NodeId second = cluster.addNode();
            assertTrue(load.runUntil(() -> cluster.isNormal(first) && cluster.isNormal(second), 600 * SECOND, 50_000),
                    "both joins should complete (seed " + seed + ")" + MembershipSuiteTest.lastEvents(events));
            assertTrue(events.stream().anyMatch(e -> e.kind() == NodeEvent.Kind.ERROR
                    && (e.detail().contains("withdrawn") || e.detail().contains("refused"))),
                    "one join must have yielded to the other" + MembershipSuiteTest.lastEvents(events));
            assertTrue(load.settle(120 * SECOND));
            load.drain();
            load.verifyReplicasHold(seed);
            assertEquals(List.of(), cluster.unhandledExceptions());
        }
    }

    @Test
    void aNodeThatLeftCannotBeRecovered() {
        try (SimCluster cluster = SimCluster.builder().seed(25).nodes(3).build()) {
            cluster.runFor(10 * SECOND);
            ClientResult result = cluster.runUntil(cluster.decommission(NodeId.of("node3")), 120 * SECOND);
            assertEquals(new ClientResult.Completed("node3 left the ring and stopped"), result);
            cluster.runFor(SECOND);
            assertTrue(!cluster.isAlive(NodeId.of("node3")));
            IllegalStateException error = assertThrows(IllegalStateException.class,
                    () -> cluster.recover(NodeId.of("node3")));
            assertEquals("node3 cannot be recovered: it left the ring", error.getMessage());
            assertTrue(cluster.runUntil(() -> cluster.node(NODE1).ring().members().size() == 2, 30 * SECOND));
        }
    }
}
