package ringdb.sim.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.membership.Move;
import ringdb.core.node.NodeEvent;
import ringdb.sim.SimCluster;
import ringdb.sim.SimFuture;

/**
 * A removenode answers Completed only once the cluster holds the removal: the node running it marks
 * the dead node REMOVED in its own gossip first, and a crash of that node before the mark spread lost
 * it, leaving the others at the removal's last step for good (the dead node a member of every ring,
 * the hints held for it never handed over, the joins behind it refused) while the operator had been
 * told the removal completed. Seeds 140009014 and 140009982 of {@code ringdb sim --membership
 * --safety-seconds 60} failed their liveness phase that way ({@link MembershipLivenessSeedsTest}).
 */
class RemovalKnownBeforeAnswerTest {
    private static final long SECOND = WriteLoad.SECOND;
    private static final NodeId NODE1 = NodeId.of("node1");
    private static final NodeId NODE2 = NodeId.of("node2");
    private static final NodeId NODE3 = NodeId.of("node3");
    private static final NodeId NODE4 = NodeId.of("node4");
    private static final List<NodeId> SURVIVORS = List.of(NODE2, NODE3, NODE4);
    private static final int KEYS = 20;

    /**
     * Four nodes, RF 3. node1 dies and the others hold hints for it; node4 removes it and crashes the
     * moment it answers. node2 and node3 no longer have node1 in their ring, hand its hints over to the
     * new owners of its ranges, and every QUORUM write reads back at QUORUM.
     */
    @Test
    void aRemovalThatAnsweredSurvivesACrashOfItsRunner() {
        try (SimCluster cluster = SimCluster.builder().seed(11).nodes(4)
                .nodeConfig(config -> config.replicationFactor(3)).build()) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            killNode1WithHintsHeldForIt(cluster);
            SimFuture<ClientResult> removal = cluster.removeNode(NODE1, NODE4);
            ClientResult answer = cluster.runUntil(removal, 120 * SECOND);
            assertTrue(answer instanceof ClientResult.Completed, answer + MembershipSuiteTest.lastEvents(events));
            cluster.fail(NODE4);

            for (NodeId viewer : List.of(NODE2, NODE3)) {
                assertThat(cluster.node(viewer).ring().members()).as(viewer + "'s ring").doesNotContain(NODE1);
                assertThat(cluster.node(viewer).membershipView().moveOf(NODE1)).as(viewer + "'s moves").isNull();
            }
            cluster.recover(NODE4);
            assertTrue(cluster.runUntil(() -> SURVIVORS.stream().allMatch(id -> seesSurvivorsUp(cluster, id)
                            && cluster.node(id).status().hintsPending() == 0), 60 * SECOND),
                    "hints for node1 handed over" + MembershipSuiteTest.lastEvents(events));
            assertThat(SURVIVORS.stream().mapToLong(id -> cluster.node(id).hintsHandedOverCount()).sum())
                    .isPositive();
            assertEveryKeyReadsBack(cluster);
            assertEquals(List.of(), cluster.unhandledExceptions());
        }
    }

    /**
     * node4 crashes right after it marked node1 REMOVED, before any other node heard of it: its
     * removenode answers Failed (run it again), not Completed. Run again on node2, which still holds the
     * removal at its last step, it completes and every survivor drops node1 from its ring.
     */
    @Test
    void aRunnerThatCrashesBeforeTheOthersKnowTheRemovalDoesNotAnswerCompleted() {
        try (SimCluster cluster = SimCluster.builder().seed(12).nodes(4)
                .nodeConfig(config -> config.replicationFactor(3)).build()) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            killNode1WithHintsHeldForIt(cluster);
            SimFuture<ClientResult> removal = cluster.removeNode(NODE1, NODE4);
            assertTrue(cluster.runUntil(() -> events.stream().anyMatch(event -> event.node().equals(NODE4)
                            && event.kind() == NodeEvent.Kind.REMOVED && event.detail().startsWith("node1 removed")),
                    120 * SECOND), "node4 marked node1 REMOVED" + MembershipSuiteTest.lastEvents(events));
            cluster.fail(NODE4);
            ClientResult answer = cluster.runUntil(removal, SECOND);
            assertThat(answer).isInstanceOf(ClientResult.Failed.class);
            for (NodeId viewer : List.of(NODE2, NODE3)) {
                Move move = cluster.node(viewer).membershipView().moveOf(NODE1);
                assertThat(move).as(viewer + " still holds the removal").isNotNull();
                assertThat(move.kind()).isEqualTo(Move.Kind.REMOVE);
            }

            cluster.recover(NODE4);
            ClientResult again = cluster.runUntil(cluster.removeNode(NODE1, NODE2), 120 * SECOND);
            assertTrue(again instanceof ClientResult.Completed, again + MembershipSuiteTest.lastEvents(events));
            for (NodeId viewer : SURVIVORS) {
                assertTrue(cluster.runUntil(() -> !cluster.node(viewer).ring().members().contains(NODE1)
                                && seesSurvivorsUp(cluster, viewer)
                                && cluster.node(viewer).status().hintsPending() == 0, 60 * SECOND),
                        viewer + " dropped node1 and its hints" + MembershipSuiteTest.lastEvents(events));
            }
            assertEveryKeyReadsBack(cluster);
            assertEquals(List.of(), cluster.unhandledExceptions());
        }
    }

    private static boolean seesSurvivorsUp(SimCluster cluster, NodeId viewer) {
        return cluster.isAlive(viewer) && SURVIVORS.stream().allMatch(cluster.node(viewer)::isAlive);
    }

    /** Writes every key at QUORUM, kills node1, waits until every survivor holds it down, writes again. */
    private static void killNode1WithHintsHeldForIt(SimCluster cluster) {
        cluster.runFor(10 * SECOND);
        for (int i = 0; i < KEYS; i++) {
            assertWritten(cluster, i, "before");
        }
        cluster.fail(NODE1);
        assertTrue(cluster.runUntil(() -> SURVIVORS.stream().noneMatch(id -> cluster.node(id).isAlive(NODE1)),
                60 * SECOND), "node1 convicted");
        for (int i = 0; i < KEYS; i++) {
            assertWritten(cluster, i, "after");
        }
        assertThat(SURVIVORS.stream().mapToLong(id -> cluster.node(id).status().hintsPending()).sum())
                .as("hints held for node1").isPositive();
    }

    private static void assertWritten(SimCluster cluster, int key, String value) {
        NodeId coordinator = SURVIVORS.get(key % SURVIVORS.size());
        ClientResult result = cluster.runUntil(cluster.put(coordinator, "key" + key, value + key,
                ConsistencyLevel.QUORUM), 5 * SECOND);
        assertTrue(result instanceof ClientResult.Written, "key" + key + ": " + result);
    }

    private static void assertEveryKeyReadsBack(SimCluster cluster) {
        for (int i = 0; i < KEYS; i++) {
            for (NodeId viewer : SURVIVORS) {
                ClientResult read = cluster.runUntil(cluster.get(viewer, "key" + i, ConsistencyLevel.QUORUM),
                        5 * SECOND);
                assertThat(read).as("key" + i + " through " + viewer).isInstanceOf(ClientResult.Found.class);
                assertEquals("after" + i, new String(((ClientResult.Found) read).value(), StandardCharsets.UTF_8));
            }
        }
    }
}
