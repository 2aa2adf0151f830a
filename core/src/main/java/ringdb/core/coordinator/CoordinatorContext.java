package ringdb.core.coordinator;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import ringdb.core.Clock;
import ringdb.core.Network;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.catalog.KeyspaceReplication;
import ringdb.core.data.Cell;
import ringdb.core.gossip.Liveness;
import ringdb.core.membership.MembershipView;
import ringdb.core.node.NodeConfig;
import ringdb.core.node.NodeState;
import ringdb.core.store.LocalStore;

/**
 * What the coordinator acts through: the node's identity and settings, its clock, timers and
 * network, the registry that routes responses, the local data store (this node may be a replica),
 * the failure detector's view, the ring as gossip shows it, the hints engine, and the replication
 * factor each key is placed with. The suppliers are
 * read at each call: {@code running} and {@code state} change as the node starts, joins and stops.
 * Everything runs on the node's thread.
 */
public record CoordinatorContext(NodeId self, NodeConfig config, Clock clock, Timers timers, Network network,
                                 RequestRegistry requests, LocalStore data, Liveness liveness,
                                 BooleanSupplier running, Supplier<NodeState> state,
                                 Supplier<MembershipView> membershipView, Hinter hints,
                                 KeyspaceReplication placement) {
    /** Stores a hint for a replica that did not get a write (down, or did not answer in time). */
    @FunctionalInterface
    public interface Hinter {
        void hint(NodeId target, byte[] key, Cell cell);
    }
}
