package ringdb.core.node;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.data.Cell;
import ringdb.core.gossip.ApplicationState;
import ringdb.core.gossip.EndpointState;
import ringdb.core.membership.MembershipView;
import ringdb.core.membership.Move;
import ringdb.core.membership.TokenAllocator;
import ringdb.core.streaming.StreamProgress;
import ringdb.core.streaming.StreamSession;
import ringdb.core.system.SystemStore;

/**
 * Membership changes of one node: bootstrap (join), replace, decommission, removenode, and the
 * streams a node runs when it gains ranges from another node's move. Every change is announced
 * through gossip (STATUS, TOKENS, REPLACING; a removed node's STATUS is set by the node removing
 * it) and acknowledged through gossip (MOVES_DONE on the nodes that finished streaming), so the
 * same code runs in the simulator and the real runtime without extra messages.
 *
 * <p>Durable state lives in the node's hints store under "G" keys: the membership status and
 * tokens (so a restarted node keeps balanced or replaced tokens and resumes a bootstrap) and the
 * ranges a bootstrap already streamed. Not thread-safe: the node's thread only.
 */
final class Membership {
    private static final int FINISHED_STREAMS_KEPT = 8;
    /** How long (in ring delays) a leaving node keeps replaying its hints for live nodes before it leaves. */
    private static final int HINT_HANDOVER_RING_DELAYS = 3;

    /** What a node starts as, from its durable state and its configuration. */
    record Startup(NodeState state, long[] tokens, NodeId replacing) {
    }

    private enum JoinPhase { NONE, WAITING_FOR_RING, PERSISTING, ANNOUNCED, STREAMING }

    private final Node node;
    private long lastStampMicros = Long.MIN_VALUE;
    private JoinPhase joinPhase = JoinPhase.NONE;
    private long[] persistedTokens;
    private NodeId replacing;
    private String resumeKey = "";
    private Set<String> resumeCompleted = Set.of();
    private long phaseSinceMicros = -1;
    private StreamSession bootstrap;
    private final TreeMap<String, StreamSession> gainSessions = new TreeMap<>();
    private final Map<String, Long> movesFirstSeenMicros = new HashMap<>();
    private final TreeSet<String> movesDone = new TreeSet<>();
    private final List<StreamProgress> finishedStreams = new ArrayList<>();
    private Consumer<ClientResult> decommissionDone;
    private long leftAtMicros = -1;
    private long gainsDoneAtMicros = -1;
    private final TreeMap<NodeId, Removal> removals = new TreeMap<>();
    private Timers.Cancellable tickTimer;
    private String lastRefusal = "";

    private record Removal(Consumer<ClientResult> done, long startedMicros) {
    }

    Membership(Node node) {
        this.node = node;
    }

    // ---- start-up ----

    /** Reads the durable membership state and decides how this node starts. */
    Startup load() {
        Cell saved = node.system().membershipCell();
        Cell stream = node.system().streamCell();
        lastStampMicros = Math.max(saved == null ? Long.MIN_VALUE : saved.timestampMicros(),
                stream == null ? Long.MIN_VALUE : stream.timestampMicros());
        if (stream != null && !stream.isTombstone()) {
            SystemStore.StreamRecord record = SystemStore.decodeStream(stream);
            resumeKey = record.moveKey();
            resumeCompleted = record.completedRanges();
        }
        NodeConfig config = node.config();
        if (saved != null && !saved.isTombstone()) {
            SystemStore.MembershipRecord record = SystemStore.decodeMembership(saved);
            NodeState status = NodeState.fromGossip(record.status());
            long[] tokens = record.tokens();
            replacing = record.replacing();
            if (status == NodeState.NORMAL || status == NodeState.LEFT) {
                return new Startup(status, tokens, replacing);
            }
            if (tokens.length == 0) {
                joinPhase = JoinPhase.WAITING_FOR_RING;
                return new Startup(NodeState.STARTING, new long[0], null);
            }
            // a bootstrap interrupted by a restart: stay a pending replica from the first moment, so
            // that no write to the ranges it already streamed bypasses it, then resume the stream
            persistedTokens = tokens;
            joinPhase = JoinPhase.ANNOUNCED;
            return new Startup(NodeState.JOINING, tokens, replacing);
        }
        if (config.autoBootstrap() || config.replaceNode() != null) {
            replacing = config.replaceNode();
            joinPhase = JoinPhase.WAITING_FOR_RING;
            return new Startup(NodeState.STARTING, new long[0], null);
        }
        long[] tokens = TokenAllocator.allocate(config.tokenAllocation(), node.id(), config.numTokens(), Map.of());
        persist(NodeState.NORMAL, tokens, null, null);
        return new Startup(NodeState.NORMAL, tokens, null);
    }

