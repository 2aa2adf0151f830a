package ringdb.core.topology;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.node.NodeState;
import ringdb.core.streaming.StreamProgress;

/**
 * The topology changes of one node, as its node drives them: how it enters the ring
 * ({@link Join}: bootstrap or replace), {@link Decommission}, {@link Removals} (removenode),
 * {@link Cleanup}, and the {@link Gains} it streams when other nodes leave or are removed. Each is
 * its own state machine; this façade owns them, gives them the node's {@link TopologyContext},
 * and runs them once per gossip interval in a fixed order.
 *
 * <p>Every change is announced through gossip (STATUS, TOKENS, REPLACING; a removed node's STATUS
 * is set by the node removing it) and acknowledged through gossip (MOVES_DONE on the nodes that
 * finished streaming), so the same code runs in the simulator and the real runtime without extra
 * messages. Durable state is in the node's system records ({@link TopologyRecords}). The parts
 * live as long as the node object, across its restarts. Not thread-safe: the node's thread only.
 */
public final class Topology {
    private final TopologyContext context;
    private final TopologyRecords records;
    private final Streaming streaming;
    private final Join join;
    private final Gains gains;
    private final Decommission decommission;
    private final Removals removals;
    private final Cleanup cleanup;
    private final JoinAborts joinAborts;
    private final FormerMembers formerMembers;
    private Timers.Cancellable tickTimer;
    private String movesSeen = "";

    public Topology(TopologyContext context) {
        this.context = context;
        this.records = new TopologyRecords(context);
        this.streaming = new Streaming(context);
        this.join = new Join(context, records, streaming);
        this.gains = new Gains(context, streaming);
        this.decommission = new Decommission(context, records, gains);
        this.removals = new Removals(context, gains);
        this.cleanup = new Cleanup(context);
        this.joinAborts = new JoinAborts(context);
        this.formerMembers = new FormerMembers(context);
    }

    /** Reads the durable membership state and decides how this node starts. */
    public Startup load() {
        return join.load(records.load());
    }

    /**
     * Records durably that this node was removed from the ring (removenode) while it was down, so
     * that it starts as REMOVED, serving nothing, from then on.
     */
    public void recordRemoved(long[] tokens) {
        records.persist(NodeState.REMOVED, tokens, records.replacing(), null);
    }

    /**
     * Records durably that this node's join was aborted (abort-bootstrap) while it was down: it starts
     * as REMOVED from then on, and {@link #joinAborted()} says why.
     */
    public void recordJoinAborted(long[] tokens) {
        records.persistJoinAborted(tokens);
    }

    /** Whether the records {@link #load} read say this node's join was aborted (it starts REMOVED). */
    public boolean joinAborted() {
        return join.joinAborted();
    }

    /** Starts the periodic membership work (after gossip started). */
    public void start() {
        movesSeen = ""; // a new generation gossips afresh
        join.start();
        schedule();
    }

    private void schedule() {
        tickTimer = context.timers().schedule(context.config().gossipIntervalMicros(), this::tick);
    }

    /** Cancels the rounds, aborts the streams, fails the decommission and removals under way. */
    public void stop() {
        if (tickTimer != null) {
            tickTimer.cancel();
        }
        join.stop();
        gains.stop();
        String reason = "node " + context.id() + " stopped";
        decommission.stop(reason);
        removals.stop(reason);
    }

    private void tick() {
        if (!context.isRunning()) {
            return;
        }
        long nowMicros = context.monotonicMicros();
        acknowledgeMoves();
        join.advance(nowMicros);
        gains.update(nowMicros);
        decommission.check(nowMicros);
        removals.resumeOrphans(nowMicros);
        removals.check(nowMicros);
        formerMembers.discardHints();
        if (context.isRunning()) {
            schedule();
        }
    }

    /**
     * Publishes the moves this node's ring shows in progress (MOVES_SEEN), the acknowledgement the
     * moving nodes' progress barriers wait for; only when it changed (a node that never saw a move
     * publishes nothing).
     */
    private void acknowledgeMoves() {
        String seen = context.membershipView().moveIds();
        if (!seen.equals(movesSeen)) {
            movesSeen = seen;
            context.publishMovesSeen(seen);
        }
    }

    /** The progress barriers this node's membership operations wait at, as operators read them. */
    public List<String> barrierWaits() {
        List<String> out = new ArrayList<>();
        String joining = join.barrierWait();
        if (joining != null) {
            out.add(joining);
        }
        String leaving = decommission.waiting();
        if (leaving != null) {
            out.add("decommission of " + context.id() + " " + leaving);
        }
        out.addAll(removals.waiting());
        return Collections.unmodifiableList(out);
    }

    /** Leaves the ring (see {@link Decommission}); answers Failed at once when refused. */
    public void decommission(Consumer<ClientResult> done) {
        decommission.begin(done);
    }

    /** Cancels the decommission under way before any gainer finished; null when cancelled, else why not. */
    public String cancelDecommission() {
        return decommission.cancel();
    }

    /** Removes the dead node {@code dead} from the ring (see {@link Removals}). */
    public void removeNode(NodeId dead, Consumer<ClientResult> done) {
        removals.begin(dead, done);
    }

    /** Cancels the removal of {@code dead} before any gainer finished (see {@link Removals#cancel}). */
    public String cancelRemoval(NodeId dead) {
        return removals.cancel(dead);
    }

    /**
     * Aborts the join of {@code joining}, a node that is down and whose reads have not moved (see
     * {@link JoinAborts}); null when aborted, else why not.
     */
    public String abortJoin(NodeId joining) {
        return joinAborts.abort(joining);
    }

    /** Drops the data of ranges this node no longer replicates (see {@link Cleanup}). */
    public void cleanup(Consumer<ClientResult> done) {
        cleanup.run(done);
    }

    /** The last stream sessions that finished (oldest first), then those running now. */
    public List<StreamProgress> streams() {
        List<StreamProgress> out = new ArrayList<>(streaming.finished());
        StreamProgress joining = join.streamProgress();
        if (joining != null) {
            out.add(joining);
        }
        out.addAll(gains.running());
        return Collections.unmodifiableList(out);
    }

    /** Records the stream progress of a bootstrap so a restart resumes it. */
    public void persistStreamProgress(String key, Set<String> completed) {
        records.writeStreamProgress(key, completed);
    }
}
