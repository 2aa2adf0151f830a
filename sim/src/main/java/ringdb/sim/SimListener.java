package ringdb.sim;

import ringdb.core.NodeId;
import ringdb.core.data.Cell;
import ringdb.core.message.Message;
import ringdb.core.node.NodeEvent;

/**
 * Observes a simulation as it runs (the demo's narration, the dashboard's timeline, checkers).
 * Called on the simulation thread, synchronously, in simulated-time order; a listener must not
 * block and must not change the simulation from inside a callback.
 */
public interface SimListener {
    /** A node reported an event (started, peer down, hints delivered...). */
    default void onNodeEvent(NodeEvent event) {
    }

    /**
     * {@code message} from {@code from} was handed to {@code to} (after {@link #onMessage} reported its
     * delivery); for checkers that follow requests and their answers. {@code message} must not be modified.
     */
    default void onDelivered(NodeId from, NodeId to, Message message) {
    }

    /** A message was sent, delivered, dropped or duplicated. */
    default void onMessage(MessageEvent event) {
    }

    /**
     * The clocks of two alive nodes differ by more than the cluster's skew bound
     * ({@link SimClusterBuilder#clockSkewBoundMicros}); reported once each time the bound is crossed.
     */
    default void onClockSkew(long atMicros, NodeId ahead, NodeId behind, long skewMicros) {
    }

    /**
     * {@code node}'s data store made a write of {@code cell} to {@code key} durable (a client write
     * the node coordinated or received as a replica, a delivered hint, a repaired, streamed or
     * caught-up entry); reported only while that node incarnation is still up. {@code key} must
     * not be modified.
     */
    default void onDurableWrite(long atMicros, NodeId node, byte[] key, Cell cell) {
    }

    /** A node threw while handling an event; the simulation records it and carries on. */
    default void onUnhandledException(long atMicros, NodeId node, Throwable error) {
    }
}
