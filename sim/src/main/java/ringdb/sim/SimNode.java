package ringdb.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.node.Node;
import ringdb.core.node.NodeConfig;
import ringdb.core.store.LocalStore;

/**
 * Everything the simulation keeps for one node: what survives a crash (its clock and its disk)
 * and what does not (the running {@link Node}, its timers, its open stores, client requests it was
 * coordinating). Simulation thread only.
 */
final class SimNode {
    final NodeId id;
    final int index;
    final SimClock clock;
    final SimStorage storage;
    int incarnation;
    Node node;
    SimTimers timers;
    LocalStore data;
    LocalStore hints;
    final List<SimFuture<ClientResult>> pending = new ArrayList<>();
    Random random;
    /** Adjusts the cluster's node configuration for this node (a joining or replacing node). */
    UnaryOperator<NodeConfig.Builder> configAdjust = UnaryOperator.identity();
    /** Why the node can never be recovered (it left the ring, or was replaced), or null. */
    String retiredReason;
    /** Removed from the ring with removenode (its data was not streamed anywhere). */
    boolean removed;

    SimNode(NodeId id, int index, SimClock clock, SimStorage storage) {
        this.id = id;
        this.index = index;
        this.clock = clock;
        this.storage = storage;
    }

    boolean isAlive() {
        return node != null;
    }
}
