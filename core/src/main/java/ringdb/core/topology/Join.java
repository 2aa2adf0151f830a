package ringdb.core.topology;

import java.util.Map;
import java.util.Set;
import ringdb.core.NodeId;
import ringdb.core.gossip.ApplicationState;
import ringdb.core.membership.MembershipView;
import ringdb.core.membership.Move;
import ringdb.core.membership.TokenAllocator;
import ringdb.core.node.NodeConfig;
import ringdb.core.node.NodeEvent;
import ringdb.core.node.NodeState;
import ringdb.core.streaming.StreamProgress;
import ringdb.core.streaming.StreamSession;
import ringdb.core.system.SystemStore;

/**
 * How this node enters the ring: at once with tokens of its own (the first nodes of a cluster), or
 * by a join, a bootstrap or a replacement ({@link JoinKind}), which goes through the {@link Phase}s:
 * listen to gossip for a ring delay, choose the tokens and persist them, announce JOINING, wait a
 * ring delay so that every coordinator sends this node the writes of its future ranges, stream
 * those ranges, then persist and announce NORMAL.
 *
 * <p>A restart resumes a join from its durable record: as JOINING with the same tokens (a pending
 * replica from its first moment), streaming only the ranges not yet complete. Not thread-safe:
 * the node's thread only.
 */
final class Join {
    /** Where a join stands; NONE when the node is not joining. */
    enum Phase {
        NONE,
        /** Listening to gossip (for a ring delay once a live peer answered) before choosing tokens. */
        WAITING_FOR_RING,
        /** Tokens chosen, the JOINING record is being written: announced once durable. */
        PERSISTING,
        /** JOINING announced: streams once every node had a ring delay to learn it. */
        ANNOUNCED,
        /** Streaming its ranges; then READS_MOVED. */
        STREAMING,
        /**
         * Streamed: reads of its ranges go to the new replicas (JOIN_STEP=READS), writes still to the
         * old and the new ones; NORMAL once the replicas of its ranges acknowledged this step.
         */
        READS_MOVED
    }

    private final TopologyContext context;
    private final TopologyRecords records;
    private final Streaming streaming;
    private Phase phase = Phase.NONE;
    private long phaseSinceMicros = -1;
    private long[] persistedTokens;
    private String resumeKey = "";
    private Set<String> resumeCompleted = Set.of();
    private StreamSession session;
    private String lastRefusal = "";
    private String barrierWait;
    private StreamProgress streamed;
    private boolean finishing;
    /** The id this node had before it moved to its current address (null: it did not move). */
    private NodeId formerId;
    /** Whether the records say this node's join was aborted (abort-bootstrap) while it was down. */
    private boolean joinAborted;
    /** Why a node that moved while joining does not join (null: it did not). */
    private String movedWhileJoining;
    /** Since when the join has waited for nothing but schema agreement before streaming (-1: it does not). */
    private long schemaWaitSinceMicros = -1;
    /**
     * Why the join was withdrawn when the schemas did not agree in time (null: it was not); it is
     * announced again once they agree.
     */
    private String schemaFailure;
    /** Whether the schema wait of a replacement was reported as over its bound. */
    private boolean schemaWaitReported;

    Join(TopologyContext context, TopologyRecords records, Streaming streaming) {
        this.context = context;
        this.records = records;
        this.streaming = streaming;
    }

    /** Decides how this node starts, from its durable records and its configuration. */
    Startup load(TopologyRecords.Saved saved) {
        finishing = false;
        schemaFailure = null;
        joinAborted = false;
        formerId = null;
        movedWhileJoining = null;
        if (saved.stream() != null) {
            resumeKey = saved.stream().moveKey();
            resumeCompleted = saved.stream().completedRanges();
        }
        NodeConfig config = context.config();
        SystemStore.MembershipRecord record = saved.membership();
        if (record != null && record.self() != null && !record.self().equals(context.id())) {
            return moved(record);
        }
        if (record != null && TopologyRecords.JOIN_ABORTED.equals(record.status())) {
            joinAborted = true;
            return new Startup(NodeState.REMOVED, record.tokens(), records.replacing());
        }
        if (record != null) {
            NodeState status = NodeState.fromGossip(record.status());
            long[] tokens = record.tokens();
            if (status == NodeState.NORMAL || status == NodeState.LEFT || status == NodeState.REMOVED) {
                return new Startup(status, tokens, records.replacing());
            }
            if (tokens.length == 0) {
                phase = Phase.WAITING_FOR_RING;
                return new Startup(NodeState.STARTING, new long[0], null);
            }
            // a bootstrap interrupted by a restart: stay a pending replica from the first moment, so
            // that no write to the ranges it already streamed bypasses it, then resume the stream
            persistedTokens = tokens;
            phase = Phase.ANNOUNCED;
            return new Startup(NodeState.JOINING, tokens, records.replacing());
        }
        if (config.autoBootstrap() || config.replaceNode() != null) {
            records.replacing(config.replaceNode());
            phase = Phase.WAITING_FOR_RING;
            return new Startup(NodeState.STARTING, new long[0], null);
        }
        long[] tokens = TokenAllocator.allocate(config.tokenAllocation(), context.id(), config.numTokens(), Map.of());
        records.persist(NodeState.NORMAL, tokens, null, null);
        return new Startup(NodeState.NORMAL, tokens, null);
    }

