package ringdb.sim.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.membership.Move;
import ringdb.core.node.NodeEvent;
import ringdb.sim.SimCluster;

/**
 * Aborting the join of a node that died while joining (abort-bootstrap, Cassandra's
 * {@code nodetool abortbootstrap}): it is dropped from every ring, cannot come back under its id, and
 * the abort is refused while it is alive or once reads moved to it.
 */
class AbortBootstrapTest {
    private static final long SECOND = WriteLoad.SECOND;
    private static final NodeId NODE1 = NodeId.of("node1");
    private static final NodeId NODE2 = NodeId.of("node2");
    private static final NodeId NODE3 = NodeId.of("node3");
    private static final List<NodeId> FIRST_THREE = List.of(NODE1, NODE2, NODE3);

    private static Move joinOf(SimCluster cluster, NodeId viewer, NodeId joining) {
        Move move = cluster.node(viewer).membershipView().moveOf(joining);
        return move != null && move.kind() == Move.Kind.JOIN ? move : null;
    }

    /**
     * node4 dies right after announcing its join (before streaming): the abort run on node1 is refused
     * while node4 is alive, then accepted; every node drops node4's move and agrees on the ring, QUORUM
     * writes and reads go on through each of them, and node4, restarted, learns from its peers that its
     * join was aborted, says so and stops.
     */
    @Test
    void theJoinOfANodeThatDiedIsAbortedForGood() {
        long seed = 17;
        try (SimCluster cluster = SimCluster.builder().seed(seed).nodes(3).build()) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            cluster.runFor(5 * SECOND);
            assertThat(cluster.runUntil(cluster.put(NODE1, "apple", "red", ConsistencyLevel.QUORUM), SECOND))
                    .isInstanceOf(ClientResult.Written.class);
            NodeId node4 = cluster.addNode();
            assertThat(cluster.runUntil(() -> FIRST_THREE.stream()
                    .allMatch(node -> joinOf(cluster, node, node4) != null), 60 * SECOND))
                    .as("seed %d: every node sees node4 joining%s", seed,
                    MembershipSuiteTest.lastEvents(events)).isTrue();
            assertThat(cluster.node(NODE1).abortJoin(node4)).isEqualTo("cannot abort the join of node4: it is alive; "
                    + "stop it first (only the join of a node that is down can be aborted)");
            assertThat(cluster.node(NODE1).abortJoin(NODE2)).isEqualTo("cannot abort the join of node2: it is not "
                    + "joining (its state is NORMAL)");
            long epochBefore = cluster.node(NODE1).membershipView().epoch();

            cluster.fail(node4);
            assertThat(cluster.runUntil(() -> !cluster.node(NODE1).isAlive(node4), 60 * SECOND)).isTrue();
            assertThat(joinOf(cluster, NODE1, node4).readsMoved()).isFalse();
            assertThat(cluster.node(NODE1).abortJoin(node4)).isNull();
            assertThat(cluster.runUntil(() -> FIRST_THREE.stream().allMatch(node ->
                    cluster.node(node).membershipView().moves().isEmpty()
                            && cluster.node(node).membershipView().epoch()
                            == cluster.node(NODE1).membershipView().epoch()), 30 * SECOND))
                    .as("seed %d: no move left anywhere%s", seed, MembershipSuiteTest.lastEvents(events)).isTrue();
            assertThat(cluster.node(NODE1).membershipView().epoch()).isNotEqualTo(epochBefore);
            for (NodeId node : FIRST_THREE) {
                assertThat(cluster.node(node).membershipView().natural().members()).containsExactlyElementsOf(
                        FIRST_THREE);
                String key = "key-" + node.id();
                assertThat(cluster.runUntil(cluster.put(node, key, "v", ConsistencyLevel.QUORUM), 2 * SECOND))
                        .isInstanceOf(ClientResult.Written.class);
                for (NodeId reader : FIRST_THREE) {
                    ClientResult read = cluster.runUntil(cluster.get(reader, key, ConsistencyLevel.QUORUM), 2 * SECOND);
                    assertThat(read).isInstanceOfSatisfying(ClientResult.Found.class, found ->
                            assertThat(new String(found.value(), StandardCharsets.UTF_8)).isEqualTo("v"));
                }
            }
            assertThat(cluster.node(NODE2).abortJoin(node4)).startsWith("cannot abort the join of node4: it is not "
                    + "joining (its state is REMOVED)");

            cluster.recover(node4);
            assertThat(cluster.runUntil(() -> cluster.isRetired(node4), 30 * SECOND))
                    .as("node4 learned its join was aborted and stopped%s", MembershipSuiteTest.lastEvents(events))
                    .isTrue();
            assertAbortSaid(events, node4, "node4's join was aborted (abort-bootstrap) while it was down");
            for (NodeId node : FIRST_THREE) {
                assertThat(cluster.node(node).isAlive(node4)).isFalse();
                assertThat(cluster.node(node).membershipView().moves()).isEmpty();
                ClientResult read = cluster.runUntil(cluster.get(node, "apple", ConsistencyLevel.QUORUM), 2 * SECOND);
                assertThat(read).isInstanceOf(ClientResult.Found.class);
            }
            assertThat(cluster.unhandledExceptions()).isEmpty();
        }
    }

    /** node4 dies once reads of its ranges moved to it: the abort is refused; restarted, it finishes its join. */
    @Test
    void aJoinWhoseReadsMovedCannotBeAbortedAndFinishesOnRestart() {
        long seed = 19;
        try (SimCluster cluster = SimCluster.builder().seed(seed).nodes(3).build()) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            cluster.runFor(5 * SECOND);
            NodeId node4 = cluster.addNode();
            assertThat(cluster.runUntil(() -> {
                Move move = joinOf(cluster, NODE1, node4);
                return move != null && move.readsMoved();
            }, 120 * SECOND)).as("seed %d%s", seed, MembershipSuiteTest.lastEvents(events)).isTrue();
            cluster.fail(node4);
            assertThat(cluster.runUntil(() -> !cluster.node(NODE1).isAlive(node4), 60 * SECOND)).isTrue();
            assertThat(cluster.node(NODE1).abortJoin(node4)).startsWith("cannot abort the join of node4: reads of "
                    + "its ranges already moved to it");
            cluster.recover(node4);
            assertThat(cluster.runUntil(() -> FIRST_THREE.stream().allMatch(node ->
                    cluster.node(node).membershipView().natural().members().contains(node4)
                            && cluster.node(node).membershipView().moves().isEmpty()), 120 * SECOND))
                    .as("seed %d: node4 finished its join%s", seed, MembershipSuiteTest.lastEvents(events)).isTrue();
            assertThat(cluster.unhandledExceptions()).isEmpty();
        }
    }

    private static void assertAbortSaid(List<NodeEvent> events, NodeId node, String text) {
        assertThat(events).anySatisfy(event -> {
            assertThat(event.kind()).isEqualTo(NodeEvent.Kind.ERROR);
            assertThat(event.node()).isEqualTo(node);
            assertThat(event.detail()).contains(text)
                    .contains("wipe its data directory and start it at a new internode address");
        });
    }
}
