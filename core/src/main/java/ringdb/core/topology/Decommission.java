package ringdb.core.topology;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.gossip.ApplicationState;
import ringdb.core.membership.MembershipView;
import ringdb.core.membership.Move;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.node.NodeEvent;
import ringdb.core.node.NodeState;

/**
 * This node leaving the ring on purpose, in steps like a join's, each behind a progress barrier
 * ({@link ProgressBarrier}), so that any two quorums a coordinator may use for a key intersect:
 *
 * <ol>
 *   <li>LEAVING is announced: writes of its ranges go to the old and the new replicas, reads to the
 *   old ones. After a ring delay, once the replicas of its ranges acknowledged the announcement, the
 *   nodes that gain its ranges stream them ({@link Gains}; MOVES_DONE in gossip).</li>
 *   <li>Once every gainer streamed, reads move to the new replicas (JOIN_STEP=READS); writes still go
 *   to both.</li>
 *   <li>Once the replicas acknowledged that step, it hands the hints it holds for live nodes over
 *   (for at most {@link #HINT_HANDOVER_RING_DELAYS} ring delays), persists and announces LEFT.</li>
 *   <li>It stops only once the cluster knows it left: every live node of the replica sets it
 *   changed, and a quorum of each, gossiped a ring without its move.</li>
 * </ol>
 *
 * <p>Gives up, back to NORMAL, when another leave or removal overlapping its ranges wins before any
 * gainer finished, or when cancelled before every gainer finished streaming. A decommission
 * interrupted by a stop is abandoned (the node restarts NORMAL). Not thread-safe: the node's thread
 * only.
 */
final class Decommission {
    /** How long (in ring delays) a leaving node keeps replaying its hints for live nodes before it leaves. */
    private static final int HINT_HANDOVER_RING_DELAYS = 3;

    private final TopologyContext context;
    private final TopologyRecords records;
    private final Gains gains;
    /** The operator's callback while a decommission runs; null when idle. */
    private Consumer<ClientResult> done;
    private long leavingSinceMicros = -1;
    private long gainsDoneAtMicros = -1;
    private long leftAtMicros = -1;
    /** The move as it was when this node announced LEFT, and the replica sets it changed. */
    private Move leftMove;
    private List<List<NodeId>> leftSets = List.of();
    /** Where the decommission waits now, as operators read it (null: it waits for nothing). */
    private String waiting;

    Decommission(TopologyContext context, TopologyRecords records, Gains gains) {
        this.context = context;
        this.records = records;
        this.gains = gains;
    }

    /** Starts leaving, or answers Failed at once when refused. */
    void begin(Consumer<ClientResult> onDone) {
        String refusal = refusal();
        if (refusal != null) {
            onDone.accept(new ClientResult.Failed(refusal));
            return;
        }
        done = onDone;
        gainsDoneAtMicros = -1;
        waiting = null;
        leavingSinceMicros = context.monotonicMicros();
        context.publishJoinStep(""); // the step of this node's own join, if it joined, is not ours
        context.announceMembership(NodeState.LEAVING, context.tokens(), records.replacing());
        context.emit(NodeEvent.Kind.LEAVING, context.id(), context.id()
                + " leaving: streaming its ranges to their new owners");
    }

    private String refusal() {
        String prefix = "cannot decommission " + context.id() + ": ";
        if (context.state() != NodeState.NORMAL) {
            return prefix + "it is " + context.state() + ", not NORMAL";
        }
        MembershipView view = context.membershipView();
        int remaining = view.natural().members().size() - 1;
        int replicationFactor = context.config().replicationFactor();
        if (remaining < replicationFactor) {
            return prefix + "the ring would keep " + remaining + " node(s), fewer than the replication factor "
                    + replicationFactor;
        }
        Move leave = new Move(Move.Kind.LEAVE, context.id(), null, context.generation(), context.tokens());
        String conflict = view.conflict(leave);
        return conflict == null ? null : prefix + conflict;
    }

    /** One round: aborts, moves reads, leaves or stops once the current step's wait is over. */
    void check(long nowMicros) {
        if (done == null) {
            return;
        }
        if (context.state() == NodeState.LEAVING
                && nowMicros - leavingSinceMicros >= context.config().ringDelayMicros()) {
            checkLeaving(nowMicros);
        } else if (context.state() == NodeState.LEFT
                && nowMicros - leftAtMicros >= 2 * context.config().gossipIntervalMicros()) {
            String unaware = ProgressBarrier.waitingFor(context, leftSets, null,
                    node -> ProgressBarrier.sawFinish(context, node, leftMove));
            if (unaware != null) {
                waiting = "left; stops once the replicas it changed know it" + unaware;
                return;
            }
            waiting = null;
            answer(new ClientResult.Completed(context.id() + " left the ring and stopped"));
            context.stop();
        }
    }