    /** Starts the periodic membership work (after gossip started). */
    void start() {
        phaseSinceMicros = node.clock().nowMicros();
        if (joinPhase == JoinPhase.ANNOUNCED) {
            node.emit(NodeEvent.Kind.JOINING, node.id(), node.id() + " resumes joining with " + persistedTokens.length
                    + " tokens");
        } else if (joinPhase == JoinPhase.WAITING_FOR_RING) {
            node.emit(NodeEvent.Kind.JOINING, node.id(), replacing == null
                    ? "waiting " + node.config().ringDelayMicros() / 1000 + " ms for the ring before bootstrap"
                    : "waiting for the ring before replacing " + replacing);
        }
        schedule();
    }

    private void schedule() {
        tickTimer = node.timers().schedule(node.config().gossipIntervalMicros(), this::tick);
    }

    void stop() {
        if (tickTimer != null) {
            tickTimer.cancel();
        }
        if (bootstrap != null) {
            bootstrap.abort();
            bootstrap = null;
        }
        gainSessions.values().forEach(StreamSession::abort);
        gainSessions.clear();
        String reason = "node " + node.id() + " stopped";
        if (decommissionDone != null) {
            Consumer<ClientResult> done = decommissionDone;
            decommissionDone = null;
            if (node.state() != NodeState.LEFT) {
                done.accept(new ClientResult.Failed("decommission aborted: " + reason));
            }
        }
        List<Removal> waiting = new ArrayList<>(removals.values());
        removals.clear();
        for (Removal removal : waiting) {
            removal.done().accept(new ClientResult.Failed("removenode aborted: " + reason
                    + "; run it again on any live node to finish"));
        }
    }

    private void tick() {
        if (!node.isRunning()) {
            return;
        }
        long now = node.clock().nowMicros();
        advanceJoin(now);
        updateGains(now);
        checkDecommission(now);
        checkRemovals(now);
        discardHintsForFormerMembers();
        if (node.isRunning()) {
            schedule();
        }
    }

    /** Hints for nodes that left, were removed or were replaced can never be delivered: drop them. */
    private void discardHintsForFormerMembers() {
        for (NodeId target : node.hints().targets()) {
            EndpointState state = node.gossiper().state(target);
            String status = state == null ? null : state.get(ApplicationState.STATUS);
            boolean gone = NodeState.LEFT.name().equals(status) || NodeState.REMOVED.name().equals(status)
                    || replacedByAMember(target);
            if (gone) {
                int discarded = node.hints().discard(target);
                if (discarded > 0) {
                    node.emit(NodeEvent.Kind.HINTS_DELIVERED, target, discarded + " hints for " + target
                            + " discarded: it is no longer a member of the ring");
                }
            }
        }
    }

    private boolean replacedByAMember(NodeId target) {
        return node.membershipView().replaced().contains(target);
    }

    // ---- join (bootstrap and replace) ----

