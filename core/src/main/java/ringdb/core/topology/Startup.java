package ringdb.core.topology;

import ringdb.core.NodeId;
import ringdb.core.node.NodeState;

/**
 * What a node starts as, from its durable state and its configuration: its state, its tokens
 * (empty while it has yet to choose them) and the dead node it replaces or replaced (or null).
 */
public record Startup(NodeState state, long[] tokens, NodeId replacing) {
}
