package ringdb.core.membership;

import java.util.Objects;
import ringdb.core.NodeId;

/**
 * What gossip says of one endpoint that matters for the ring: its generation, membership status
 * (a {@link ringdb.core.node.NodeState} name as gossiped), tokens, and the dead node it replaces
 * (null when none). Immutable.
 */
public record Member(NodeId node, long generation, String status, long[] tokens, NodeId replacing) {
    public Member {
        Objects.requireNonNull(node, "node");
        status = status == null ? "" : status;
        tokens = tokens == null ? new long[0] : tokens.clone();
    }
}
