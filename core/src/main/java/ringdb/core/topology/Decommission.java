package ringdb.core.topology;

import java.util.Set;
import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.membership.MembershipView;
import ringdb.core.membership.Move;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.node.NodeEvent;
import ringdb.core.node.NodeState;

/**
 * This node leaving the ring on purpose. Idle until asked; then LEAVING is announced, and after a
 * ring delay (every node learnt the move) it waits until every node that gains its ranges has
 * streamed them (MOVES_DONE in gossip), hands the hints it holds for live nodes over (for at most
 * {@link #HINT_HANDOVER_RING_DELAYS} ring delays), persists and announces LEFT, and two gossip
 * rounds later (so the peers heard it) answers and stops the node.
 *
 * <p>Gives up, back to NORMAL, when another leave or removal overlapping its ranges wins before any
 * gainer finished. A decommission interrupted by a stop is abandoned (the node restarts NORMAL).
 * Not thread-safe: the node's thread only.
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
        leavingSinceMicros = context.monotonicMicros();
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

    /** One round: aborts, leaves or stops once the current step's wait is over. */
    void check(long nowMicros) {
        if (done == null) {
            return;
        }
        if (context.state() == NodeState.LEAVING
                && nowMicros - leavingSinceMicros >= context.config().ringDelayMicros()) {
            MembershipView view = context.membershipView();
            Move move = view.moveOf(context.id());
            // joins and replacements back off by themselves; only another leave or removal wins over ours
            String conflict = move == null ? null : view.conflict(move,
                    other -> other.kind() == Move.Kind.LEAVE || other.kind() == Move.Kind.REMOVE);
            if (conflict != null && !gains.anyFinished(view, move)) {
                context.announceMembership(NodeState.NORMAL, context.tokens(), records.replacing());
                answer(new ClientResult.Failed("decommission of " + context.id() + " aborted: " + conflict
                        + "; try again"));
                return;
            }
            if (move != null && gains.unfinishedGainers(view, move).isEmpty()) {
                leaveOnceHintsHandedOver(nowMicros, view.gainers(move));
            }
        } else if (context.state() == NodeState.LEFT
                && nowMicros - leftAtMicros >= 2 * context.config().gossipIntervalMicros()) {
            answer(new ClientResult.Completed(context.id() + " left the ring and stopped"));
            context.stop();
        }
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
    private void leaveOnceHintsHandedOver(long nowMicros, Set<NodeId> gainers) {
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
