package ringdb.core.hints;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import ringdb.core.Clock;
import ringdb.core.Network;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.coordinator.RequestRegistry;
import ringdb.core.data.Cell;
import ringdb.core.gossip.Liveness;
import ringdb.core.message.MutationRequest;
import ringdb.core.node.NodeConfig;
import ringdb.core.node.NodeEvent;
import ringdb.core.store.LocalStore;

/**
 * What the hints engine acts through: the node's identity and settings (hint window, per-target
 * limit, replay batch size and interval, write timeout), its clock, timers and network, the
 * registry that routes the replicas' acknowledgements, the store that holds the hints (hints
 * only), the failure detector's view (who is up, since when who is down), whether the node runs,
 * its generation (part of every hint key), where events go, and the ring the hints are placed on
 * ({@link Placement}). The suppliers are read at each call. Everything runs on the node's thread.
 */
public record HintsContext(NodeId self, NodeConfig config, Clock clock, Timers timers, Network network,
                           RequestRegistry requests, LocalStore store, Liveness liveness, BooleanSupplier running,
                           LongSupplier generation, NodeEvent.Sink events, Placement placement) {
    /** A context whose hints are delivered whatever the ring ({@link Placement#NONE}). */
    public HintsContext(NodeId self, NodeConfig config, Clock clock, Timers timers, Network network,
                        RequestRegistry requests, LocalStore store, Liveness liveness, BooleanSupplier running,
                        LongSupplier generation, NodeEvent.Sink events) {
        this(self, config, clock, timers, network, requests, store, liveness, running, generation, events,
                Placement.NONE);
    }

    /**
     * The node's ring as the hints engine sees it: the epoch every delivery carries, whether a node
     * is a member of the ring, where a write of a data store key goes now (natural and pending
     * replicas), and how this node applies a hinted mutation to its own data when it became one of
     * those replicas.
     */
    public interface Placement {
        /** No ring: deliveries carry {@link MutationRequest#NO_RING_CHECK} and are never re-targeted. */
        Placement NONE = new Placement() {
            @Override
            public long ringEpoch() {
                return MutationRequest.NO_RING_CHECK;
            }

            @Override
            public boolean isMember(NodeId node) {
                return false;
            }

            @Override
            public List<NodeId> writeTargets(byte[] key) {
                return List.of();
            }

            @Override
            public void applyLocally(byte[] key, Cell cell) {
                throw new IllegalStateException("no local data store to apply a hint to");
            }
        };

        long ringEpoch();

        boolean isMember(NodeId node);

        List<NodeId> writeTargets(byte[] key);

        void applyLocally(byte[] key, Cell cell);

        /** Whether {@code key} is an entry of a dropped table: its hints are removed, not delivered. */
        default boolean isDropped(byte[] key) {
            return false;
        }
    }
}
