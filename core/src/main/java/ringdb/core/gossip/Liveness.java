package ringdb.core.gossip;

import java.util.List;
import ringdb.core.NodeId;

/**
 * Which peers the failure detector holds up, as the node's parts need it. Answers describe this
 * node's current gossip generation; the node's thread only.
 */
public interface Liveness {
    /** Whether {@code node} is held up (always true for this node). */
    boolean isAlive(NodeId node);

    /**
     * When {@code node} was last marked down, on this node's monotonic clock
     * ({@link ringdb.core.Clock#monotonicMicros}), or -1 when it is up.
     */
    long downSinceMicros(NodeId node);

    /** The peers held up, this node excluded, in id order. */
    List<NodeId> livePeers();
}