    private void advanceJoin(long now) {
        long ringDelay = node.config().ringDelayMicros();
        if (joinPhase == JoinPhase.WAITING_FOR_RING) {
            boolean hasSeeds = node.config().seeds().stream().anyMatch(seed -> !seed.equals(node.id()));
            if (hasSeeds && node.gossiper().livePeers().isEmpty()) {
                phaseSinceMicros = now;
            } else if (now - phaseSinceMicros >= ringDelay) {
                chooseTokensAndAnnounce(now);
            }
        } else if (joinPhase == JoinPhase.ANNOUNCED && now - phaseSinceMicros >= ringDelay) {
            MembershipView view = node.membershipView();
            Move mine = view.moveOf(node.id());
            String conflict = mine == null ? null : view.conflict(mine, other -> yieldsTo(mine, other));
            if (conflict != null) {
                backOff(now, conflict);
            } else {
                startBootstrapStream();
            }
        }
    }

    /**
     * Whether our join or replacement must give way to {@code other}, which overlaps it: leaves and
     * removals always go first; of two joins or replacements, the one announced by the lower
     * (generation, node id) goes first. Both nodes decide alike from the same gossip, so exactly one
     * of them withdraws: if each withdrew on seeing the other, both would retry, could collide again,
     * and a join could be put off for many ring delays.
     */
    private static boolean yieldsTo(Move mine, Move other) {
        if (other.kind() == Move.Kind.LEAVE || other.kind() == Move.Kind.REMOVE) {
            return true;
        }
        if (other.generation() != mine.generation()) {
            return other.generation() < mine.generation();
        }
        return other.subject().compareTo(mine.subject()) < 0;
    }

    /**
     * Two nodes announced overlapping moves at about the same time: withdraw ours and try again
     * after a random extra wait, so that one of them goes first.
     */
    private void backOff(long now, String conflict) {
        node.announceMembership(NodeState.STARTING, persistedTokens, replacing);
        joinPhase = JoinPhase.WAITING_FOR_RING;
        // writes may bypass us while we are withdrawn: whatever a previous run streamed is stale
        resumeKey = "";
        resumeCompleted = Set.of();
        node.system().clearStream(nextStampMicros(), error -> { });
        phaseSinceMicros = now + (long) (node.random().nextDouble() * node.config().ringDelayMicros());
        String message = (replacing == null ? "bootstrap" : "replace") + " of " + node.id() + " withdrawn: "
                + conflict + "; retrying";
        lastRefusal = message;
        node.emit(NodeEvent.Kind.ERROR, node.id(), message);
    }

    private void chooseTokensAndAnnounce(long now) {
        MembershipView view = node.membershipView();
        long[] tokens;
        if (persistedTokens != null) {
            tokens = persistedTokens;
        } else if (replacing != null) {
            String refusal = replaceRefusal(view);
            if (refusal != null) {
                refuseJoin(now, refusal);
                return;
            }
            tokens = view.natural().tokensOf(replacing);
        } else {
            tokens = TokenAllocator.allocate(node.config().tokenAllocation(), node.id(), node.config().numTokens(),
                    view.natural().tokensByNode());
        }
        Move candidate = new Move(replacing == null ? Move.Kind.JOIN : Move.Kind.REPLACE, node.id(), replacing,
                node.generation(), tokens);
        String conflict = view.conflict(candidate);
        if (conflict != null) {
            refuseJoin(now, conflict);
            return;
        }
        joinPhase = JoinPhase.PERSISTING;
        long[] chosen = tokens;
        persist(NodeState.JOINING, chosen, replacing, error -> {
            if (!node.isRunning() || joinPhase != JoinPhase.PERSISTING) {
                return;
            }
            if (error != null) {
                joinPhase = JoinPhase.WAITING_FOR_RING;
                node.emit(NodeEvent.Kind.ERROR, node.id(), "bootstrap state not durable, retrying: " + error);
                return;
            }
            persistedTokens = chosen;
            node.announceMembership(NodeState.JOINING, chosen, replacing);
            joinPhase = JoinPhase.ANNOUNCED;
            phaseSinceMicros = node.clock().nowMicros();
            node.emit(NodeEvent.Kind.JOINING, node.id(), node.id() + " joining with " + chosen.length + " tokens"
                    + (replacing == null ? "" : ", replacing " + replacing));
        });
    }

