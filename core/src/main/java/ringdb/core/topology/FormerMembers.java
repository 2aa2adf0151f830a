package ringdb.core.topology;

import ringdb.core.NodeId;
import ringdb.core.gossip.ApplicationState;
import ringdb.core.gossip.EndpointState;
import ringdb.core.node.NodeEvent;
import ringdb.core.node.NodeState;

/**
 * Hints this node holds for nodes that left, were removed or were replaced can never be
 * delivered (their ranges reached the new owners by streaming): each round drops them.
 */
final class FormerMembers {
    private final TopologyContext context;

    FormerMembers(TopologyContext context) {
        this.context = context;
    }

    void discardHints() {
        for (NodeId target : context.hintTargets()) {
            EndpointState state = context.gossipState(target);
            String status = state == null ? null : state.get(ApplicationState.STATUS);
            boolean gone = NodeState.LEFT.name().equals(status) || NodeState.REMOVED.name().equals(status)
                    || context.membershipView().replaced().contains(target);
            if (gone) {
                int discarded = context.discardHints(target);
                if (discarded > 0) {
                    context.emit(NodeEvent.Kind.HINTS_DELIVERED, target, discarded + " hints for " + target
                            + " discarded: it is no longer a member of the ring");
                }
            }
        }
    }
}
