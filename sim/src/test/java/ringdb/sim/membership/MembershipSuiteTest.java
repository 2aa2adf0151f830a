package ringdb.sim.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.node.NodeEvent;
import ringdb.sim.SimCluster;
import ringdb.sim.SimFuture;
import ringdb.sim.SimListener;

/**
 * The whole life of a cluster under a steady QUORUM write load: grow 3 → 5 nodes, decommission
 * one, kill one and remove it, kill another and replace it. Afterwards every replica of every
 * acknowledged key holds it, cleanup leaves exactly RF copies, and every acknowledged write reads
 * back at QUORUM. Seeds: {@code -Dringdb.membership.seeds=N} runs N seeds (default 3), or
 * {@code -Dringdb.seed=S} one.
 */
class MembershipSuiteTest {
    private static final long SECOND = WriteLoad.SECOND;
    private static final long WRITE_INTERVAL_MICROS = 50_000;
    private static final long MOVE_MAX_MICROS = 300 * SECOND;

    static LongStream seeds() {
        String one = System.getProperty("ringdb.seed");
        if (one != null) {
            return LongStream.of(Long.parseLong(one));
        }
        return LongStream.rangeClosed(1, Long.getLong("ringdb.membership.seeds", 3));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void growShrinkRemoveReplaceUnderWriteLoad(long seed) {
        String reproduce = " (reproduce: mvn -B -q verify -pl sim -am -Dtest=MembershipSuiteTest "
                + "-Dsurefire.failIfNoSpecifiedTests=false -Dringdb.seed=" + seed + ")";
        try (SimCluster cluster = SimCluster.builder().seed(seed).nodes(3).build()) {
            List<NodeEvent> events = record(cluster);
            cluster.runFor(5 * SECOND);
            WriteLoad load = new WriteLoad(cluster, 200);
            load.preload(400);

            for (int i = 0; i < 2; i++) {
                NodeId added = cluster.addNode();
                assertTrue(load.runUntil(() -> cluster.isNormal(added), MOVE_MAX_MICROS, WRITE_INTERVAL_MICROS),
                        added + " did not join" + reproduce + lastEvents(events));
                assertTrue(load.settle(60 * SECOND), "ring did not settle after " + added + " joined" + reproduce);
            }
            assertTrue(load.runUntil(() -> cluster.node(NodeId.of("node1")).ring().members().size() == 5, 30 * SECOND,
                    WRITE_INTERVAL_MICROS), "node1 does not see 5 members" + reproduce);

            complete(load, cluster, cluster.decommission(NodeId.of("node2")), "decommission node2" + reproduce, events);
            assertTrue(load.settle(60 * SECOND), "ring did not settle after the decommission" + reproduce);

            NodeId dead = NodeId.of("node3");
            cluster.fail(dead);
            assertTrue(load.runUntil(() -> !cluster.node(NodeId.of("node1")).isAlive(dead), 60 * SECOND,
                    WRITE_INTERVAL_MICROS), "node3 not detected down" + reproduce);
            complete(load, cluster, cluster.removeNode(dead, NodeId.of("node1")), "removenode node3" + reproduce,
                    events);
            assertTrue(load.settle(60 * SECOND), "ring did not settle after the removal" + reproduce);

            NodeId replaced = NodeId.of("node4");
            cluster.fail(replaced);
            assertTrue(load.runUntil(() -> !cluster.node(NodeId.of("node1")).isAlive(replaced), 60 * SECOND,
                    WRITE_INTERVAL_MICROS), "node4 not detected down" + reproduce);
            NodeId replacement = cluster.replaceNode(replaced);
            assertTrue(load.runUntil(() -> cluster.isNormal(replacement), MOVE_MAX_MICROS, WRITE_INTERVAL_MICROS),
                    replacement + " did not replace node4" + reproduce + lastEvents(events));

            load.drain();
            assertTrue(load.runUntil(() -> cluster.node(NodeId.of("node1")).ring().members().size() == 3, 30 * SECOND,
                    WRITE_INTERVAL_MICROS), "node1 does not see 3 members" + reproduce);
            List<NodeId> members = new ArrayList<>(cluster.node(NodeId.of("node1")).ring().members());
            assertEquals(List.of(NodeId.of("node1"), NodeId.of("node5"), replacement), members, reproduce);
            assertTrue(load.ackedCount() > 1000, "only " + load.ackedCount() + " writes acknowledged" + reproduce);
            assertTrue(load.hintsDrained(120 * SECOND), "hints never drained" + load.describeHints() + reproduce);
            load.verifyReplicasHold(seed);
            for (NodeId id : load.normalNodes()) {
                ClientResult cleaned = cluster.runUntil(cluster.cleanup(id), SECOND);
                assertTrue(cleaned instanceof ClientResult.Completed, cleaned + reproduce);
            }
            load.verifyExactlyReplicated(seed);
            load.verifyQuorumReads(seed);
            assertEquals(List.of(), cluster.unhandledExceptions(), reproduce);
        }
    }

    private static void complete(WriteLoad load, SimCluster cluster, SimFuture<ClientResult> future, String what,
                                 List<NodeEvent> events) {
        assertTrue(load.runUntil(future::isDone, MOVE_MAX_MICROS, WRITE_INTERVAL_MICROS),
                what + " did not finish" + lastEvents(events));
        assertTrue(future.get() instanceof ClientResult.Completed, what + ": " + future.get());
    }

    static List<NodeEvent> record(SimCluster cluster) {
        List<NodeEvent> events = new ArrayList<>();
        cluster.addListener(new SimListener() {
            @Override
            public void onNodeEvent(NodeEvent event) {
                if (event.kind() != NodeEvent.Kind.HINT_STORED) {
                    events.add(event);
                }
            }
        });
        return events;
    }

    static String lastEvents(List<NodeEvent> events) {
        StringBuilder out = new StringBuilder("; last events:");
        for (NodeEvent event : events.subList(Math.max(0, events.size() - 25), events.size())) {
            out.append("\n  ").append(event);
        }
        return out.toString();
    }
}
