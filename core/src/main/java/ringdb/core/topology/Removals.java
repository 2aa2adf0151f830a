package ringdb.core.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.TreeMap;
import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.gossip.ApplicationState;
import ringdb.core.gossip.EndpointState;
import ringdb.core.membership.MembershipView;
import ringdb.core.membership.Move;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.node.NodeEvent;
import ringdb.core.node.NodeState;

/**
 * The removals of dead nodes this node runs (removenode), in steps like a decommission's, each
 * behind a progress barrier ({@link ProgressBarrier}). Each marks its dead node REMOVING in gossip on
 * its behalf (writes of its ranges go to the survivors and the gainers); after a ring delay, once the
 * replicas of its ranges acknowledged that, the nodes that gain its ranges stream them from the
 * survivors (MOVES_DONE in gossip); then reads move to the new replicas (JOIN_STEP=READS, set on the
 * dead node's behalf too), and once the replicas acknowledged that step it marks the node REMOVED.
 * It answers only once the cluster holds the removal: every live node of the replica sets it changed,
 * and a quorum of each, gossiped a ring without it. Until then the REMOVED mark lives in this node's
 * gossip alone, and a stop of this node would lose it, leaving the others at the last step for good
 * with an operator told the removal had completed. A barrier a partition holds up waits, so a
 * removal finishes once the partition heals.
 * A removal is final: the dead node cannot come back during it (gossip ranks the REMOVING state above
 * any later generation of the node, which learns it was removed and refuses to serve). Running it again
 * on another node resumes a removal whose coordinator died; a removal whose runner stays down is resumed
 * by another node by itself ({@link #resumeOrphans}). Not thread-safe: the node's thread only.
 */
final class Removals {
    private final TopologyContext context;
    private final Gains gains;
    private final TreeMap<NodeId, Removal> running = new TreeMap<>();
    private final TreeMap<NodeId, String> waits = new TreeMap<>();
    /** Per removal another node runs: since when (monotonic) this node has seen its runner down. */
    private final TreeMap<NodeId, Long> runnerDownSinceMicros = new TreeMap<>();
    /** Removals marked REMOVED that answer once the replicas they changed know it. */
    private final TreeMap<NodeId, Removed> removed = new TreeMap<>();

    /**
     * A removal this node runs: who waits for its answer, when it started here, and, for one this node
     * resumed by itself, whose run it took over (null otherwise).
     */
    private record Removal(List<Consumer<ClientResult>> waiters, long startedMicros, String resumedFrom) {
        void answer(ClientResult result) {
            waiters.forEach(waiter -> waiter.accept(result));
        }
    }

    /** A removal whose node this node marked REMOVED: the move as it was, and the replica sets it changed. */
    private record Removed(Removal removal, Move move, List<List<NodeId>> sets, Set<NodeId> gainers) {
    }

    Removals(TopologyContext context, Gains gains) {
        this.context = context;
        this.gains = gains;
    }

    /**
     * Starts removing {@code dead}, or answers Failed at once when refused. When this node already runs
     * that removal (it resumed it by itself, or it is asked again), {@code done} waits for it too.
     */
    void begin(NodeId dead, Consumer<ClientResult> done) {
        Removal already = running.containsKey(dead) ? running.get(dead)
                : removed.containsKey(dead) ? removed.get(dead).removal() : null;
        if (already != null) {
            already.waiters().add(done);
            return;
        }
        start(dead, done, null);
    }

    private boolean start(NodeId dead, Consumer<ClientResult> done, String resumedFrom) {
        String refusal = refusal(dead);
        if (refusal != null) {
            done.accept(new ClientResult.Failed(refusal));
            return false;
        }
        if (context.membershipView().moveOf(dead) == null) {
            context.setRemoteJoinStep(dead, ""); // the step of the dead node's own join is not the removal's
        }
        context.setRemoteStatus(dead, NodeState.REMOVING);
        context.setRemovalRunner(dead, context.id());
        List<Consumer<ClientResult>> waiters = new ArrayList<>();
        waiters.add(done);
        running.put(dead, new Removal(waiters, context.monotonicMicros(), resumedFrom));
        runnerDownSinceMicros.remove(dead);
        context.emit(NodeEvent.Kind.REMOVED, dead, (resumedFrom == null ? "removing " : "resuming the removal of ")
                + dead + (resumedFrom == null ? "" : " (" + resumedFrom + ")")
                + ": re-replicating its ranges from the survivors");
        return true;
    }

