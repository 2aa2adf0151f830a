package ringdb.core.node;

/**
 * A node's membership state as spread by gossip (application state "STATUS"). DOWN is what a
 * viewer sees for a node that announced its shutdown.
 */
public enum NodeState {
    STARTING,
    NORMAL,
    JOINING,
    LEAVING,
    LEFT,
    DOWN,
    /** A dead node an operator is removing: its ranges are being re-replicated from the survivors. */
    REMOVING,
    /** A dead node that was removed from the ring. */
    REMOVED;

    /** The state named by a gossip STATUS value; unknown values read as STARTING. */
    public static NodeState fromGossip(String value) {
        if (value == null) {
            return STARTING;
        }
        for (NodeState state : values()) {
            if (state.name().equals(value)) {
                return state;
            }
        }
        return STARTING;
    }
}
