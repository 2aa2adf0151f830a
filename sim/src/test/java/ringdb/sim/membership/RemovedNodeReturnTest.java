package ringdb.sim.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.membership.Move;
import ringdb.core.node.NodeEvent;
import ringdb.core.node.NodeState;
import ringdb.sim.SimCluster;
import ringdb.sim.SimFuture;
import ringdb.sim.run.SimRun;
import ringdb.sim.run.SimRunReport;
import ringdb.sim.run.SimRunSettings;

/**
 * A node being removed (removenode) that restarts after the node running its removal crashed must
 * not erase its removal with its new gossip generation. Seeds 30000884 and 30000705 (60 s of faults,
 * membership changes): the runner crashed mid-removal, the removed node restarted and announced
 * NORMAL, which replaced the REMOVING state the others held for it; coordinators planned with rings
 * that disagreed and a QUORUM read missed a QUORUM write. Now a removal outranks any later generation
 * of its node: the node learns it was removed and refuses to serve, and the removal, resumed by its
 * restarted runner or another live node (or run again on one), finishes.
 */
class RemovedNodeReturnTest {
    private static final long SECOND = WriteLoad.SECOND;
    private static final NodeId NODE1 = NodeId.of("node1");
    private static final NodeId NODE2 = NodeId.of("node2");
    private static final NodeId NODE3 = NodeId.of("node3");
    private static final NodeId NODE4 = NodeId.of("node4");

    @ParameterizedTest
    @ValueSource(longs = {30000884L, 30000705L})
    void aRemovedNodeThatRestartsAfterItsRunnerCrashedLeavesEveryQuorumIntact(long seed) {
        SimRunReport report = SimRun.run(SimRunSettings.derive(seed, 0, 60_000_000L).withMembershipChanges(true));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        report.print(new PrintStream(text, true, StandardCharsets.UTF_8), 200,
                "./ringdb sim --seed " + seed + " --safety-seconds 60 --membership");
        String printed = text.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("crashed before answering");
        assertRunAgainCompletedIfRun(printed);
        assertThat(report.passed()).as(printed).isTrue();
    }

    @Test
    void seed30000884RestartsTheRemovedNodeBeforeItsRemovalIsRunAgain() {
        SimRunReport report = SimRun.run(SimRunSettings.derive(30000884L, 0, 60_000_000L)
                .withMembershipChanges(true));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        report.print(new PrintStream(text, true, StandardCharsets.UTF_8), 200, "");
        String printed = text.toString(StandardCharsets.UTF_8);
        int crashed = printed.indexOf("removenode node4 via node3 -> Failed");
        int recovered = printed.indexOf("recover node4");
        assertThat(crashed).isPositive();
        assertThat(recovered).as(printed).isGreaterThan(crashed);
    }

    /**
     * Seed 60000150 (30 s of faults): the node running node4's removal crashed, a later removenode of
     * node4 was refused (a node still held it up), and node4, restarted when faults stopped, learned it
     * was removed and stopped; nobody finished the removal. The removal is run again until it completes.
     */
    @Test
    void seed60000150AnInterruptedRemovalIsRunAgainUntilItCompletes() {
        SimRunReport report = SimRun.run(SimRunSettings.derive(60000150L, 0, 30_000_000L)
                .withMembershipChanges(true));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        report.print(new PrintStream(text, true, StandardCharsets.UTF_8), 200,
                "./ringdb sim --seed 60000150 --safety-seconds 30 --membership");
        String printed = text.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("removenode node4 via node1 (run again) -> Completed");
        assertThat(report.passed()).as(printed).isTrue();
    }

    /**
     * Seeds 90002505 and 90002367 (60 s of faults): node5's removal was interrupted (its runner crashed),
     * it stayed REMOVING through the faults and held the joins that overlap it back, so everything
     * waited for the liveness phase. In 90002367 node1, restarted, took the heartbeats of node5's old
     * generation that other peers relayed for a sign of life and held the dead node up for 37 s, so
     * the removal run again was refused ("it is alive") for 20 s; in 90002505 node3, a gainer
     * restarted when faults stopped, waited a whole ring delay before streaming a removal other gainers
     * had finished long before. The joins after the removal then missed the liveness bound. A node
     * being removed no longer counts as alive on relayed heartbeats, and a removal a gainer already
     * streamed for counts as announced a ring delay ago.
     */
    @ParameterizedTest
    @ValueSource(longs = {90002505L, 90002367L})
    void anInterruptedRemovalRunAgainLeavesTheJoinsBehindItTimeToFinish(long seed) {
        SimRunReport report = SimRun.run(SimRunSettings.derive(seed, 0, 60_000_000L).withMembershipChanges(true));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        report.print(new PrintStream(text, true, StandardCharsets.UTF_8), 200,
                "./ringdb sim --seed " + seed + " --safety-seconds 60 --membership");
        String printed = text.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("crashed before answering")
                .doesNotContain("cannot remove node5: it is alive");
        assertRunAgainCompletedIfRun(printed);
        assertThat(report.passed()).as(printed).isTrue();
    }

