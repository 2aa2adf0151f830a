package ringdb.core.topology;

import ringdb.core.NodeId;
import ringdb.core.gossip.ApplicationState;
import ringdb.core.gossip.EndpointState;
import ringdb.core.hints.Hints;
import ringdb.core.node.NodeEvent;
import ringdb.core.node.NodeState;

/**
 * Hints this node holds for nodes that left, were removed or were replaced can never be delivered
 * to them: each round hands them over to the current replicas of their keys (the new owners of the
 * former member's ranges, which received its data by streaming but may have missed what a hint
 * carried); a hint none of them could take is dropped and counted.
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
                Hints.HandOver result = context.handOverHints(target);
                if (result.handedOver() + result.dropped() > 0) {
                    context.emit(NodeEvent.Kind.HINTS_DELIVERED, target, result.handedOver() + " hints for " + target
                            + " handed over to the new owners of its ranges, " + result.dropped()
                            + " dropped: it is no longer a member of the ring");
                }
            }
        }
    }
}