    private String replaceRefusal(MembershipView view) {
        EndpointState dead = node.gossiper().state(replacing);
        if (dead == null) {
            return "cannot replace " + replacing + ": gossip knows no node of that id yet";
        }
        if (node.gossiper().isAlive(replacing)) {
            return "cannot replace " + replacing + ": it is alive; decommission it instead";
        }
        if (!view.natural().members().contains(replacing)) {
            return "cannot replace " + replacing + ": it is not a member of the ring";
        }
        return null;
    }

    private void refuseJoin(long now, String reason) {
        // this node has listened to the ring already: check again next round rather than a ring
        // delay later, so that a join waiting behind another change starts as soon as it ended
        phaseSinceMicros = now - node.config().ringDelayMicros() + node.config().gossipIntervalMicros();
        String message = (replacing == null ? "bootstrap" : "replace") + " of " + node.id() + " refused: " + reason
                + "; retrying";
        if (!message.equals(lastRefusal)) {
            lastRefusal = message;
            node.emit(NodeEvent.Kind.ERROR, node.id(), message);
        }
    }

    private void startBootstrapStream() {
        MembershipView view = node.membershipView();
        Move move = view.moveOf(node.id());
        if (move == null) {
            return; // our own announcement is not in the view yet
        }
        joinPhase = JoinPhase.STREAMING;
        String key = move.kind() + ":" + node.id();
        Set<String> completed = key.equals(resumeKey) ? resumeCompleted : Set.of();
        String name = replacing == null ? "bootstrap of " + node.id() : "replacement of " + replacing + " by "
                + node.id();
        bootstrap = new StreamSession(node.streamHost(), name, key, view.gains(move, node.id()),
                sourcesPerRange(), completed, streamSettings(), error -> onBootstrapStreamed(error));
        bootstrap.start();
    }

    private void onBootstrapStreamed(String error) {
        StreamSession session = bootstrap;
        bootstrap = null;
        remember(session);
        if (!node.isRunning()) {
            return;
        }
        if (error != null) {
            node.emit(NodeEvent.Kind.ERROR, node.id(), session.name() + " failed, retrying: " + error);
            joinPhase = JoinPhase.ANNOUNCED;
            phaseSinceMicros = node.clock().nowMicros();
            return;
        }
        persist(NodeState.NORMAL, persistedTokens, replacing, durable -> {
            if (!node.isRunning()) {
                return;
            }
            node.announceMembership(NodeState.NORMAL, persistedTokens, replacing);
            joinPhase = JoinPhase.NONE;
            node.markRecovered();
            StreamProgress progress = session.progress();
            node.emit(NodeEvent.Kind.JOINED, node.id(), node.id() + " joined: " + progress.rangesDone()
                    + " ranges streamed, " + progress.entriesReceived() + " entries, " + progress.bytesReceived()
                    + " bytes");
        });
        node.system().clearStream(nextStampMicros(), error2 -> { });
    }

    // ---- gains from other nodes' moves (leave, remove) ----

    private void updateGains(long now) {
        if (node.state() != NodeState.NORMAL) {
            return;
        }
        MembershipView view = node.membershipView();
        Set<String> active = new TreeSet<>();
        for (Move move : view.moves()) {
            active.add(move.id());
            boolean gainKind = move.kind() == Move.Kind.LEAVE || move.kind() == Move.Kind.REMOVE;
            if (!gainKind || move.subject().equals(node.id()) || movesDone.contains(move.id())
                    || gainSessions.containsKey(move.id())) {
                continue;
            }
            List<MembershipView.Gain> gains = view.gains(move, node.id());
            if (gains.isEmpty()) {
                continue;
            }
            long firstSeen = movesFirstSeenMicros.computeIfAbsent(move.id(), id -> now);
            if (now - firstSeen >= node.config().ringDelayMicros()) {
                startGainSession(move, gains);
            }
        }
        for (String id : new ArrayList<>(gainSessions.keySet())) {
            if (!active.contains(id)) {
                gainSessions.remove(id).abort();
            }
        }
        movesFirstSeenMicros.keySet().retainAll(active);
        if (movesDone.retainAll(active)) {
            publishMovesDone();
        }
    }