    /**
     * The node's data was written under another id: the node moved to a new address (its id is its
     * address) with its data directory. A member of the ring keeps its place, as a Cassandra node
     * keeps its host id: it starts NORMAL with its tokens and says it replaces its former id, which
     * makes every node drop the former id from the ring (the ranges and the data are the same, so
     * nothing streams; the restart catch-up fetches the writes it missed while away). A node that
     * left stays left. A node that was still joining does not join: its former id's join is
     * pending in the ring, so it must finish at the former address, or start over with no data.
     */
    private Startup moved(SystemStore.MembershipRecord record) {
        if (TopologyRecords.JOIN_ABORTED.equals(record.status())) {
            joinAborted = true;
            return new Startup(NodeState.REMOVED, record.tokens(), record.replacing());
        }
        NodeState status = NodeState.fromGossip(record.status());
        if (status == NodeState.NORMAL) {
            formerId = record.self();
            records.replacing(formerId);
            records.persist(NodeState.NORMAL, record.tokens(), formerId, null);
            return new Startup(NodeState.NORMAL, record.tokens(), formerId);
        }
        if (status == NodeState.LEFT || status == NodeState.REMOVED) {
            return new Startup(status, record.tokens(), record.replacing());
        }
        movedWhileJoining = context.id() + " holds the data of " + record.self() + ", which was " + status
                + " at its former address; it does not join from here: start it at " + record.self()
                + " to finish joining, or with an empty data directory to join anew";
        return new Startup(NodeState.STARTING, new long[0], null);
    }

    /** Whether {@link #load} found that this node's join was aborted (it starts REMOVED). */
    boolean joinAborted() {
        return joinAborted;
    }

    private JoinKind kind() {
        return JoinKind.of(records.replacing());
    }

    /** The node started: the phase's clock starts now. */
    void start() {
        phaseSinceMicros = context.monotonicMicros();
        if (formerId != null) {
            context.emit(NodeEvent.Kind.JOINED, context.id(), context.id() + " is " + formerId
                    + " at a new address: it keeps its tokens and data; " + formerId + " leaves the ring");
        } else if (movedWhileJoining != null) {
            context.emit(NodeEvent.Kind.ERROR, context.id(), movedWhileJoining);
        }
        if (phase == Phase.ANNOUNCED) {
            context.emit(NodeEvent.Kind.JOINING, context.id(), context.id() + " resumes joining with "
                    + persistedTokens.length + " tokens");
        } else if (phase == Phase.WAITING_FOR_RING) {
            context.emit(NodeEvent.Kind.JOINING, context.id(), kind().waitingMessage(context.config()));
        }
    }

    /** Aborts the stream (the node stops); a restart resumes from the durable record. */
    void stop() {
        if (session != null) {
            session.abort();
            session = null;
        }
    }

    /** The progress of the join's stream, or null when none runs. */
    StreamProgress streamProgress() {
        return session == null ? null : session.progress();
    }

