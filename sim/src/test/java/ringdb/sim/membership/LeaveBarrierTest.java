package ringdb.sim.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.node.NodeEvent;
import ringdb.core.node.NodeState;
import ringdb.sim.SimCluster;
import ringdb.sim.SimFuture;
import ringdb.sim.run.SimRun;
import ringdb.sim.run.SimRunReport;
import ringdb.sim.run.SimRunSettings;

/**
 * Decommission and removenode go through progress barriers as a join does: a leave or a removal
 * whose replicas cannot form a quorum waits (and says where in the status) until the partition
 * heals, streams nothing meanwhile, and a leaving node stops only once the others know it left.
 */
class LeaveBarrierTest {
    private static final long SECOND = WriteLoad.SECOND;
    private static final NodeId NODE1 = NodeId.of("node1");
    private static final NodeId NODE2 = NodeId.of("node2");
    private static final NodeId NODE3 = NodeId.of("node3");
    private static final NodeId NODE4 = NodeId.of("node4");

    private static SimCluster fourNodesRf3(long seed) {
        return SimCluster.builder().seed(seed).nodes(4).nodeConfig(config -> config.replicationFactor(3)).build();
    }

    private static boolean waitsWith(SimCluster cluster, NodeId node, String text) {
        return cluster.node(node).status().movesInProgress().stream().anyMatch(line -> line.contains(text));
    }