    private String refusal(NodeId dead) {
        String prefix = "cannot remove " + dead + ": ";
        if (dead.equals(context.id())) {
            return prefix + "a node cannot remove itself; use decommission";
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
        answerKnownRemovals();
        if (running.isEmpty()) {
            return;
        }
        MembershipView view = context.membershipView();
        for (NodeId dead : new ArrayList<>(running.keySet())) {
            Removal removal = running.get(dead);
            Move move = view.moveOf(dead);
            if (move == null && context.isAlive(dead)) {
                running.remove(dead);
                waits.remove(dead);
                removal.answer(new ClientResult.Failed("removal of " + dead + " abandoned: it came back to life"));
                continue;
            }
            if (move == null && cancelledHere(dead)) {
                continue;
            }
            if (move == null && finishedElsewhere(dead)) {
                continue;
            }
            if (move == null || nowMicros - removal.startedMicros() < context.config().ringDelayMicros()
                    && !gains.anyFinished(view, move)) {
                // a gainer that finished streaming waited a ring delay after it saw the removal: a removal
                // resumed here after its first runner crashed has been in gossip that long already
                continue;
            }
            String wait = stepWait(view, dead, move);
            waits.put(dead, wait);
            if (wait == null) {
                markRemoved(dead, removal, view, move);
            }
        }
    }

    /** What the removal of {@code dead} waits for at its step (null: it may finish), moving reads when due. */
    private String stepWait(MembershipView view, NodeId dead, Move move) {
        List<NodeId> streaming = gains.unfinishedGainers(view, move);
        if (!streaming.isEmpty()) {
            String barrier = ProgressBarrier.waitingFor(context, view, move);
            return "removal of " + dead + " " + (barrier != null ? barrier
                    : "waiting for " + streaming + " to stream its ranges");
        }
        String schemaWait = move.readsMoved() ? null : SchemaAgreement.waitingFor(context, view);
        if (schemaWait != null) {
            return "removal of " + dead + " " + schemaWait; // the gainers of a keyspace depend on its factor
        }
        if (!move.readsMoved()) {
            context.setRemoteJoinStep(dead, ApplicationState.JOIN_STEP_READS);
            return "removal of " + dead + " moving reads to the new replicas";
        }
        String barrier = ProgressBarrier.waitingFor(context, view, move);
        return barrier == null ? null : "removal of " + dead + " " + barrier;
    }

    /**
     * Cancels the removal of {@code dead} (run by this node or another) while no node that gains its
     * ranges finished streaming them and reads have not moved: the dead node is NORMAL (and down) in
     * the ring again, writes stop going to the gainers (what they copied is dropped by a later cleanup),
     * and a removal this node runs answers Failed; a removal another node runs fails there once it sees
     * the cancellation. Returns null when cancelled, else why not. Past that point the removal can only
     * finish (run removenode again). Cassandra with transactional metadata offers the same as
     * {@code nodetool abortremovenode}.
     */
    String cancel(NodeId dead) {
        MembershipView view = context.membershipView();
        Move move = view.moveOf(dead);
        if (move == null || move.kind() != Move.Kind.REMOVE) {
            return "no removal of " + dead + " is in progress";
        }
        if (move.readsMoved() || gains.anyFinished(view, move)) {
            return "the removal of " + dead + " is past streaming: it can no longer be cancelled; run removenode "
                    + dead + " again on any live node to finish it";
        }
        context.setRemoteStatus(dead, NodeState.NORMAL);
        waits.remove(dead);
        Removal removal = running.remove(dead);
        context.emit(NodeEvent.Kind.REMOVED, dead, "removal of " + dead + " cancelled: it is NORMAL again (down)");
        if (removal != null) {
            removal.answer(new ClientResult.Failed("removal of " + dead + " cancelled by the operator"));
        }
        return null;
    }

    /**
     * A removal this node runs that another node running it too (one that resumed it) completed first:
     * it answers Completed (true when so).
     */
    private boolean finishedElsewhere(NodeId dead) {
        EndpointState state = context.gossipState(dead);
        if (state == null || !NodeState.REMOVED.name().equals(state.get(ApplicationState.STATUS))) {
            return false;
        }
        Removal removal = running.remove(dead);
        waits.remove(dead);
        removal.answer(new ClientResult.Completed(dead + " removed from the ring (the removal was completed by "
                + "another node running it)"));
        return true;
    }

    /** A removal this node runs whose move another node cancelled: it answers Failed (true when so). */
    private boolean cancelledHere(NodeId dead) {
        EndpointState state = context.gossipState(dead);
        if (state == null || !NodeState.NORMAL.name().equals(state.get(ApplicationState.STATUS))) {
            return false;
        }
        Removal removal = running.remove(dead);
        waits.remove(dead);
        removal.answer(new ClientResult.Failed("removal of " + dead + " cancelled (NORMAL again in the ring)"));
        return true;
    }

    /** Where the removals this node runs wait, as operators read them (and which it resumed, from whom). */
    List<String> waiting() {
        List<String> out = new ArrayList<>();
        for (Map.Entry<NodeId, Removal> entry : running.entrySet()) {
            String wait = waits.get(entry.getKey());
            String resumed = entry.getValue().resumedFrom();
            if (wait != null) {
                out.add(resumed == null ? wait : wait + " (resumed here: " + resumed + ")");
            } else if (resumed != null) {
                out.add("removal of " + entry.getKey() + " resumed here (" + resumed + ")");
            }
        }
        for (NodeId dead : removed.keySet()) {
            out.add(waits.get(dead));
        }
        return out;
    }

    /**
     * One round: resumes the removals whose runner is gone. A removal names its runner in the removed
     * node's gossip (REMOVAL_RUNNER). A runner that restarted resumes its removal at once; a runner
     * this node has seen down for {@code removalResumeDelayMicros} (or a removal naming none) is
     * replaced by the live NORMAL node with the lowest host id among those whose ring shows the removal
     * (MOVES_SEEN), so exactly one node resumes it once they agree. Should two resume it meanwhile, both
     * drive the same steps in gossip and the removal completes once.
     */
    void resumeOrphans(long nowMicros) {
        MembershipView view = context.membershipView();
        Set<NodeId> pending = new TreeSet<>();
        for (Move move : view.moves()) {
            if (move.kind() != Move.Kind.REMOVE || running.containsKey(move.subject())
                    || removed.containsKey(move.subject())) {
                continue;
            }
            NodeId dead = move.subject();
            pending.add(dead);
            EndpointState state = context.gossipState(dead);
            String named = state == null ? null : state.get(ApplicationState.REMOVAL_RUNNER);
            NodeId runner = named == null || named.isEmpty() ? null : NodeId.of(named);
            if (context.id().equals(runner)) {
                start(dead, result -> { }, "this node ran it before it restarted");
                continue;
            }
            if (runner != null && context.isAlive(runner)) {
                runnerDownSinceMicros.remove(dead);
                continue;
            }
            long downSince = runnerDownSinceMicros.computeIfAbsent(dead, node -> nowMicros);
            long downMicros = nowMicros - downSince;
            if (downMicros >= context.config().removalResumeDelayMicros() && context.state() == NodeState.NORMAL
                    && context.id().equals(designatedResumer(view, move))) {
                start(dead, result -> { }, (runner == null ? "its runner is unknown" : "its runner " + runner
                        + " has been down for " + downMicros / 1_000_000 + " s"));
            }
        }
        runnerDownSinceMicros.keySet().retainAll(pending);
    }

    /** The live NORMAL node with the lowest host id whose ring shows {@code move} (this node included). */
    private NodeId designatedResumer(MembershipView view, Move move) {
        for (NodeId node : new TreeSet<>(view.natural().members())) {
            if (node.equals(context.id())) {
                return node;
            }
            if (node.equals(move.subject()) || !context.isAlive(node)) {
                continue;
            }
            EndpointState state = context.gossipState(node);
            if (state != null && NodeState.NORMAL.name().equals(state.get(ApplicationState.STATUS))
                    && state.get(ApplicationState.SHUTDOWN) == null && ProgressBarrier.knows(state, move)) {
                return node;
            }
        }
        return null;
    }

    /** The last step: marks {@code dead} REMOVED; the removal answers once the replicas it changed know it. */
    private void markRemoved(NodeId dead, Removal removal, MembershipView view, Move move) {
        Set<NodeId> gainers = view.gainers(move, context.replicationFactors());
        List<List<NodeId>> sets = view.affectedReplicaSets(move, context.replicationFactors());
        context.setRemoteStatus(dead, NodeState.REMOVED);
        running.remove(dead);
        removed.put(dead, new Removed(removal, move, sets, gainers));
        waits.put(dead, knownWait(dead));
        context.emit(NodeEvent.Kind.REMOVED, dead, dead + " removed; its ranges were re-replicated to " + gainers);
    }

    private static String knownWait(NodeId dead) {
        return "removal of " + dead + " marked it REMOVED; finishes once the replicas it changed know it";
    }

    /**
     * Answers the removals marked REMOVED whose replica sets know it: every live node of them, and a
     * quorum of each (the removed node left out), gossiped a ring without the removal.
     */
    private void answerKnownRemovals() {
        for (NodeId dead : new ArrayList<>(removed.keySet())) {
            Removed done = removed.get(dead);
            String unaware = ProgressBarrier.waitingFor(context, done.sets(), dead,
                    node -> ProgressBarrier.sawFinish(context, node, done.move()));
            if (unaware != null) {
                waits.put(dead, knownWait(dead) + unaware);
                continue;
            }
            removed.remove(dead);
            waits.remove(dead);
            done.removal().answer(new ClientResult.Completed(dead + " removed from the ring; "
                    + done.gainers().size() + " node(s) received its ranges"));
        }
    }

    /**
     * The node stops: every removal it runs fails (another node may resume it), also one it marked
     * REMOVED that the replicas may not know yet (run again, it finishes, or finds the node removed).
     */
    void stop(String reason) {
        List<Removal> waiting = new ArrayList<>(running.values());
        removed.values().forEach(done -> waiting.add(done.removal()));
        running.clear();
        removed.clear();
        waits.clear();
        runnerDownSinceMicros.clear();
        for (Removal removal : waiting) {
            removal.answer(new ClientResult.Failed("removenode aborted: " + reason
                    + "; run it again on any live node to finish"));
        }
    }
}
