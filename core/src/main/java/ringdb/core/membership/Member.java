package ringdb.core.membership;

import java.util.Objects;
import ringdb.core.NodeId;

/**
 * What gossip says of one endpoint that matters for the ring: its generation, membership status
 * (a {@link ringdb.core.node.NodeState} name as gossiped), tokens, and the dead node it replaces
 * (null when none), and whether its move (join, replacement, leave or removal) has moved reads to its
 * ranges' new replicas (JOIN_STEP).
 * Immutable.
 */
public record Member(NodeId node, long generation, String status, long[] tokens, NodeId replacing,
                     boolean readsMoved) {
    public Member {
        Objects.requireNonNull(node, "node");
        status = status == null ? "" : status;
        tokens = tokens == null ? new long[0] : tokens.clone();
    }

    /** A member whose join (if any) is at its first step. */
    public Member(NodeId node, long generation, String status, long[] tokens, NodeId replacing) {
        this(node, generation, status, tokens, replacing, false);
    }
}
