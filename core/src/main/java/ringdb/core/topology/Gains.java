package ringdb.core.topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.gossip.ApplicationState;
import ringdb.core.gossip.EndpointState;
import ringdb.core.membership.MembershipView;
import ringdb.core.membership.Move;
import ringdb.core.node.NodeEvent;
import ringdb.core.node.NodeState;
import ringdb.core.streaming.StreamProgress;
import ringdb.core.streaming.StreamSession;

/**
 * The ranges this node gains when another node leaves or is removed: once such a move has been
 * in gossip for a ring delay and its progress barrier is met (the replicas of the ranges it changes
 * acknowledged it, see {@link ProgressBarrier}), this node streams what it gains from the move's sources and then
 * says so through gossip (MOVES_DONE, the ids of the moves it finished). A failed stream is
 * retried a ring delay later; a move that leaves gossip aborts its stream.
 *
 * <p>Also answers, for the node leaving or the node running a removal, which gainers of a move
 * have finished: this node from its own list, the others from what they gossip. Not thread-safe:
 * the node's thread only.
 */
final class Gains {
    private final TopologyContext context;
    private final Streaming streaming;
    private final TreeMap<String, StreamSession> sessions = new TreeMap<>();
    private final Map<String, Long> movesFirstSeenMicros = new HashMap<>();
    private final TreeSet<String> movesDone = new TreeSet<>();
    /** Moves whose stream failed here: they are retried a ring delay after the failure. */
    private final TreeSet<String> movesFailed = new TreeSet<>();

    Gains(TopologyContext context, Streaming streaming) {
        this.context = context;
        this.streaming = streaming;
    }

    /** One round: starts the streams now due, aborts those of moves no longer in progress. */
    void update(long nowMicros) {
        if (context.state() != NodeState.NORMAL) {
            return;
        }
        MembershipView view = context.membershipView();
        Set<String> active = new TreeSet<>();
        for (Move move : view.moves()) {
            active.add(move.id());
            boolean gainKind = move.kind() == Move.Kind.LEAVE || move.kind() == Move.Kind.REMOVE;
            if (!gainKind || move.subject().equals(context.id()) || movesDone.contains(move.id())
                    || sessions.containsKey(move.id())) {
                continue;
            }
            List<MembershipView.Gain> gains = view.gains(move, context.id(), context.replicationFactors());
            if (gains.isEmpty()) {
                continue;
            }
            long firstSeen = movesFirstSeenMicros.computeIfAbsent(move.id(), id -> nowMicros);
            // stream only once every coordinator that could still complete a write of these ranges
            // without us knows the move: a write made after the copy would be missed otherwise. The
            // move has been in gossip a ring delay once this node saw it that long ago, or once another
            // gainer finished its stream (it waited a ring delay after it saw the move): this node may
            // have seen it only now because it just restarted
            boolean ringDelayPassed = nowMicros - firstSeen >= context.config().ringDelayMicros()
                    || !movesFailed.contains(move.id()) && anyFinished(view, move);
            if (ringDelayPassed && ProgressBarrier.waitingFor(context, view, move) == null
                    && SchemaAgreement.waitingFor(context, view) == null) {
                startSession(move, gains);
            }
        }
        for (String id : new ArrayList<>(sessions.keySet())) {
            if (!active.contains(id)) {
                sessions.remove(id).abort();
            }
        }
        movesFirstSeenMicros.keySet().retainAll(active);
        movesFailed.retainAll(active);
        if (movesDone.retainAll(active)) {
            publishMovesDone();
        }
    }

    private void startSession(Move move, List<MembershipView.Gain> gains) {
        String id = move.id();
        String name = "ranges for " + context.id() + " from " + move.describe();
        StreamSession session = streaming.open(name, id, gains, Set.of(), onStreamed(id, name));
        sessions.put(id, session);
        session.start();
    }

    private Consumer<String> onStreamed(String id, String name) {
        return error -> {
            StreamSession finished = sessions.remove(id);
            if (finished != null) {
                streaming.remember(finished);
            }
            if (error != null) {
                context.emit(NodeEvent.Kind.ERROR, context.id(), name + " failed, retrying: " + error);
                movesFirstSeenMicros.put(id, context.monotonicMicros());
                movesFailed.add(id);
            } else {
                movesDone.add(id);
                publishMovesDone();
            }
        };
    }

    private void publishMovesDone() {
        context.publishMovesDone(String.join(",", movesDone));
    }

    /** Aborts every stream (the node stops). */
    void stop() {
        sessions.values().forEach(StreamSession::abort);
        sessions.clear();
    }

    /** The progress of the streams running now, in move id order. */
    List<StreamProgress> running() {
        List<StreamProgress> out = new ArrayList<>();
        sessions.values().forEach(session -> out.add(session.progress()));
        return out;
    }

    /** Whether any gainer already finished streaming for {@code move} (then it goes on, conflict or not). */
    boolean anyFinished(MembershipView view, Move move) {
        for (NodeId gainer : view.gainers(move, context.replicationFactors())) {
            if (hasFinished(gainer, move.id())) {
                return true;
            }
        }
        return false;
    }

    /** The gainers of {@code move} that have not finished streaming for it yet. */
    List<NodeId> unfinishedGainers(MembershipView view, Move move) {
        List<NodeId> missing = new ArrayList<>();
        for (NodeId gainer : view.gainers(move, context.replicationFactors())) {
            if (!hasFinished(gainer, move.id())) {
                missing.add(gainer);
            }
        }
        return missing;
    }

    private boolean hasFinished(NodeId gainer, String moveId) {
        if (gainer.equals(context.id())) {
            return movesDone.contains(moveId);
        }
        EndpointState state = context.gossipState(gainer);
        String done = state == null ? null : state.get(ApplicationState.MOVES_DONE);
        return done != null && Arrays.asList(done.split(",")).contains(moveId);
    }
}