    private void startGainSession(Move move, List<MembershipView.Gain> gains) {
        String id = move.id();
        String name = "ranges for " + node.id() + " from " + move.describe();
        StreamSession session = new StreamSession(node.streamHost(), name, id, gains, sourcesPerRange(), Set.of(),
                streamSettings(), error -> {
                    StreamSession finished = gainSessions.remove(id);
                    if (finished != null) {
                        remember(finished);
                    }
                    if (error != null) {
                        node.emit(NodeEvent.Kind.ERROR, node.id(), name + " failed, retrying: " + error);
                        movesFirstSeenMicros.put(id, node.clock().nowMicros());
                    } else {
                        movesDone.add(id);
                        publishMovesDone();
                    }
                });
        gainSessions.put(id, session);
        session.start();
    }

    private void publishMovesDone() {
        node.gossiper().setLocal(ApplicationState.MOVES_DONE, String.join(",", movesDone));
    }

    private boolean hasFinished(NodeId gainer, String moveId) {
        if (gainer.equals(node.id())) {
            return movesDone.contains(moveId);
        }
        EndpointState state = node.gossiper().state(gainer);
        String done = state == null ? null : state.get(ApplicationState.MOVES_DONE);
        return done != null && Arrays.asList(done.split(",")).contains(moveId);
    }

    /** Whether any gainer already finished streaming for {@code move} (then it goes on, conflict or not). */
    private boolean gainsStarted(MembershipView view, Move move) {
        for (NodeId gainer : view.gainers(move)) {
            if (hasFinished(gainer, move.id())) {
                return true;
            }
        }
        return false;
    }

    private List<NodeId> unfinishedGainers(MembershipView view, Move move) {
        List<NodeId> missing = new ArrayList<>();
        for (NodeId gainer : view.gainers(move)) {
            if (!hasFinished(gainer, move.id())) {
                missing.add(gainer);
            }
        }
        return missing;
    }

    // ---- decommission ----

    void decommission(Consumer<ClientResult> done) {
        String refusal = decommissionRefusal();
        if (refusal != null) {
            done.accept(new ClientResult.Failed(refusal));
            return;
        }
        decommissionDone = done;
        gainsDoneAtMicros = -1;
        phaseSinceMicros = node.clock().nowMicros();
        node.announceMembership(NodeState.LEAVING, node.tokens(), replacing);
        node.emit(NodeEvent.Kind.LEAVING, node.id(), node.id() + " leaving: streaming its ranges to their new owners");
    }

    private String decommissionRefusal() {
        String prefix = "cannot decommission " + node.id() + ": ";
        if (node.state() != NodeState.NORMAL) {
            return prefix + "it is " + node.state() + ", not NORMAL";
        }
        MembershipView view = node.membershipView();
        int remaining = view.natural().members().size() - 1;
        if (remaining < node.config().replicationFactor()) {
            return prefix + "the ring would keep " + remaining + " node(s), fewer than the replication factor "
                    + node.config().replicationFactor();
        }
        String conflict = view.conflict(new Move(Move.Kind.LEAVE, node.id(), null, node.generation(), node.tokens()));
        return conflict == null ? null : prefix + conflict;
    }

    private void checkDecommission(long now) {
        if (decommissionDone == null) {
            return;
        }
        if (node.state() == NodeState.LEAVING && now - phaseSinceMicros >= node.config().ringDelayMicros()) {
            MembershipView view = node.membershipView();
            Move move = view.moveOf(node.id());
            // joins and replacements back off by themselves; only another leave or removal wins over ours
            String conflict = move == null ? null : view.conflict(move,
                    other -> other.kind() == Move.Kind.LEAVE || other.kind() == Move.Kind.REMOVE);
            if (conflict != null && !gainsStarted(view, move)) {
                node.announceMembership(NodeState.NORMAL, node.tokens(), replacing);
                Consumer<ClientResult> done = decommissionDone;
                decommissionDone = null;
                done.accept(new ClientResult.Failed("decommission of " + node.id() + " aborted: " + conflict
                        + "; try again"));
                return;
            }
            if (move != null && unfinishedGainers(view, move).isEmpty()) {
                leaveOnceHintsHandedOver(now, view.gainers(move));
            }
        } else if (node.state() == NodeState.LEFT && now - leftAtMicros >= 2 * node.config().gossipIntervalMicros()) {
            Consumer<ClientResult> done = decommissionDone;
            decommissionDone = null;
            done.accept(new ClientResult.Completed(node.id() + " left the ring and stopped"));
            node.stop();
        }
    }

