package ringdb.core.gossip;

/** Names of the application states the node itself gossips. The runtime may add its own names. */
public final class ApplicationState {
    /** Membership state: a {@link ringdb.core.node.NodeState} name, or {@link #SHUTDOWN}. */
    public static final String STATUS = "STATUS";
    /** The node's tokens, comma-separated signed decimal longs. */
    public static final String TOKENS = "TOKENS";
    /** Live bytes in the node's storage engine. */
    public static final String LOAD = "LOAD";
    /**
     * Set (to "true") by a node that stops on purpose. Its STATUS is left as it was, so the ring
     * still knows whether the stopped node was a member (NORMAL) or not (JOINING, LEFT...).
     */
    public static final String SHUTDOWN = "SHUTDOWN";
    /** On a node that replaces a dead one: the dead node's id (kept once the replacement completed). */
    public static final String REPLACING = "REPLACING";
    /** Ids of the membership moves (see ringdb.core.membership.Move#id) this node finished streaming for. */
    public static final String MOVES_DONE = "MOVES_DONE";
    /**
     * Ids of the membership moves this node's ring shows in progress (sorted, comma-separated): its
     * acknowledgement that it plans requests with their pending ranges, which progress barriers wait for.
     */
    public static final String MOVES_SEEN = "MOVES_SEEN";
    /**
     * On a joining or leaving node (and, set by the node removing it, on a node being removed):
     * "READS" once its move reached the step where reads of its ranges go to the new replicas
     * (writes still go to the old and the new ones); absent or empty before. A leave or removal
     * clears it as it starts, so a step left over from the node's join is not taken for its own.
     */
    public static final String JOIN_STEP = "JOIN_STEP";
    /**
     * On a node being removed, set by the node running its removal (removenode) on its behalf: that
     * node's id. When it has been down for a while, another node resumes the removal (and sets it).
     */
    public static final String REMOVAL_RUNNER = "REMOVAL_RUNNER";
    /**
     * The digest of the node's schema (ringdb.core.catalog.Schema#digestHex), absent while it holds
     * no keyspace or table of its own: a node whose digest differs pulls the schema from that peer.
     */
    public static final String SCHEMA = "SCHEMA";
    /** The {@link #JOIN_STEP} value of a join whose reads moved. */
    public static final String JOIN_STEP_READS = "READS";

    private ApplicationState() {
    }

    /** Encodes tokens for {@link #TOKENS}. */
    public static String encodeTokens(long[] tokens) {
        StringBuilder out = new StringBuilder(tokens.length * 21);
        for (int i = 0; i < tokens.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(tokens[i]);
        }
        return out.toString();
    }

    /** Decodes {@link #TOKENS}; a malformed value gives an empty array (the node is left out of the ring). */
    public static long[] decodeTokens(String value) {
        if (value == null || value.isEmpty()) {
            return new long[0];
        }
        String[] parts = value.split(",", -1);
        long[] tokens = new long[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                tokens[i] = Long.parseLong(parts[i]);
            }
        } catch (NumberFormatException e) {
            return new long[0];
        }
        return tokens;
    }
}