    /**
     * Four nodes, RF 3: every replica set holds three of the four. With node3 and node4 cut off from
     * node1 and the leaving node2, each set before the leave has at most node1 and node2 and each set
     * after it only node1 among the nodes that know of the leave: no quorum of the sets after it, so
     * nobody streams and node2 stays in the ring until the partition heals.
     */
    @Test
    void aDecommissionWaitsAtItsBarrierWhileAQuorumIsCutOffAndLeavesOnceItHeals() {
        long seed = 31;
        try (SimCluster cluster = fourNodesRf3(seed)) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            cluster.runFor(5 * SECOND);
            cluster.network().partition(Set.of(NODE3, NODE4), Set.of(NODE1, NODE2));
            cluster.runFor(10 * SECOND);
            SimFuture<ClientResult> leave = cluster.decommission(NODE2);
            assertThat(cluster.runUntil(() -> waitsWith(cluster, NODE2, "waiting for the replicas"), 60 * SECOND))
                    .as("seed %d: the barrier wait shows in the status%s", seed, MembershipSuiteTest.lastEvents(events))
                    .isTrue();
            cluster.runFor(30 * SECOND);
            assertThat(leave.isDone()).as("still leaving behind the partition").isFalse();
            assertThat(cluster.node(NODE2).state()).isEqualTo(NodeState.LEAVING);
            assertThat(String.join("; ", cluster.node(NODE2).status().movesInProgress()))
                    .contains("decommission of node2").contains("a quorum is 2");
            for (NodeId node : List.of(NODE1, NODE3, NODE4)) {
                assertThat(cluster.node(node).status().streams()).as("%s streamed nothing", node).isEmpty();
            }

            cluster.network().heal();
            ClientResult result = cluster.runUntil(leave, 180 * SECOND);
            assertThat(result).as("seed %d%s", seed, MembershipSuiteTest.lastEvents(events))
                    .isInstanceOf(ClientResult.Completed.class);
            for (NodeId node : List.of(NODE1, NODE3, NODE4)) {
                assertThat(cluster.node(node).membershipView().natural().members())
                        .as("%s knew node2 left when it stopped", node).doesNotContain(NODE2);
            }
            assertThat(cluster.runUntil(() -> List.of(NODE1, NODE3, NODE4).stream()
                    .noneMatch(node -> cluster.node(node).isAlive(NODE2)), 30 * SECOND)).isTrue();
            for (NodeId node : List.of(NODE1, NODE3, NODE4)) {
                assertThat(cluster.node(node).status().peers()).filteredOn(peer -> peer.id().equals(NODE2))
                        .as("%s shows node2, stopped, as LEFT rather than DOWN", node)
                        .singleElement().satisfies(peer -> assertThat(peer.state()).isEqualTo(NodeState.LEFT));
            }
            assertThat(cluster.unhandledExceptions()).isEmpty();
        }
    }

    /**
     * A decommission held at its first barrier has streamed nothing: it can be cancelled, the node is
     * NORMAL again and the ring has no move in progress; a second cancel, or one after the leave
     * finished streaming, is refused saying why.
     */
    @Test
    void aDecommissionThatHasNotStreamedCanBeCancelledAndTheNodeStaysInTheRing() {
        long seed = 41;
        try (SimCluster cluster = fourNodesRf3(seed)) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            cluster.runFor(5 * SECOND);
            assertThat(cluster.node(NODE2).cancelDecommission()).isEqualTo("no decommission is running on node2");
            cluster.network().partition(Set.of(NODE3, NODE4), Set.of(NODE1, NODE2));
            cluster.runFor(10 * SECOND);
            SimFuture<ClientResult> leave = cluster.decommission(NODE2);
            assertThat(cluster.runUntil(() -> waitsWith(cluster, NODE2, "waiting for the replicas"), 60 * SECOND))
                    .as("seed %d%s", seed, MembershipSuiteTest.lastEvents(events)).isTrue();

            assertThat(cluster.node(NODE2).cancelDecommission()).isNull();
            assertThat(leave.isDone()).isTrue();
            assertThat(leave.get()).isInstanceOfSatisfying(ClientResult.Failed.class,
                    failed -> assertThat(failed.message()).contains("cancelled by the operator"));
            assertThat(cluster.node(NODE2).state()).isEqualTo(NodeState.NORMAL);
            cluster.network().heal();
            assertThat(cluster.runUntil(() -> List.of(NODE1, NODE2, NODE3, NODE4).stream().allMatch(node ->
                    cluster.node(node).membershipView().moves().isEmpty()
                            && cluster.node(node).membershipView().natural().members().contains(NODE2)), 30 * SECOND))
                    .as("every node sees node2 NORMAL and no move%s", MembershipSuiteTest.lastEvents(events)).isTrue();

            SimFuture<ClientResult> again = cluster.decommission(NODE2);
            assertThat(cluster.runUntil(() -> waitsWith(cluster, NODE2, "moving reads")
                    || waitsWith(cluster, NODE2, "reads moved") || waitsWith(cluster, NODE2, "handing over")
                    || waitsWith(cluster, NODE2, "left;"), 120 * SECOND))
                    .as("seed %d%s", seed, MembershipSuiteTest.lastEvents(events)).isTrue();
            assertThat(again.isDone()).isFalse();
            assertThat(cluster.node(NODE2).cancelDecommission()).contains("can no longer be cancelled");
            assertThat(cluster.runUntil(again, 120 * SECOND)).isInstanceOf(ClientResult.Completed.class);
            assertThat(cluster.unhandledExceptions()).isEmpty();
        }
    }

    /** A removal whose replicas are cut off waits at its barrier and finishes once the partition heals. */
    @Test
    void aRemovalWaitsWhileAQuorumIsCutOffAndFinishesOnceThePartitionHeals() {
        long seed = 37;
        try (SimCluster cluster = fourNodesRf3(seed)) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            cluster.runFor(5 * SECOND);
            cluster.fail(NODE4);
            assertThat(cluster.runUntil(() -> !cluster.node(NODE1).status().peers().stream()
                    .filter(peer -> peer.id().equals(NODE4)).findFirst().orElseThrow().up(), 60 * SECOND))
                    .isTrue();
            cluster.network().partition(Set.of(NODE2, NODE3), Set.of(NODE1));
            cluster.runFor(10 * SECOND);
            SimFuture<ClientResult> removal = cluster.removeNode(NODE4, NODE1);
            assertThat(cluster.runUntil(() -> waitsWith(cluster, NODE1, "removal of node4"), 60 * SECOND))
                    .as("seed %d: the removal's wait shows in the status%s", seed,
                            MembershipSuiteTest.lastEvents(events)).isTrue();
            cluster.runFor(30 * SECOND);
            assertThat(removal.isDone()).as("the removal waits behind the partition").isFalse();

            cluster.network().heal();
            ClientResult result = cluster.runUntil(removal, 180 * SECOND);
            assertThat(result).as("seed %d%s", seed, MembershipSuiteTest.lastEvents(events))
                    .isInstanceOf(ClientResult.Completed.class);
            assertThat(cluster.runUntil(() -> List.of(NODE1, NODE2, NODE3).stream().allMatch(node ->
                    !cluster.node(node).membershipView().natural().members().contains(NODE4)), 30 * SECOND))
                    .isTrue();
            assertThat(cluster.unhandledExceptions()).isEmpty();
        }
    }

    /**
     * A removal held at its first barrier has streamed nothing: it can be cancelled (as Cassandra's
     * abortremovenode), the dead node is NORMAL (down) in every ring again with no move in progress, and
     * the removal answers Failed; run again, it finishes, and once past streaming a cancel is refused.
     */
    @Test
    void aRemovalThatHasNotStreamedCanBeCancelledAndTheDeadNodeStaysInTheRing() {
        long seed = 43;
        try (SimCluster cluster = fourNodesRf3(seed)) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            cluster.runFor(5 * SECOND);
            cluster.fail(NODE4);
            assertThat(cluster.runUntil(() -> List.of(NODE1, NODE2, NODE3).stream()
                    .noneMatch(node -> cluster.node(node).isAlive(NODE4)), 60 * SECOND)).isTrue();
            assertThat(cluster.node(NODE1).cancelRemoval(NODE4)).isEqualTo("no removal of node4 is in progress");
            cluster.network().partition(Set.of(NODE2, NODE3), Set.of(NODE1));
            cluster.runFor(10 * SECOND);
            SimFuture<ClientResult> removal = cluster.removeNode(NODE4, NODE1);
            assertThat(cluster.runUntil(() -> waitsWith(cluster, NODE1, "removal of node4"), 60 * SECOND))
                    .as("seed %d%s", seed, MembershipSuiteTest.lastEvents(events)).isTrue();

            assertThat(cluster.node(NODE1).cancelRemoval(NODE4)).isNull();
            assertThat(removal.isDone()).isTrue();
            assertThat(removal.get()).isInstanceOfSatisfying(ClientResult.Failed.class,
                    failed -> assertThat(failed.message()).contains("removal of node4 cancelled by the operator"));
            assertThat(cluster.node(NODE1).status().movesInProgress()).noneMatch(line -> line.contains("node4"));
            cluster.network().heal();
            assertThat(cluster.runUntil(() -> List.of(NODE1, NODE2, NODE3).stream().allMatch(node ->
                    cluster.node(node).membershipView().moves().isEmpty()
                            && cluster.node(node).membershipView().natural().members().contains(NODE4)), 30 * SECOND))
                    .as("every node sees node4 NORMAL and no move%s", MembershipSuiteTest.lastEvents(events)).isTrue();

            SimFuture<ClientResult> again = cluster.removeNode(NODE4, NODE1);
            assertThat(cluster.runUntil(() -> cluster.node(NODE2).membershipView().moves().stream()
                    .anyMatch(move -> move.subject().equals(NODE4) && move.readsMoved()), 120 * SECOND))
                    .as("seed %d%s", seed, MembershipSuiteTest.lastEvents(events)).isTrue();
            assertThat(cluster.node(NODE2).cancelRemoval(NODE4)).contains("can no longer be cancelled");
            assertThat(cluster.runUntil(again, 120 * SECOND)).isInstanceOf(ClientResult.Completed.class);
            assertThat(cluster.unhandledExceptions()).isEmpty();
        }
    }

    /**
     * Seed 1520 (60 s of faults, membership changes on): node3 was decommissioned while a partition
     * cut it off from node1, node2 and node4; it announced LEFT and stopped two gossip rounds later,
     * before any of them heard it, so they held it for a member that was down for good. It now stops
     * only once the replicas it changed gossiped a ring without it.
     */
    @Test
    void seed1520ALeavingNodeDoesNotStopBeforeTheOthersKnowItLeft() {
        SimRunReport report = SimRun.run(SimRunSettings.derive(1520L, 0, 60_000_000L).withMembershipChanges(true));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        report.print(new PrintStream(text, true, StandardCharsets.UTF_8), 200,
                "./ringdb sim --seed 1520 --safety-seconds 60 --membership");
        String printed = text.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("decommission node3");
        assertThat(report.passed()).as(printed).isTrue();
    }

    /**
     * Seed 3693 (30 s of faults, membership changes on): node4 announced LEFT, then node2 crashed and
     * restarted; its new generation had no move to acknowledge and published no MOVES_SEEN, and node4
     * waited for it for ever (the decommission never completed). A live node that published no
     * MOVES_SEEN in its generation shows no move in its ring: it counts as knowing the move finished.
     */
    @Test
    void seed3693ALeavingNodeStopsOnceAPeerThatRestartedShowsNoMove() {
        SimRunReport report = SimRun.run(SimRunSettings.derive(3693L, 0, 30_000_000L).withMembershipChanges(true));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        report.print(new PrintStream(text, true, StandardCharsets.UTF_8), 200,
                "./ringdb sim --seed 3693 --safety-seconds 30 --membership");
        String printed = text.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("decommission node4").contains("crash node2");
        assertThat(report.passed()).as(printed).isTrue();
    }
}