    /**
     * The gainers have the data: hand the hints this node holds for live nodes over (for at most
     * {@link #HINT_HANDOVER_RING_DELAYS} ring delays), then announce LEFT.
     */
    private void leaveOnceHintsHandedOver(long now, Set<NodeId> gainers) {
        if (gainsDoneAtMicros < 0) {
            gainsDoneAtMicros = now;
        }
        long liveHints = 0;
        for (NodeId target : node.hints().targets()) {
            if (node.gossiper().isAlive(target)) {
                liveHints += node.hints().pendingFor(target);
            }
        }
        if (liveHints > 0 && now - gainsDoneAtMicros < HINT_HANDOVER_RING_DELAYS * node.config().ringDelayMicros()) {
            node.hints().replayToLiveTargets();
            return;
        }
        long undelivered = node.hints().pendingCount();
        persist(NodeState.LEFT, node.tokens(), replacing, null);
        node.announceMembership(NodeState.LEFT, node.tokens(), replacing);
        leftAtMicros = now;
        node.emit(NodeEvent.Kind.LEFT, node.id(), node.id() + " left the ring; its ranges went to " + gainers
                + (undelivered == 0 ? "" : "; " + undelivered + " hints for unreachable nodes were not delivered"));
    }

    // ---- removenode ----

    void removeNode(NodeId dead, Consumer<ClientResult> done) {
        String refusal = removeRefusal(dead);
        if (refusal != null) {
            done.accept(new ClientResult.Failed(refusal));
            return;
        }
        node.gossiper().setRemote(dead, ApplicationState.STATUS, NodeState.REMOVING.name());
        removals.put(dead, new Removal(done, node.clock().nowMicros()));
        node.emit(NodeEvent.Kind.REMOVED, dead, "removing " + dead + ": re-replicating its ranges from the survivors");
    }

    private String removeRefusal(NodeId dead) {
        String prefix = "cannot remove " + dead + ": ";
        if (dead.equals(node.id())) {
            return prefix + "a node cannot remove itself; use decommission";
        }
        if (removals.containsKey(dead)) {
            return prefix + "its removal is already running on this node";
        }
        MembershipView view = node.membershipView();
        if (!view.natural().members().contains(dead)) {
            return prefix + "it is not a member of the ring";
        }
        if (node.gossiper().isAlive(dead)) {
            return prefix + "it is alive; decommission it instead";
        }
        EndpointState deadState = node.gossiper().state(dead);
        if (deadState == null) {
            return prefix + "this node has not heard of it through gossip since it started; try again shortly";
        }
        Move existing = view.moveOf(dead);
        if (existing != null && existing.kind() == Move.Kind.REMOVE) {
            return null; // resume a removal another node started
        }
        int remaining = view.natural().members().size() - 1;
        if (remaining < node.config().replicationFactor()) {
            return prefix + "the ring would keep " + remaining + " node(s), fewer than the replication factor "
                    + node.config().replicationFactor();
        }
        long generation = deadState.generation();
        String conflict = view.conflict(new Move(Move.Kind.REMOVE, dead, null, generation, view.natural().tokensOf(dead)));
        return conflict == null ? null : prefix + conflict;
    }

