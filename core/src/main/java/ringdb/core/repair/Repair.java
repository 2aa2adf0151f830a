package ringdb.core.repair;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.Consumer;
import ringdb.core.Timers;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.node.NodeEvent;

/**
 * The node's range syncs, one at a time in the order asked: a full repair on request, and the
 * recovery catch-up a NORMAL node runs after it starts (once a peer answered gossip, or after
 * {@value #RECOVERY_WAIT_ROUNDS_MAX} gossip intervals without one). Each sync pulls every range
 * this node replicates from the other live replicas ({@link RangeSync}). Not thread-safe: the
 * node's thread only.
 */
public final class Repair {
    private static final int RECOVERY_WAIT_ROUNDS_MAX = 10;

    private record PendingSync(String name, Consumer<ClientResult> done) {
    }

    private final RepairContext context;
    private final ArrayDeque<PendingSync> queue = new ArrayDeque<>();
    private RangeSync active;
    private Timers.Cancellable recoveryTimer = () -> { };
    private boolean recoveryDone;

    public Repair(RepairContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    /** A new generation: the catch-up has not run yet. */
    public void resetRecovery() {
        recoveryDone = false;
        recoveryTimer = () -> { };
    }

    /** Schedules the recovery catch-up, {@code recoveryDelayMicros} from now. */
    public void scheduleRecovery() {
        context.events().emit(NodeEvent.Kind.RECOVERY_STARTED, context.self(), "catching up from peers");
        recoveryTimer = context.timers().schedule(context.config().recoveryDelayMicros(), () -> tryStartRecovery(0));
    }

    /** Whether the catch-up of this generation finished (or none was needed: a node that just joined). */
    public boolean recoveryDone() {
        return recoveryDone;
    }

    /** Marks the catch-up done: a node that joined by streaming has nothing to catch up. */
    public void markRecovered() {
        recoveryDone = true;
    }

    /** Synchronises every range this node replicates from every other live replica; answers Repaired or Failed. */
    public void repair(Consumer<ClientResult> done) {
        Objects.requireNonNull(done, "done");
        if (!context.running().getAsBoolean()) {
            done.accept(new ClientResult.Failed("node " + context.self() + " is not running"));
            return;
        }
        enqueueSync(new PendingSync("repair", result -> {
            if (context.running().getAsBoolean()) {
                context.events().emit(result instanceof ClientResult.Repaired ? NodeEvent.Kind.STREAM_PROGRESS
                                : NodeEvent.Kind.ERROR, context.self(),
                        result instanceof ClientResult.Repaired repaired ? "repair done: " + repaired.describe()
                                : ((ClientResult.Failed) result).message());
            }
            done.accept(result);
        }));
    }

    /**
     * Queues a sync of every range this node replicates from the other live replicas, because this
     * node lost data it held ({@code reason}: a table was quarantined). Its outcome is reported as
     * an event; nothing is queued on a stopped node (its restart catches up anyway).
     */
    public void queueRepair(String reason) {
        if (!context.running().getAsBoolean()) {
            return;
        }
        enqueueSync(new PendingSync("repair after " + reason, result -> {
            if (context.running().getAsBoolean()) {
                context.events().emit(result instanceof ClientResult.Repaired ? NodeEvent.Kind.STREAM_PROGRESS
                                : NodeEvent.Kind.ERROR, context.self(),
                        result instanceof ClientResult.Repaired repaired
                                ? "repair after " + reason + " done: " + repaired.describe()
                                : "repair after " + reason + " failed: " + ((ClientResult.Failed) result).message());
            }
        }));
    }

    private void tryStartRecovery(int round) {
        if (!context.running().getAsBoolean()) {
            return;
        }
        boolean hasSeeds = context.config().seeds().stream().anyMatch(seed -> !seed.equals(context.self()));
        if (hasSeeds && context.liveness().livePeers().isEmpty() && round < RECOVERY_WAIT_ROUNDS_MAX) {
            recoveryTimer = context.timers().schedule(context.config().gossipIntervalMicros(),
                    () -> tryStartRecovery(round + 1));
            return;
        }
        enqueueSync(new PendingSync("recovery", result -> {
            recoveryDone = true;
            String detail = result instanceof ClientResult.Repaired repaired
                    ? repaired.describe() : ((ClientResult.Failed) result).message();
            if (context.running().getAsBoolean()) {
                context.events().emit(NodeEvent.Kind.RECOVERY_DONE, context.self(), detail);
            }
        }));
    }

    private void enqueueSync(PendingSync pending) {
        queue.add(pending);
        if (active == null) {
            startNextSync();
        }
    }

    private void startNextSync() {
        PendingSync next = queue.poll();
        if (next == null || !context.running().getAsBoolean()) {
            return;
        }
        active = new RangeSync(context, this, next.name(), context.ring().get().rangesReplicatedBy(context.self()),
                next.done());
        active.start();
    }

    /**
     * Where a range sync stands: {@code name} ("repair" or "recovery"), range copies (a range and one
     * other replica) synced of the total, entries received so far. Immutable.
     */
    public record Progress(String name, int rangeCopiesDone, int rangeCopiesTotal, long entriesReceived) {
    }

    /** The running sync's progress, and how many syncs wait behind it; null when none runs. */
    public Progress progress() {
        return active == null ? null : active.progress();
    }

    /** Syncs queued behind the running one (a repair waits behind the catch-up after start, for one). */
    public int queuedSyncs() {
        return queue.size();
    }

    void rangeSyncFinished(RangeSync sync, ClientResult result) {
        if (active == sync) {
            active = null;
            context.timers().schedule(0, this::startNextSync);
        }
    }

    /**
     * The node stops: no catch-up is started any more, the running sync (already aborted through
     * the request registry) is dropped and every queued one is answered Failed with {@code reason}.
     */
    public void stop(String reason) {
        recoveryTimer.cancel();
        if (active != null) {
            active.abort(reason);
            active = null;
        }
        while (!queue.isEmpty()) {
            PendingSync pending = queue.poll();
            pending.done().accept(new ClientResult.Failed(pending.name() + " aborted: " + reason));
        }
    }
}
