package ringdb.sim.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.node.NodeEvent;
import ringdb.sim.SimCluster;
import ringdb.sim.SimListener;

class BootstrapSmokeTest {
    @Test
    void aJoiningNodeStreamsItsRangesThenServesThem() {
        long seed = 7;
        try (SimCluster cluster = SimCluster.builder().seed(seed).nodes(3).build()) {
            List<NodeEvent> events = new ArrayList<>();
            cluster.addListener(new SimListener() {
                @Override
                public void onNodeEvent(NodeEvent event) {
                    events.add(event);
                }
            });
            cluster.runFor(5 * WriteLoad.SECOND);
            WriteLoad load = new WriteLoad(cluster, 100);
            load.preload(300);
            NodeId added = cluster.addNode();
            assertTrue(load.runUntil(() -> cluster.isNormal(added), 120 * WriteLoad.SECOND, 50_000),
                    "seed " + seed + ": " + added + " did not join; events " + tail(events));
            load.drain();
            load.verifyReplicasHold(seed);
            for (NodeId id : load.normalNodes()) {
                assertTrue(cluster.runUntil(cluster.cleanup(id), WriteLoad.SECOND) instanceof ClientResult.Completed);
            }
            load.verifyExactlyReplicated(seed);
            load.verifyQuorumReads(seed);
            assertTrue(events.stream().anyMatch(e -> e.kind() == NodeEvent.Kind.STREAM_PROGRESS));
            assertTrue(events.stream().anyMatch(e -> e.kind() == NodeEvent.Kind.JOINED));
            assertEquals(List.of(), cluster.unhandledExceptions());
        }
    }

    private static List<NodeEvent> tail(List<NodeEvent> events) {
        return events.subList(Math.max(0, events.size() - 20), events.size());
    }
}
