package ringdb.sim;

import ringdb.core.NodeId;

/**
 * What happened to one message in the simulated network. {@code type} is the message's record
 * name (for example "Syn"); {@code sentMicros} and {@code atMicros} are simulated times (equal
 * for SENT and for drops decided at send time).
 */
public record MessageEvent(long sentMicros, long atMicros, NodeId from, NodeId to, String type, Outcome outcome) {
    public enum Outcome {
        /** Handed to the network by the sender. */
        SENT,
        /** Handed to the receiving node. */
        DELIVERED,
        /** Lost to the random drop probability. */
        DROPPED_RANDOM,
        /** Blocked by a partition in force when it was sent. */
        DROPPED_PARTITION,
        /** The receiver was down (or restarted) when the message arrived. */
        DROPPED_NODE_DOWN,
        /** The network made a second copy, which travels on its own. */
        DUPLICATED
    }
}
