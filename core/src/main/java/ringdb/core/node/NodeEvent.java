package ringdb.core.node;

import java.util.Objects;
import ringdb.core.NodeId;

/**
 * Something a node noticed or did, at {@code atMicros} on its own clock. {@code node} is the node
 * reporting; {@code subject} the node it is about (itself for STARTED/STOPPED...); {@code detail}
 * a human-readable line.
 */
public record NodeEvent(long atMicros, NodeId node, Kind kind, NodeId subject, String detail) {
    public NodeEvent {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(kind, "kind");
        detail = detail == null ? "" : detail;
    }

    /** Where a node's parts report events; the node stamps them with its clock and id. */
    @FunctionalInterface
    public interface Sink {
        void emit(Kind kind, NodeId subject, String detail);
    }

    /**
     * The kinds of event. {@code DIE} is a demand, not news: a failure policy ({@code die}) asks the
     * runtime to end the node now (the real runtime halts the process, the simulator crashes the
     * node); the node has already stopped answering.
     */
    public enum Kind {
        STARTED, STOPPED, PEER_UP, PEER_DOWN, PEER_RESTARTED, HINT_STORED, HINTS_DELIVERED,
        RECOVERY_STARTED, RECOVERY_DONE, JOINING, JOINED, LEAVING, LEFT, REMOVED, STREAM_PROGRESS, ERROR, DIE
    }
}
