package ringdb.sim.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.membership.TokenAllocation;
import ringdb.core.node.NodeEvent;
import ringdb.sim.SimCluster;

/**
 * A cluster grown one bootstrap at a time with balanced token allocation (16 tokens per node):
 * from 3 to 20 nodes the most loaded node owns at most 1.25 times what the least loaded owns.
 */
class BalancedAllocationTest {
    private static final long SECOND = WriteLoad.SECOND;

    @Test
    void growingTo20NodesKeepsOwnershipBalanced() {
        long seed = 31;
        try (SimCluster cluster = SimCluster.builder().seed(seed).nodes(1)
                .nodeConfig(config -> config.tokenAllocation(TokenAllocation.BALANCED)).build()) {
            List<NodeEvent> events = MembershipSuiteTest.record(cluster);
            WriteLoad load = new WriteLoad(cluster, 50);
            cluster.runFor(2 * SECOND);
            for (int n = 2; n <= 20; n++) {
                NodeId added = cluster.addNode();
                assertTrue(cluster.runUntil(() -> cluster.isNormal(added), 300 * SECOND),
                        added + " did not join (seed " + seed + ")" + MembershipSuiteTest.lastEvents(events));
                assertTrue(load.settle(120 * SECOND), "ring did not settle after " + added + " joined");
                Map<NodeId, Double> ownership = cluster.node(NodeId.of("node1")).ring().ownership();
                assertEquals(n, ownership.size());
                if (n >= 3) {
                    double most = Collections.max(ownership.values());
                    double least = Collections.min(ownership.values());
                    assertTrue(most <= 1.25 * least, n + " nodes: most loaded owns " + most + ", least " + least);
                }
            }
            assertEquals(List.of(), cluster.unhandledExceptions());
        }
    }
}
