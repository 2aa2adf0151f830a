package ringdb.core.batchlog;

import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import ringdb.core.Clock;
import ringdb.core.Network;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.coordinator.RequestRegistry;
import ringdb.core.node.NodeConfig;
import ringdb.core.node.NodeEvent;
import ringdb.core.store.LocalStore;

/**
 * What the batch log acts through: the node's identity and settings (write timeout, partitioner),
 * clock, timers, network, random source (which live nodes hold a batch), the registry routing the
 * holders' acknowledgements, the node-local store the entries live in (shared with the hints and
 * the system records, keys starting with {@code 'B'}), the ring members other than this node that
 * are alive now ({@code liveOthers}), whether the ring holds other members at all, whether the node
 * runs, its generation (part of every batch id), where events go, the coordinator's write of one
 * partition ({@code mutate}) and its check of whether such a write would be refused right now
 * ({@code refusal}: too few replicas alive, a bad request). Everything runs on the node's thread.
 */
public record BatchlogContext(NodeId self, NodeConfig config, Clock clock, Timers timers, Network network,
                              Random random, RequestRegistry requests, LocalStore store,
                              Supplier<List<NodeId>> liveOthers, BooleanSupplier ringHasOthers,
                              BooleanSupplier running, LongSupplier generation, NodeEvent.Sink events,
                              Mutator mutate, Refusal refusal) {
    /** The coordinator's write of the entries of one partition at a consistency level. */
    public interface Mutator {
        void mutate(List<LocalStore.Entry> entries, ConsistencyLevel cl, Consumer<ClientResult> done);
    }

    /**
     * Why the coordinator's write of one partition at a consistency level would be refused now
     * (Unavailable with its counts, Invalid), without writing anything; null when it would be tried.
     */
    public interface Refusal {
        ClientResult of(List<LocalStore.Entry> entries, ConsistencyLevel cl);
    }
}
