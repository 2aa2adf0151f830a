package ringdb.core.gossip;

/** Names of the application states the node itself gossips. The runtime may add its own names. */
public final class ApplicationState {
    /** Membership state: a {@link ringdb.core.node.NodeState} name, or {@link #SHUTDOWN}. */
    public static final String STATUS = "STATUS";
    /** The node's tokens, comma-separated signed decimal longs. */
    public static final String TOKENS = "TOKENS";
    /** Live bytes in the node's storage engine. */
    public static final String LOAD = "LOAD";
    /** STATUS value of a node that stopped on purpose. */
    public static final String SHUTDOWN = "SHUTDOWN";

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