    private void checkLeaving(long nowMicros) {
        MembershipView view = context.membershipView();
        Move move = view.moveOf(context.id());
        if (move == null) {
            return; // our own announcement is not in the view yet
        }
        // joins and replacements back off by themselves; only another leave or removal wins over ours
        String conflict = view.conflict(move,
                other -> other.kind() == Move.Kind.LEAVE || other.kind() == Move.Kind.REMOVE);
        if (conflict != null && !gains.anyFinished(view, move)) {
            abort("decommission of " + context.id() + " aborted: " + conflict + "; try again");
            return;
        }
        List<NodeId> streaming = gains.unfinishedGainers(view, move);
        if (!streaming.isEmpty()) {
            String barrier = ProgressBarrier.waitingFor(context, view, move);
            waiting = barrier != null ? barrier : "waiting for " + streaming + " to stream its ranges";
            return;
        }
        String schemaWait = move.readsMoved() ? null : SchemaAgreement.waitingFor(context, view);
        if (schemaWait != null) {
            waiting = schemaWait; // which nodes gain a keyspace's ranges depends on its replication factor
            return;
        }
        if (!move.readsMoved()) {
            waiting = "moving reads to the new replicas";
            context.publishJoinStep(ApplicationState.JOIN_STEP_READS);
            return;
        }
        String barrier = ProgressBarrier.waitingFor(context, view, move);
        if (barrier != null) {
            waiting = barrier;
            return;
        }
        waiting = "handing over its hints";
        leaveOnceHintsHandedOver(nowMicros, view, move);
    }

    private void abort(String message) {
        context.publishJoinStep("");
        context.announceMembership(NodeState.NORMAL, context.tokens(), records.replacing());
        waiting = null;
        answer(new ClientResult.Failed(message));
    }

    /**
     * Cancels the decommission if no gainer finished streaming yet (the node goes back to NORMAL);
     * returns why it cannot be cancelled, or null when it was.
     */
    String cancel() {
        if (done == null) {
            return "no decommission is running on " + context.id();
        }
        MembershipView view = context.membershipView();
        Move move = view.moveOf(context.id());
        if (context.state() != NodeState.LEAVING || (move != null && gains.anyFinished(view, move))) {
            return "the decommission of " + context.id() + " is past streaming (" + context.state()
                    + "): it can no longer be cancelled";
        }
        abort("decommission of " + context.id() + " cancelled by the operator");
        context.emit(NodeEvent.Kind.LEAVING, context.id(), "decommission of " + context.id()
                + " cancelled: it is NORMAL again");
        return null;
    }

    /** Where the decommission waits, or null when none runs or it waits for nothing. */
    String waiting() {
        return done == null ? null : waiting;
    }

    private void answer(ClientResult result) {
        Consumer<ClientResult> onDone = done;
        done = null;
        onDone.accept(result);
    }

    /**
     * The gainers have the data: hand the hints this node holds for live nodes over (for at most
     * {@link #HINT_HANDOVER_RING_DELAYS} ring delays), then announce LEFT.
     */
    private void leaveOnceHintsHandedOver(long nowMicros, MembershipView view, Move move) {
        Set<NodeId> gainers = view.gainers(move, context.replicationFactors());
        if (gainsDoneAtMicros < 0) {
            gainsDoneAtMicros = nowMicros;
        }
        long liveHints = 0;
        for (NodeId target : context.hintTargets()) {
            if (context.isAlive(target)) {
                liveHints += context.hintsPendingFor(target);
            }
        }
        long handoverMicros = HINT_HANDOVER_RING_DELAYS * context.config().ringDelayMicros();
        if (liveHints > 0 && nowMicros - gainsDoneAtMicros < handoverMicros) {
            context.replayHintsToLiveTargets();
            return;
        }
        long undelivered = context.hintsPending();
        records.persist(NodeState.LEFT, context.tokens(), records.replacing(), null);
        context.announceMembership(NodeState.LEFT, context.tokens(), records.replacing());
        leftAtMicros = nowMicros;
        leftMove = move;
        leftSets = view.affectedReplicaSets(move, context.replicationFactors());
        waiting = "left; stops once the replicas it changed know it";
        context.emit(NodeEvent.Kind.LEFT, context.id(), context.id() + " left the ring; its ranges went to " + gainers
                + (undelivered == 0 ? "" : "; " + undelivered + " hints for unreachable nodes were not delivered"));
    }

    /** The node stops: a decommission under way fails (unless it already left). */
    void stop(String reason) {
        if (done != null) {
            Consumer<ClientResult> onDone = done;
            done = null;
            if (context.state() != NodeState.LEFT) {
                onDone.accept(new ClientResult.Failed("decommission aborted: " + reason));
            }
        }
    }
}