    /**
     * node1 dies; node4 starts removing it and crashes once the REMOVING state spread. node1 restarts:
     * the others refuse its new generation, it learns it was removed, says why and stops. node4
     * restarts and still holds node1 removed; the removal, run again on node2, completes, and a
     * QUORUM write made before everything reads back at QUORUM through every survivor.
     */
    @Test
    void aRemovedNodeThatRestartsRefusesToServeAndTheRemovalStillFinishes() {
        long seed = 7;
        try (SimCluster cluster = SimCluster.builder().seed(seed).nodes(4).build()) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            cluster.runFor(10 * SECOND);
            assertTrue(cluster.runUntil(cluster.put(NODE2, "apple", "red", ConsistencyLevel.QUORUM), SECOND)
                    instanceof ClientResult.Written);
            cluster.fail(NODE1);
            assertTrue(cluster.runUntil(() -> !cluster.node(NODE4).isAlive(NODE1)
                    && !cluster.node(NODE2).isAlive(NODE1) && !cluster.node(NODE3).isAlive(NODE1), 60 * SECOND));
            SimFuture<ClientResult> removal = cluster.removeNode(NODE1, NODE4);
            assertTrue(cluster.runUntil(() -> removing(cluster, NODE2) && removing(cluster, NODE3), 5 * SECOND),
                    "the REMOVING state spread (seed " + seed + ")" + MembershipSuiteTest.lastEvents(events));
            cluster.fail(NODE4);
            assertThat(cluster.runUntil(removal, SECOND)).isInstanceOf(ClientResult.Failed.class);

            cluster.recover(NODE1);
            assertTrue(cluster.runUntil(() -> cluster.isRetired(NODE1), 30 * SECOND),
                    "node1 learned it was removed and stopped (seed " + seed + ")"
                            + MembershipSuiteTest.lastEvents(events));
            assertThat(events).anySatisfy(event -> {
                assertThat(event.kind()).isEqualTo(NodeEvent.Kind.ERROR);
                assertThat(event.node()).isEqualTo(NODE1);
                assertThat(event.detail()).contains("node1 was removed from the ring (removenode) while it was down")
                        .contains("refuses to serve or rejoin the ring under its id");
            });
            for (NodeId viewer : List.of(NODE2, NODE3)) {
                assertTrue(removing(cluster, viewer), viewer + " still holds node1 REMOVING (seed " + seed + ")");
                assertThat(cluster.node(viewer).isAlive(NODE1)).isFalse();
            }

            cluster.recover(NODE4);
            cluster.runFor(5 * SECOND);
            assertTrue(removing(cluster, NODE4), "node4 still holds node1 REMOVING after its restart");
            ClientResult again = cluster.runUntil(cluster.removeNode(NODE1, NODE2), 120 * SECOND);
            assertTrue(again instanceof ClientResult.Completed, "seed " + seed + ": " + again
                    + MembershipSuiteTest.lastEvents(events));
            for (NodeId viewer : List.of(NODE2, NODE3, NODE4)) {
                assertTrue(cluster.runUntil(() -> !cluster.node(viewer).ring().members().contains(NODE1)
                        && cluster.node(viewer).membershipView().moveOf(NODE1) == null, 30 * SECOND),
                        viewer + " still has node1 in its ring (seed " + seed + ")");
                ClientResult read = cluster.runUntil(cluster.get(viewer, "apple", ConsistencyLevel.QUORUM), SECOND);
                assertThat(read).isInstanceOf(ClientResult.Found.class);
                assertEquals("red", new String(((ClientResult.Found) read).value(), StandardCharsets.UTF_8));
            }
            assertEquals(List.of(), cluster.unhandledExceptions());
        }
    }

    /**
     * The interrupted removal is resumed by its restarted runner or another node by itself; if the
     * nemesis still ran it again once faults stopped, that run completed (after refusals to retry).
     */
    private static void assertRunAgainCompletedIfRun(String printed) {
        if (printed.contains("(run again) ->")) {
            assertThat(printed).contains("(run again) -> Completed");
        }
    }

    private static boolean removing(SimCluster cluster, NodeId viewer) {
        Move move = cluster.node(viewer).membershipView().moveOf(NODE1);
        return move != null && move.kind() == Move.Kind.REMOVE
                && cluster.node(viewer).membershipView().natural().members().contains(NODE1)
                && cluster.node(viewer).state() == NodeState.NORMAL;
    }
}
