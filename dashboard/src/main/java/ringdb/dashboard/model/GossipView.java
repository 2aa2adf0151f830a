package ringdb.dashboard.model;

import java.util.List;

/**
 * One live node's gossip state and its failure detector's view of every peer.
 *
 * @param node             the observing node
 * @param generation       its own generation
 * @param heartbeatVersion its own heartbeat
 * @param ringVersion      digest of its ring view; equal digests mean equal rings
 * @param peers            its view of each peer
 */
public record GossipView(String node, long generation, long heartbeatVersion, String ringVersion,
                         List<PeerView> peers) {
    public GossipView {
        peers = List.copyOf(peers);
    }
}
