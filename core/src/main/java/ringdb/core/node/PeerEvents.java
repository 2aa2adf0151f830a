package ringdb.core.node;

import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.gossip.Gossiper;

/**
 * What the node does with what gossip learns: a changed endpoint goes to the ring state, a peer
 * coming up gets its hints replayed while the node runs, and every change of a peer's liveness or
 * generation is reported as an event. Runs inline on the node's thread, from inside gossip.
 */
final class PeerEvents implements Gossiper.Listener {
    private final Consumer<NodeId> statesChanged;
    private final Consumer<NodeId> replayHints;
    private final BooleanSupplier running;
    private final NodeEvent.Sink events;
    private final BiConsumer<Long, String> removedWhileDown;

    PeerEvents(Consumer<NodeId> statesChanged, Consumer<NodeId> replayHints, BooleanSupplier running,
               NodeEvent.Sink events, BiConsumer<Long, String> removedWhileDown) {
        this.removedWhileDown = removedWhileDown;
        this.statesChanged = statesChanged;
        this.replayHints = replayHints;
        this.running = running;
        this.events = events;
    }

    @Override
    public void onStatesChanged(NodeId node) {
        statesChanged.accept(node);
    }

    @Override
    public void onUp(NodeId node) {
        events.emit(NodeEvent.Kind.PEER_UP, node, node + " is up");
        if (running.getAsBoolean()) {
            replayHints.accept(node);
        }
    }

    @Override
    public void onDown(NodeId node, String reason) {
        events.emit(NodeEvent.Kind.PEER_DOWN, node, node + " is down: " + reason);
    }

    @Override
    public void onRefused(NodeId from, NodeId node, String reason) {
        events.emit(NodeEvent.Kind.ERROR, from, reason);
    }

    @Override
    public void onRestarted(NodeId node, long oldGeneration, long newGeneration) {
        events.emit(NodeEvent.Kind.PEER_RESTARTED, node, node + " restarted: generation " + oldGeneration + " -> "
                + newGeneration);
    }

    @Override
    public void onRemovedWhileDown(long removedGeneration, String status) {
        removedWhileDown.accept(removedGeneration, status);
    }
}
