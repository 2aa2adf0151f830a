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
import ringdb.sim.SimFuture;

/**
 * A removal whose runner crashed resumes by itself: once the runner has been down for the resume
 * delay, the live NORMAL node with the lowest host id that knows the removal takes it over, shows so
 * in its status, and the removal completes with no operator running removenode again.
 */
class RemovalResumeTest {
    private static final long SECOND = WriteLoad.SECOND;
    private static final NodeId NODE1 = NodeId.of("node1");
    private static final NodeId NODE2 = NodeId.of("node2");
    private static final NodeId NODE3 = NodeId.of("node3");
    private static final NodeId NODE4 = NodeId.of("node4");
    private static final long RESUME_DELAY = 5 * SECOND;

    private static boolean removing(SimCluster cluster, NodeId viewer) {
        Move move = cluster.node(viewer).membershipView().moveOf(NODE4);
        return move != null && move.kind() == Move.Kind.REMOVE;
    }

    @Test
    void aRemovalWhoseRunnerCrashedIsResumedByTheLowestLiveNodeAndCompletes() {
        long seed = 23;
        try (SimCluster cluster = SimCluster.builder().seed(seed).nodes(4)
                .nodeConfig(config -> config.removalResumeDelayMicros(RESUME_DELAY)).build()) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            cluster.runFor(5 * SECOND);
            assertThat(cluster.runUntil(cluster.put(NODE1, "apple", "red", ConsistencyLevel.QUORUM), SECOND))
                    .isInstanceOf(ClientResult.Written.class);
            cluster.fail(NODE4);
            assertThat(cluster.runUntil(() -> List.of(NODE1, NODE2, NODE3).stream()
                    .noneMatch(node -> cluster.node(node).isAlive(NODE4)), 60 * SECOND)).isTrue();
            SimFuture<ClientResult> removal = cluster.removeNode(NODE4, NODE3);
            assertThat(cluster.runUntil(() -> removing(cluster, NODE1) && removing(cluster, NODE2), 5 * SECOND))
                    .as("the REMOVING state spread%s", MembershipSuiteTest.lastEvents(events)).isTrue();
            cluster.fail(NODE3);
            assertThat(cluster.runUntil(removal, SECOND)).isInstanceOf(ClientResult.Failed.class);

            assertThat(cluster.runUntil(() -> cluster.node(NODE1).status().movesInProgress().stream()
                    .anyMatch(line -> line.contains("removal of node4") && line.contains("resumed here")), 60 * SECOND))
                    .as("seed %d: node1 resumed the removal and says so%s", seed,
                            MembershipSuiteTest.lastEvents(events)).isTrue();
            assertThat(events).anySatisfy(event -> {
                assertThat(event.node()).isEqualTo(NODE1);
                assertThat(event.detail()).startsWith("resuming the removal of node4 (its runner node3 has been down");
            });
            assertThat(cluster.node(NODE2).status().movesInProgress()).as("only node1 resumes it")
                    .noneMatch(line -> line.contains("removal of node4"));

            cluster.recover(NODE3); // it may gain some of node4's ranges; it sees node1 running the removal
            for (NodeId viewer : List.of(NODE1, NODE2, NODE3)) {
                assertThat(cluster.runUntil(() -> !cluster.node(viewer).ring().members().contains(NODE4)
                        && cluster.node(viewer).membershipView().moveOf(NODE4) == null, 120 * SECOND))
                        .as("seed %d: %s still has node4 in its ring%s", seed, viewer,
                                MembershipSuiteTest.lastEvents(events)).isTrue();
            }
            assertThat(cluster.node(NODE3).status().movesInProgress()).noneMatch(line -> line.contains("node4"));
            for (NodeId viewer : List.of(NODE1, NODE2, NODE3)) {
                ClientResult read = cluster.runUntil(cluster.get(viewer, "apple", ConsistencyLevel.QUORUM), 2 * SECOND);
                assertThat(read).isInstanceOfSatisfying(ClientResult.Found.class, found ->
                        assertThat(new String(found.value(), StandardCharsets.UTF_8)).isEqualTo("red"));
            }
            assertThat(cluster.unhandledExceptions()).isEmpty();
        }
    }
}
