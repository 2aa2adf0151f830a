package ringdb.core.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.gossip.EndpointState;
import ringdb.core.membership.MembershipView;
import ringdb.core.membership.Move;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.node.NodeEvent;
import ringdb.core.node.NodeState;

/**
 * The removals of dead nodes this node runs (removenode). Each marks its dead node REMOVING in
 * gossip on its behalf; after a ring delay, once every node that gains the dead node's ranges
 * streamed them from the survivors (MOVES_DONE in gossip), it marks it REMOVED and answers.
 * Abandoned when the dead node comes back to life. Running it again on another node resumes a
 * removal whose coordinator died. Not thread-safe: the node's thread only.
 */
final class Removals {
    private final TopologyContext context;
    private final Gains gains;
    private final TreeMap<NodeId, Removal> running = new TreeMap<>();

    private record Removal(Consumer<ClientResult> done, long startedMicros) {
    }

    Removals(TopologyContext context, Gains gains) {
        this.context = context;
        this.gains = gains;
    }

    /** Starts removing {@code dead}, or answers Failed at once when refused. */
    void begin(NodeId dead, Consumer<ClientResult> done) {
        String refusal = refusal(dead);
        if (refusal != null) {
            done.accept(new ClientResult.Failed(refusal));
            return;
        }
        context.setRemoteStatus(dead, NodeState.REMOVING);
        running.put(dead, new Removal(done, context.monotonicMicros()));
        context.emit(NodeEvent.Kind.REMOVED, dead, "removing " + dead
                + ": re-replicating its ranges from the survivors");
    }

    private String refusal(NodeId dead) {
        String prefix = "cannot remove " + dead + ": ";
        if (dead.equals(context.id())) {
            return prefix + "a node cannot remove itself; use decommission";
        }
        if (running.containsKey(dead)) {
            return prefix + "its removal is already running on this node";
        }
        MembershipView view = context.membershipView();
        if (!view.natural().members().contains(dead)) {
            return prefix + "it is not a member of the ring";
        }
        if (context.isAlive(dead)) {
            return prefix + "it is alive; decommission it instead";
        }
        EndpointState deadState = context.gossipState(dead);
        if (deadState == null) {
            return prefix + "this node has not heard of it through gossip since it started; try again shortly";
        }
        Move existing = view.moveOf(dead);
        if (existing != null && existing.kind() == Move.Kind.REMOVE) {
            return null; // resume a removal another node started
        }
        int remaining = view.natural().members().size() - 1;
        int replicationFactor = context.config().replicationFactor();
        if (remaining < replicationFactor) {
            return prefix + "the ring would keep " + remaining + " node(s), fewer than the replication factor "
                    + replicationFactor;
        }
        Move removal = new Move(Move.Kind.REMOVE, dead, null, deadState.generation(), view.natural().tokensOf(dead));
        String conflict = view.conflict(removal);
        return conflict == null ? null : prefix + conflict;
    }

    /** One round: completes the removals whose gainers all finished, abandons those whose node came back. */
    void check(long nowMicros) {
        if (running.isEmpty()) {
            return;
        }
        MembershipView view = context.membershipView();
        for (NodeId dead : new ArrayList<>(running.keySet())) {
            Removal removal = running.get(dead);
            Move move = view.moveOf(dead);
            if (move == null && context.isAlive(dead)) {
                running.remove(dead);
                removal.done().accept(new ClientResult.Failed("removal of " + dead
                        + " abandoned: it came back to life"));
                continue;
            }
            if (move == null || nowMicros - removal.startedMicros() < context.config().ringDelayMicros()) {
                continue;
            }
            if (gains.unfinishedGainers(view, move).isEmpty()) {
                complete(dead, removal, view.gainers(move));
            }
        }
    }

    private void complete(NodeId dead, Removal removal, Set<NodeId> gainers) {
        context.setRemoteStatus(dead, NodeState.REMOVED);
        running.remove(dead);
        context.emit(NodeEvent.Kind.REMOVED, dead, dead + " removed; its ranges were re-replicated to " + gainers);
        removal.done().accept(new ClientResult.Completed(dead + " removed from the ring; " + gainers.size()
                + " node(s) received its ranges"));
    }

    /** The node stops: every removal it runs fails (another node may resume it). */
    void stop(String reason) {
        List<Removal> waiting = new ArrayList<>(running.values());
        running.clear();
        for (Removal removal : waiting) {
            removal.done().accept(new ClientResult.Failed("removenode aborted: " + reason
                    + "; run it again on any live node to finish"));
        }
    }
}
