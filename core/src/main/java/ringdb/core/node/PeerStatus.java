package ringdb.core.node;

import java.util.Map;
import ringdb.core.NodeId;

/**
 * What a node knows of one peer: membership state (from gossip), whether its failure detector
 * holds the peer up, phi, the peer's generation and heartbeat, how long ago (on this node's clock)
 * the last heartbeat arrived, how many tokens it owns, its application states and its load.
 */
public record PeerStatus(NodeId id, NodeState state, boolean up, double phi, long generation,
                         long heartbeatVersion, long heartbeatAgeMicros, int tokenCount,
                         Map<String, String> applicationStates, long loadBytes) {
    public PeerStatus {
        applicationStates = Map.copyOf(applicationStates);
    }
}
