package ringdb.core.topology;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Predicate;
import ringdb.core.NodeId;
import ringdb.core.gossip.ApplicationState;
import ringdb.core.gossip.EndpointState;
import ringdb.core.membership.MembershipView;
import ringdb.core.membership.Move;

/**
 * A progress barrier: a membership move goes on to its next step only once the replicas of the
 * ranges it changes have acknowledged its current step, so that no coordinator still plans requests
 * with the ring from before it. A node acknowledges a move by listing its id in its gossiped
 * {@link ApplicationState#MOVES_SEEN}. The barrier holds when every affected replica the failure
 * detector holds up has acknowledged, and, whatever the failure detector says, a quorum of each
 * affected replica set (before and after the move) has: a node cut off from the moving node does
 * not hold the move back for ever only if enough of its peers have seen it. A dead node that a
 * replacement takes the place of is left out of the sets (it cannot acknowledge anything).
 *
 * <p>Why it matters: a coordinator that has not seen the move writes to the old replicas at
 * QUORUM; once the moving node serves reads from the new replicas, such a write and a read could
 * use disjoint quorums. With a quorum of every old replica set aware of the move before it goes on,
 * an unaware coordinator meets at least one aware replica in each quorum it uses, and the
 * coordinators that planned with the move send its writes to the pending replicas as well.
 *
 * <p>Stateless; the node's thread only.
 */
final class ProgressBarrier {
    private ProgressBarrier() {
    }

    /**
     * What the barrier of {@code move} still waits for, or null when it is met. {@code self} (the
     * node running the move) counts as having acknowledged it.
     */
    static String waitingFor(TopologyContext context, MembershipView view, Move move) {
        String waiting = waitingFor(context, view.affectedReplicaSets(move, context.replicationFactors()),
                move.departing(), node -> acknowledged(context, node, move));
        return waiting == null ? null : "waiting for the replicas of the ranges it changes to see " + move.describe()
                + waiting;
    }

    /**
     * What a barrier over the replica sets {@code sets} still waits for ("; not yet acknowledged
     * by live [...]..."), or null when every live node of them and a quorum of each (leaving
     * {@code departing} out) acknowledged; {@code self} counts as having acknowledged.
     */
    static String waitingFor(TopologyContext context, List<List<NodeId>> sets, NodeId departing,
                             Predicate<NodeId> acknowledged) {
        TreeSet<NodeId> missingLive = new TreeSet<>();
        TreeSet<NodeId> missingDown = new TreeSet<>();
        String shortQuorum = null;
        for (List<NodeId> replicas : sets) {
            // a dead node being replaced or removed never acknowledges: the quorum is of the others
            List<NodeId> set = replicas.stream().filter(replica -> !replica.equals(departing)).toList();
            int acknowledgements = 0;
            for (NodeId replica : set) {
                if (replica.equals(context.id()) || acknowledged.test(replica)) {
                    acknowledgements++;
                } else if (context.isAlive(replica)) {
                    missingLive.add(replica);
                } else {
                    missingDown.add(replica);
                }
            }
            int quorum = set.size() / 2 + 1;
            if (acknowledgements < quorum && shortQuorum == null) {
                shortQuorum = acknowledgements + " of the replicas " + set + " (a quorum is " + quorum + ")";
            }
        }
        if (missingLive.isEmpty() && shortQuorum == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        if (!missingLive.isEmpty()) {
            out.append("; not yet acknowledged by live ").append(missingLive);
        }
        if (shortQuorum != null) {
            out.append("; only ").append(shortQuorum).append(" acknowledged (down or unreachable: ")
                    .append(missingDown).append(')');
        }
        return out.toString();
    }

    /**
     * Whether {@code node} gossips a ring in which {@code move} is no longer in progress: its
     * MOVES_SEEN names neither step of the move, or it has published none in its current generation
     * (it restarted and its ring shows no move; one that restarted without ever hearing of the move
     * is taught the new ring by the epoch check of its first request).
     */
    static boolean sawFinish(TopologyContext context, NodeId node, Move move) {
        if (node.equals(context.id())) {
            return true;
        }
        EndpointState state = context.gossipState(node);
        if (state == null) {
            return false;
        }
        String seen = state.get(ApplicationState.MOVES_SEEN);
        if (seen == null) {
            return true;
        }
        List<String> ids = Arrays.asList(seen.split(",", -1));
        return !ids.contains(move.id()) && !ids.contains(move.id() + "+READS");
    }

    /** Whether the node whose gossip is {@code state} shows {@code move} in progress in its MOVES_SEEN, at any step. */
    static boolean knows(EndpointState state, Move move) {
        String seen = state.get(ApplicationState.MOVES_SEEN);
        if (seen == null || seen.isEmpty()) {
            return false;
        }
        List<String> ids = Arrays.asList(seen.split(",", -1));
        return ids.contains(move.id()) || ids.contains(move.id() + "+READS");
    }

    /** Whether {@code node} gossiped that its ring shows {@code move} in progress, at its current step. */
    static boolean acknowledged(TopologyContext context, NodeId node, Move move) {
        if (node.equals(context.id())) {
            return true;
        }
        EndpointState state = context.gossipState(node);
        String seen = state == null ? null : state.get(ApplicationState.MOVES_SEEN);
        if (seen == null || seen.isEmpty()) {
            return false;
        }
        return Arrays.asList(seen.split(",", -1)).contains(move.stepId());
    }
}
