package ringdb.core.hints;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import ringdb.core.Clock;
import ringdb.core.Network;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.coordinator.RequestRegistry;
import ringdb.core.gossip.Liveness;
import ringdb.core.node.NodeConfig;
import ringdb.core.node.NodeEvent;
import ringdb.core.store.LocalStore;

/**
 * What the hints engine acts through: the node's identity and settings (hint window, per-target
 * limit, replay batch size and interval, write timeout), its clock, timers and network, the
 * registry that routes the replicas' acknowledgements, the store that holds the hints (hints
 * only), the failure detector's view (who is up, since when who is down), whether the node runs,
 * its generation (part of every hint key) and where events go. The suppliers are read at each
 * call. Everything runs on the node's thread.
 */
public record HintsContext(NodeId self, NodeConfig config, Clock clock, Timers timers, Network network,
                           RequestRegistry requests, LocalStore store, Liveness liveness, BooleanSupplier running,
                           LongSupplier generation, NodeEvent.Sink events) {
}