    /** One round: moves on when the phase's wait is over. */
    void advance(long nowMicros) {
        long ringDelay = context.config().ringDelayMicros();
        if (phase == Phase.READS_MOVED) {
            finishWhenReadsMovedEverywhere();
            return;
        }
        if (phase == Phase.WAITING_FOR_RING) {
            boolean hasSeeds = context.config().seeds().stream().anyMatch(seed -> !seed.equals(context.id()));
            if (hasSeeds && !context.hasLivePeers()) {
                phaseSinceMicros = nowMicros;
            } else if (nowMicros - phaseSinceMicros >= ringDelay) {
                chooseTokensAndAnnounce(nowMicros);
            }
        } else if (phase == Phase.ANNOUNCED && nowMicros - phaseSinceMicros >= ringDelay) {
            MembershipView view = context.membershipView();
            Move mine = view.moveOf(context.id());
            String conflict = mine == null ? null : view.conflict(mine, other -> yieldsTo(mine, other));
            if (conflict != null) {
                backOff(nowMicros, conflict);
            } else if (mine != null && !barrierMet(view, mine, true)) {
                checkSchemaWait(nowMicros, view); // else retried next round
            } else {
                startStream();
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
     * Two nodes announced overlapping moves at about the same time: withdraw ours; the next tries
     * (every gossip round or so) are refused while the winner's move runs, and announce once it ended.
     */
    private void backOff(long nowMicros, String conflict) {
        withdraw();
        // the winner is known (both sides decide alike): check again within a couple of gossip rounds,
        // so the join starts as soon as the winner finished instead of one or two ring delays later
        long gossip = context.config().gossipIntervalMicros();
        phaseSinceMicros = nowMicros - context.config().ringDelayMicros() + gossip
                + (long) (context.random().nextDouble() * gossip);
        String message = kind().verb() + " of " + context.id() + " withdrawn: " + conflict + "; retrying";
        lastRefusal = message;
        context.emit(NodeEvent.Kind.ERROR, context.id(), message);
    }

    /** Withdraws our announced move: the node is no longer a pending replica, and chooses again later. */
    private void withdraw() {
        context.announceMembership(NodeState.STARTING, persistedTokens, records.replacing());
        phase = Phase.WAITING_FOR_RING;
        schemaWaitSinceMicros = -1;
        // writes may bypass us while we are withdrawn: whatever a previous run streamed is stale
        resumeKey = "";
        resumeCompleted = Set.of();
        records.clearStreamProgress();
    }

    /**
     * The stream has waited {@code schemaAgreementTimeoutMicros} for nothing but a live peer's schema:
     * streaming now could copy a keyspace with the wrong replication factor and miss its data, and
     * waiting on keeps a pending move that blocks every other ring change. A join fails: it is withdrawn
     * (nothing streamed and no read used it, so rolling it back loses nothing, as an aborted bootstrap)
     * and announced again once the schemas agree. A replacement cannot be rolled back (writes were
     * acknowledged by it in the dead node's place): it keeps waiting and reports the laggards once.
     */
    private void checkSchemaWait(long nowMicros, MembershipView view) {
        long bound = context.config().schemaAgreementTimeoutMicros();
        if (schemaWaitSinceMicros < 0 || nowMicros - schemaWaitSinceMicros < bound) {
            return;
        }
        String laggards = SchemaAgreement.disagreement(context, view);
        String waited = " did not agree within " + bound / 1000 + " ms (schema_agreement_timeout_ms): ";
        if (records.replacing() != null) {
            if (!schemaWaitReported) {
                schemaWaitReported = true;
                context.emit(NodeEvent.Kind.ERROR, context.id(), kind().verb() + " of " + context.id()
                        + " still waiting: the schemas" + waited + laggards + "; a replacement cannot be withdrawn,"
                        + " it streams once they agree");
            }
            return;
        }
        withdraw();
        phaseSinceMicros = nowMicros;
        String message = kind().verb() + " of " + context.id() + " failed: the schemas" + waited + laggards
                + "; withdrawn (no longer a pending replica), it is announced again once they agree";
        schemaFailure = message;
        lastRefusal = message;
        context.emit(NodeEvent.Kind.ERROR, context.id(), message);
    }

    private void chooseTokensAndAnnounce(long nowMicros) {
        MembershipView view = context.membershipView();
        JoinKind kind = kind();
        if (schemaFailure != null) {
            String schemaWait = SchemaAgreement.waitingFor(context, view);
            if (schemaWait != null) {
                refuse(nowMicros, schemaWait + ": " + SchemaAgreement.disagreement(context, view));
                return;
            }
            schemaFailure = null;
        }
        long[] tokens;
        if (persistedTokens != null) {
            tokens = persistedTokens;
        } else {
            String refusal = kind.refusal(context, view);
            if (refusal != null) {
                refuse(nowMicros, refusal);
                return;
            }
            tokens = kind.tokens(context, view);
        }
        Move candidate = new Move(kind.moveKind(), context.id(), records.replacing(), context.generation(), tokens);
        String conflict = view.conflict(candidate);
        if (conflict != null) {
            refuse(nowMicros, conflict);
            return;
        }
        phase = Phase.PERSISTING;
        persistAndAnnounce(tokens);
    }

    /** Persists JOINING with {@code chosen}, then announces it (or, on a failed write, starts over). */
    private void persistAndAnnounce(long[] chosen) {
        records.persist(NodeState.JOINING, chosen, records.replacing(), error -> {
            if (!context.isRunning() || phase != Phase.PERSISTING) {
                return;
            }
            if (error != null) {
                phase = Phase.WAITING_FOR_RING;
                context.emit(NodeEvent.Kind.ERROR, context.id(), "bootstrap state not durable, retrying: " + error);
                return;
            }
            persistedTokens = chosen;
            context.announceMembership(NodeState.JOINING, chosen, records.replacing());
            phase = Phase.ANNOUNCED;
            phaseSinceMicros = context.monotonicMicros();
            context.emit(NodeEvent.Kind.JOINING, context.id(), context.id() + " joining with " + chosen.length
                    + " tokens" + kind().joiningSuffix());
        });
    }

    private void refuse(long nowMicros, String reason) {
        // this node has listened to the ring already: check again next round rather than a ring
        // delay later, so that a join waiting behind another change starts as soon as it ended
        phaseSinceMicros = nowMicros - context.config().ringDelayMicros() + context.config().gossipIntervalMicros();
        String message = kind().verb() + " of " + context.id() + " refused: " + reason + "; retrying";
        if (!message.equals(lastRefusal)) {
            lastRefusal = message;
            context.emit(NodeEvent.Kind.ERROR, context.id(), message);
        }
    }

    /**
     * The progress barrier before streaming: writes of the ranges this node gains reach it only from
     * coordinators that know it is joining, so it streams (and later serves reads) only once the
     * replicas of those ranges have acknowledged its announcement (see {@link ProgressBarrier});
     * {@code beforeStream}: and once its schema agrees with the ring's, so that the stream is planned
     * with every keyspace's replication factor ({@link SchemaAgreement}).
     */
    private boolean barrierMet(MembershipView view, Move mine, boolean beforeStream) {
        String waiting = ProgressBarrier.waitingFor(context, view, mine);
        boolean schema = false;
        if (waiting == null && beforeStream) {
            waiting = SchemaAgreement.waitingFor(context, view);
            schema = waiting != null;
        }
        if (!schema) {
            schemaWaitSinceMicros = -1;
            schemaWaitReported = false;
        } else if (schemaWaitSinceMicros < 0) {
            schemaWaitSinceMicros = context.monotonicMicros();
        }
        if (waiting != null && !waiting.equals(barrierWait)) {
            context.emit(NodeEvent.Kind.JOINING, context.id(), kind().verb() + " of " + context.id() + " " + waiting);
        }
        barrierWait = waiting;
        return waiting == null;
    }

    /** What the join's progress barrier waits for, or null when it waits for nothing. */
    String barrierWait() {
        if (phase == Phase.WAITING_FOR_RING && schemaFailure != null) {
            return schemaFailure;
        }
        return phase == Phase.ANNOUNCED || phase == Phase.READS_MOVED ? barrierWait : null;
    }

    private void startStream() {
        MembershipView view = context.membershipView();
        Move move = view.moveOf(context.id());
        if (move == null) {
            return; // our own announcement is not in the view yet
        }
        phase = Phase.STREAMING;
        String key = move.kind() + ":" + context.id();
        Set<String> completed = key.equals(resumeKey) ? resumeCompleted : Set.of();
        session = streaming.open(kind().streamName(context.id()), key,
                view.gains(move, context.id(), context.replicationFactors()), completed, this::onStreamed);
        session.start();
    }

    /**
     * The progress barrier before NORMAL: once the replicas of this node's ranges all plan reads with
     * the new replicas (acknowledged "+READS"), none reads from the old ones any more, and writes may
     * stop going to the replicas that give ranges up.
     */
    private void finishWhenReadsMovedEverywhere() {
        MembershipView view = context.membershipView();
        Move mine = view.moveOf(context.id());
        if (mine == null || !mine.readsMoved() || !barrierMet(view, mine, false)) {
            return; // our own step is not in the view yet, or the barrier waits
        }
        if (finishing) {
            return;
        }
        finishing = true;
        StreamProgress progress = streamed;
        records.persist(NodeState.NORMAL, persistedTokens, records.replacing(), durable -> {
            if (!context.isRunning()) {
                return;
            }
            context.announceMembership(NodeState.NORMAL, persistedTokens, records.replacing());
            phase = Phase.NONE;
            finishing = false;
            barrierWait = null;
            context.markRecovered();
            context.emit(NodeEvent.Kind.JOINED, context.id(), context.id() + " joined: " + progress.rangesDone()
                    + " ranges streamed, " + progress.entriesReceived() + " entries, " + progress.bytesReceived()
                    + " bytes");
        });
        records.clearStreamProgress();
    }

    private void onStreamed(String error) {
        StreamSession finished = session;
        session = null;
        streaming.remember(finished);
        if (!context.isRunning()) {
            return;
        }
        if (error != null) {
            context.emit(NodeEvent.Kind.ERROR, context.id(), finished.name() + " failed, retrying: " + error);
            phase = Phase.ANNOUNCED;
            phaseSinceMicros = context.monotonicMicros();
            return;
        }
        // second step: reads move to the new replicas; writes still go to the old ones as well
        phase = Phase.READS_MOVED;
        streamed = finished.progress();
        barrierWait = null;
        context.publishJoinStep(ApplicationState.JOIN_STEP_READS);
    }
}
