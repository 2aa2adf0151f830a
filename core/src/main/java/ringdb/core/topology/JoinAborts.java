package ringdb.core.topology;

import ringdb.core.NodeId;
import ringdb.core.gossip.ApplicationState;
import ringdb.core.gossip.EndpointState;
import ringdb.core.membership.MembershipView;
import ringdb.core.membership.Move;
import ringdb.core.node.NodeEvent;
import ringdb.core.node.NodeState;

/**
 * Aborts the join of another node that is not alive (Cassandra's {@code nodetool abortbootstrap} under
 * transactional metadata): this node marks it REMOVED in gossip on its behalf, which drops its move
 * from every ring (it stops being a pending replica; the epoch changes, so coordinators plan again)
 * and is final as a removal is: gossip ranks the mark above any later generation of the node, which
 * learns on its return that its join was aborted, refuses to serve and stops. Nothing streams: a
 * joining node owns nothing yet, and no other node gains a range from a join.
 *
 * <p>Safe while reads have not moved to the joining node: until then it was only an extra write
 * target (a write needed one more acknowledgement per pending replica, so a quorum of the old
 * replicas), and the ring without it is the ring every read used. Once reads moved, a read counted on
 * it; rolling back could then leave a read quorum (with it) and a write quorum (on the old ring)
 * disjoint, so the abort is refused. A replacement is not aborted: a write made during it was
 * acknowledged by the new node in the dead node's place, so dropping the new node could leave that
 * write on fewer than a quorum of the replicas. Not thread-safe: the node's thread only.
 */
final class JoinAborts {
    private final TopologyContext context;

    JoinAborts(TopologyContext context) {
        this.context = context;
    }

    /** Aborts the join of {@code joining}; null when aborted, else why not. */
    String abort(NodeId joining) {
        String refusal = refusal(joining);
        if (refusal != null) {
            return "cannot abort the join of " + joining + ": " + refusal;
        }
        context.setRemoteStatus(joining, NodeState.REMOVED);
        context.emit(NodeEvent.Kind.REMOVED, joining, "join of " + joining + " aborted: it is no longer a pending "
                + "replica; it cannot rejoin under its id (wipe its data directory and start it as a new node)");
        return null;
    }

    private String refusal(NodeId joining) {
        if (joining.equals(context.id())) {
            return "this node cannot abort its own join; stop it instead, then abort it from a live node";
        }
        MembershipView view = context.membershipView();
        Move move = view.moveOf(joining);
        if (move == null || move.kind() != Move.Kind.JOIN && move.kind() != Move.Kind.REPLACE) {
            EndpointState state = context.gossipState(joining);
            if (state == null) {
                return "this node has not heard of it through gossip";
            }
            return "it is not joining (its state is "
                    + NodeState.fromGossip(state.get(ApplicationState.STATUS)) + ")";
        }
        if (move.kind() == Move.Kind.REPLACE) {
            return "it replaces " + move.replaced() + ", and writes made during the replacement were acknowledged"
                    + " by it in " + move.replaced() + "'s place: dropping it could leave them on fewer than a"
                    + " quorum of replicas; start it again to finish the replacement";
        }
        if (context.isAlive(joining)) {
            return "it is alive; stop it first (only the join of a node that is down can be aborted)";
        }
        if (move.readsMoved()) {
            return "reads of its ranges already moved to it, and rolling them back could leave a read and a write"
                    + " quorum disjoint; start it again to finish its join (then decommission it if unwanted)";
        }
        return null;
    }
}
