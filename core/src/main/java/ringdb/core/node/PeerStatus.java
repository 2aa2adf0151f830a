package ringdb.core.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ringdb.core.NodeId;
import ringdb.core.gossip.ApplicationState;
import ringdb.core.gossip.EndpointState;
import ringdb.core.gossip.Gossiper;

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

    /**
     * Every peer {@code gossiper} knows ({@code self} excluded), in id order, as seen at {@code now} on
     * the node's monotonic clock (the failure detector's time).
     */
    static List<PeerStatus> of(Gossiper gossiper, NodeId self, long now) {
        List<PeerStatus> peers = new ArrayList<>();
        for (EndpointState endpoint : gossiper.endpoints().values()) {
            if (!endpoint.node().equals(self)) {
                peers.add(of(endpoint, gossiper, now));
            }
        }
        return peers;
    }

    /**
     * The status of the peer {@code endpoint} describes, as {@code gossiper} sees it at {@code now}. A
     * peer that announced its shutdown shows DOWN, unless it left the ring (a decommissioned node stops
     * once it announced LEFT: it is gone for good, not merely down), or is being removed or was removed
     * from the ring (removenode): that outranks its stop, as it outranks its other states in gossip.
     */
    private static PeerStatus of(EndpointState endpoint, Gossiper gossiper, long now) {
        NodeId peer = endpoint.node();
        long last = gossiper.failureDetector().lastArrivalMicros(peer);
        boolean stopped = gossiper.shutdownAnnounced(peer) || endpoint.get(ApplicationState.SHUTDOWN) != null;
        NodeState gossiped = NodeState.fromGossip(endpoint.get(ApplicationState.STATUS));
        boolean removal = gossiped == NodeState.REMOVING || gossiped == NodeState.REMOVED;
        NodeState peerState = stopped && !removal && gossiped != NodeState.LEFT ? NodeState.DOWN : gossiped;
        String load = endpoint.get(ApplicationState.LOAD);
        long loadBytes;
        try {
            loadBytes = load == null ? 0 : Long.parseLong(load);
        } catch (NumberFormatException e) {
            loadBytes = 0;
        }
        return new PeerStatus(peer, peerState, gossiper.isAlive(peer), gossiper.failureDetector().phi(peer, now),
                endpoint.generation(), endpoint.heartbeatVersion(), last < 0 ? -1 : now - last,
                ApplicationState.decodeTokens(endpoint.get(ApplicationState.TOKENS)).length, endpoint.values(),
                loadBytes);
    }
}
