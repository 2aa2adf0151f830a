package ringdb.core.repair;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import ringdb.core.NodeId;
import ringdb.core.Network;
import ringdb.core.Timers;
import ringdb.core.catalog.KeyspaceReplication;
import ringdb.core.coordinator.RequestRegistry;
import ringdb.core.gossip.Liveness;
import ringdb.core.node.NodeConfig;
import ringdb.core.node.NodeEvent;
import ringdb.core.ring.Ring;
import ringdb.core.store.LocalStore;

/**
 * What repair, the recovery catch-up and the range sync server act through: the node's identity and
 * settings (seeds, gossip interval, recovery delay, range sync tuning), its timers and network, the
 * registry that routes the peers' answers, the local data store (scanned to serve and compare
 * chunks, written with what is pulled), the failure detector's view, whether the node runs, the
 * ring as gossip shows it (which ranges this node replicates) and its epoch (carried by every range
 * sync and digest request this node sends), where events go, and the replication factor each data
 * key is placed with (its keyspace's: a key is replicated by the first that many replicas of the
 * list). The suppliers are read at each call. Everything runs on the node's thread.
 */
public record RepairContext(NodeId self, NodeConfig config, Timers timers, Network network, RequestRegistry requests,
                            LocalStore data, Liveness liveness, BooleanSupplier running, Supplier<Ring> ring,
                            LongSupplier ringEpoch, NodeEvent.Sink events, KeyspaceReplication placement) {
}
