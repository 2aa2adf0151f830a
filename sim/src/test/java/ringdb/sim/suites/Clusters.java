package ringdb.sim.suites;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import ringdb.core.NodeId;
import ringdb.core.node.Node;
import ringdb.core.node.PeerStatus;
import ringdb.sim.SimCluster;

/** Views over a simulated cluster that the suites share. */
final class Clusters {
    static final long SECOND = 1_000_000L;

    private Clusters() {
    }

    /** Every alive node holds every other alive node up and all agree on the ring. */
    static boolean converged(SimCluster cluster) {
        Set<Long> digests = new HashSet<>();
        List<NodeId> alive = cluster.nodeIds().stream().filter(cluster::isAlive).toList();
        for (NodeId id : alive) {
            Node node = cluster.node(id);
            for (NodeId other : alive) {
                if (!node.isAlive(other)) {
                    return false;
                }
            }
            digests.add(node.status().ringDigest());
        }
        return digests.size() == 1 && cluster.node(alive.get(0)).ring().members().size() == cluster.nodeIds().size();
    }

    /** Every alive node other than {@code subject} holds {@code subject} down (or up when {@code up}). */
    static boolean othersSee(SimCluster cluster, NodeId subject, boolean up) {
        for (NodeId id : cluster.nodeIds()) {
            if (!id.equals(subject) && cluster.isAlive(id) && cluster.node(id).isAlive(subject) != up) {
                return false;
            }
        }
        return true;
    }

    static PeerStatus peer(Node node, NodeId subject) {
        return node.status().peers().stream().filter(p -> p.id().equals(subject)).findFirst().orElseThrow();
    }

    /** Checks {@code condition} every {@code stepMicros} of simulated time (for costly checks). */
    static boolean awaitEvery(SimCluster cluster, BooleanSupplier condition, long stepMicros,
                              long maxMicros) {
        long deadline = cluster.nowMicros() + maxMicros;
        while (!condition.getAsBoolean()) {
            if (cluster.nowMicros() >= deadline) {
                return false;
            }
            cluster.runFor(stepMicros);
        }
        return true;
    }

    static String seedLine(SimCluster cluster) {
        return "reproduce with seed " + cluster.seed();
    }
}
