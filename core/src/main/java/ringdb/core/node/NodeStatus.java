package ringdb.core.node;

import java.util.List;
import java.util.Map;
import ringdb.core.NodeId;
import ringdb.core.store.LocalStore;

/**
 * An immutable snapshot of a node. {@code ringVersion} counts ring rebuilds on this node;
 * {@code ringDigest} is a hash of the ring's members and tokens: nodes that agree on the ring
 * have the same digest. {@code recoveryDone} is true once the catch-up from peers after start
 * has finished.
 */
public record NodeStatus(NodeId id, long generation, long heartbeatVersion, NodeState state,
                         List<Long> tokens, long hintsPending, LocalStore.Stats storeStats,
                         List<PeerStatus> peers, long ringVersion, long ringDigest, boolean recoveryDone,
                         Map<String, String> applicationStates, long nowMicros) {
    public NodeStatus {
        tokens = List.copyOf(tokens);
        peers = List.copyOf(peers);
        applicationStates = Map.copyOf(applicationStates);
    }
}
