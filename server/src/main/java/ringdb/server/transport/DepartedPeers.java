package ringdb.server.transport;

import java.util.Set;
import java.util.TreeSet;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.gossip.ApplicationState;
import ringdb.core.node.Node;
import ringdb.core.node.NodeState;
import ringdb.core.node.PeerStatus;

/**
 * Keeps the transport's set of departed nodes ({@link InternodeTransport#setDeparted}) in step with
 * gossip: every {@link #INTERVAL_MICROS} it gives the transport the nodes whose gossip status is
 * LEFT or REMOVED and those replaced by another node. Runs on the node's thread (it reads the node).
 */
public final class DepartedPeers {
    /** How often the departed set is recomputed (5 s). */
    public static final long INTERVAL_MICROS = 5_000_000L;

    private final Node node;
    private final Timers timers;
    private final InternodeTransport transport;

    private DepartedPeers(Node node, Timers timers, InternodeTransport transport) {
        this.node = node;
        this.timers = timers;
        this.transport = transport;
    }

    /** Starts the periodic update; call on the node's thread once the node started. Stops with the node. */
    public static void start(Node node, Timers timers, InternodeTransport transport) {
        new DepartedPeers(node, timers, transport).update();
    }

    /** The nodes {@code node} knows to have left the ring, been removed from it or been replaced. */
    public static Set<NodeId> of(Node node) {
        Set<NodeId> departed = new TreeSet<>(node.membershipView().replaced());
        for (PeerStatus peer : node.status().peers()) {
            NodeState status = NodeState.fromGossip(peer.applicationStates().get(ApplicationState.STATUS));
            if (status == NodeState.LEFT || status == NodeState.REMOVED) {
                departed.add(peer.id());
            }
        }
        departed.remove(node.id());
        return departed;
    }

    private void update() {
        if (!node.isRunning()) {
            return;
        }
        transport.setDeparted(of(node));
        timers.schedule(INTERVAL_MICROS, this::update);
    }
}