    private void checkRemovals(long now) {
        if (removals.isEmpty()) {
            return;
        }
        MembershipView view = node.membershipView();
        for (NodeId dead : new ArrayList<>(removals.keySet())) {
            Removal removal = removals.get(dead);
            Move move = view.moveOf(dead);
            if (move == null && node.gossiper().isAlive(dead)) {
                removals.remove(dead);
                removal.done().accept(new ClientResult.Failed("removal of " + dead + " abandoned: it came back to life"));
                continue;
            }
            if (move == null || now - removal.startedMicros() < node.config().ringDelayMicros()) {
                continue;
            }
            if (unfinishedGainers(view, move).isEmpty()) {
                Set<NodeId> gainers = view.gainers(move);
                node.gossiper().setRemote(dead, ApplicationState.STATUS, NodeState.REMOVED.name());
                removals.remove(dead);
                node.emit(NodeEvent.Kind.REMOVED, dead, dead + " removed; its ranges were re-replicated to " + gainers);
                removal.done().accept(new ClientResult.Completed(dead + " removed from the ring; " + gainers.size()
                        + " node(s) received its ranges"));
            }
        }
    }

    // ---- cleanup ----

    void cleanup(Consumer<ClientResult> done) {
        String prefix = "cannot clean up " + node.id() + ": ";
        if (node.state() != NodeState.NORMAL) {
            done.accept(new ClientResult.Failed(prefix + "it is " + node.state() + ", not NORMAL"));
            return;
        }
        MembershipView view = node.membershipView();
        if (!view.moves().isEmpty()) {
            done.accept(new ClientResult.Failed(prefix + "membership changes are in progress (" + String.join(", ",
                    view.describeMoves()) + "); run it once they finished"));
            return;
        }
        long removed;
        try {
            removed = node.dataStore().purge(token -> view.natural().replicasForToken(token).contains(node.id()));
        } catch (UnsupportedOperationException | java.io.UncheckedIOException e) {
            done.accept(new ClientResult.Failed(prefix + e.getMessage()));
            return;
        }
        done.accept(new ClientResult.Completed("cleanup of " + node.id() + " removed " + removed
                + " entries of ranges it no longer replicates"));
    }

    // ---- status and helpers ----

    /** Stream sessions running now, then the last ones finished (newest last). */
    List<StreamProgress> streams() {
        List<StreamProgress> out = new ArrayList<>(finishedStreams);
        if (bootstrap != null) {
            out.add(bootstrap.progress());
        }
        gainSessions.values().forEach(session -> out.add(session.progress()));
        return Collections.unmodifiableList(out);
    }

    private void remember(StreamSession session) {
        finishedStreams.add(session.progress());
        if (finishedStreams.size() > FINISHED_STREAMS_KEPT) {
            finishedStreams.remove(0);
        }
    }

    private int sourcesPerRange() {
        int replicationFactor = node.config().replicationFactor();
        return replicationFactor - replicationFactor / 2;
    }

    private StreamSession.Settings streamSettings() {
        NodeConfig config = node.config();
        return new StreamSession.Settings(config.rangeSyncChunkEntries(), config.rangeSyncTimeoutMicros(),
                config.rangeSyncAttemptsMax(), config.gossipIntervalMicros(), config.streamThroughputBytesPerSecond(), 16);
    }

    /** Records the stream progress of a bootstrap so a restart resumes it. */
    void persistStreamProgress(String key, Set<String> completed) {
        node.system().writeStream(key, completed, nextStampMicros(), error -> { });
    }

    private void persist(NodeState status, long[] tokens, NodeId replaced, Consumer<String> onDurable) {
        node.system().writeMembership(status.name(), tokens, replaced, nextStampMicros(), error -> {
            if (error != null) {
                node.emit(NodeEvent.Kind.ERROR, node.id(), "membership state not durable: " + error.getMessage());
            }
            if (onDurable != null) {
                onDurable.accept(error == null ? null : String.valueOf(error.getMessage()));
            }
        });
    }

    private long nextStampMicros() {
        long now = node.clock().nowMicros();
        lastStampMicros = lastStampMicros == Long.MIN_VALUE ? now : Math.max(now, lastStampMicros + 1);
        return lastStampMicros;
    }
}
