package ringdb.core.node;

import java.util.List;
import java.util.Map;
import ringdb.core.NodeId;
import ringdb.core.health.StorageHealth;
import ringdb.core.store.LocalStore;
import ringdb.core.streaming.StreamProgress;

/**
 * An immutable snapshot of a node. {@code ringVersion} counts ring rebuilds on this node;
 * {@code ringDigest} is a hash of the ring's members and tokens: nodes that agree on the ring
 * have the same digest. {@code recoveryDone} is true once the catch-up from peers after start
 * has finished. {@code streams}: the stream sessions this node runs or ran since it started (bootstrap,
 * ranges gained from a leaving or removed node), with bytes and ranges done. {@code movesInProgress}: the
 * membership changes under way in the cluster as this node sees them ("node6 joining").
 * {@code storageHealth}: what the storage failure policies made of this node (serving, writes
 * refused, stopped; why; quarantined tables); null where not known. {@code hintsHandedOver}: hints
 * this node handed over to the new owners of a range since it was built (their target left the ring
 * or no longer replicates the key); {@code hintsDropped}: hints it dropped (window passed, bounds, or
 * no new owner could take a former member's hint).
 */
public record NodeStatus(NodeId id, long generation, long heartbeatVersion, NodeState state,
                         List<Long> tokens, long hintsPending, LocalStore.Stats storeStats,
                         List<PeerStatus> peers, long ringVersion, long ringDigest, boolean recoveryDone,
                         Map<String, String> applicationStates, long nowMicros, List<StreamProgress> streams,
                         List<String> movesInProgress, StorageHealth.Status storageHealth, long hintsHandedOver,
                         long hintsDropped) {
    /** A status without hint hand-over counts. */
    public NodeStatus(NodeId id, long generation, long heartbeatVersion, NodeState state, List<Long> tokens,
                      long hintsPending, LocalStore.Stats storeStats, List<PeerStatus> peers, long ringVersion,
                      long ringDigest, boolean recoveryDone, Map<String, String> applicationStates, long nowMicros,
                      List<StreamProgress> streams, List<String> movesInProgress, StorageHealth.Status storageHealth) {
        this(id, generation, heartbeatVersion, state, tokens, hintsPending, storeStats, peers, ringVersion,
                ringDigest, recoveryDone, applicationStates, nowMicros, streams, movesInProgress, storageHealth, 0, 0);
    }

    /** A status without storage health (tools and tests that build one by hand). */
    public NodeStatus(NodeId id, long generation, long heartbeatVersion, NodeState state, List<Long> tokens,
                      long hintsPending, LocalStore.Stats storeStats, List<PeerStatus> peers, long ringVersion,
                      long ringDigest, boolean recoveryDone, Map<String, String> applicationStates, long nowMicros,
                      List<StreamProgress> streams, List<String> movesInProgress) {
        this(id, generation, heartbeatVersion, state, tokens, hintsPending, storeStats, peers, ringVersion,
                ringDigest, recoveryDone, applicationStates, nowMicros, streams, movesInProgress, null);
    }

    public NodeStatus {
        tokens = List.copyOf(tokens);
        peers = List.copyOf(peers);
        applicationStates = Map.copyOf(applicationStates);
        streams = List.copyOf(streams);
        movesInProgress = List.copyOf(movesInProgress);
    }
}
