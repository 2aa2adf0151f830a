package ringdb.core.health;

import java.util.List;
import java.util.Objects;
import ringdb.core.node.NodeEvent;
import ringdb.core.store.StoreFailure;

/**
 * The node's answer to storage failures: applies {@link DiskFailurePolicy} to data file failures
 * and {@link CommitFailurePolicy} to commit log failures, and remembers what it did so the node can
 * refuse requests with the reason and status can show it. The same code runs in the simulator and
 * the real runtime; what "stop", "die" and "quarantine" do is the {@link Actions} it is handed.
 *
 * <p>Threading: the node's thread only. Not re-entrant into the store: the actions run after the
 * store reported the failure (the store reports from its own call stack, so actions must not
 * expect the store to be between operations; quarantine is designed for that).
 */
public final class StorageHealth {
    /** Failures of the same kind reported one by one before only every {@value #REPORT_EVERY}th is. */
    static final int REPORTED_IN_FULL_MAX = 10;
    static final int REPORT_EVERY = 1000;

    /** What a failure makes the node do. */
    public enum Action { LOG, STOP, DIE, REFUSE_WRITES, QUARANTINE }

    /** How the node serves after the failures so far. */
    public enum State { SERVING, WRITES_REFUSED, STOPPED, DEAD }

    /** What the policies act through (the node wires them). */
    public interface Actions {
        /** Stop serving clients and peers and announce the shutdown in gossip; the process stays. */
        void stopServing(String reason);

        /** End the process now (the simulator crashes the node). */
        void die(String reason);

        /** Takes {@code table} out of the live set and keeps its file aside; false when it is not live. */
        boolean quarantine(String table, String reason);

        /** Marks every range this node replicates for repair (queues a range sync from the other replicas). */
        void repairRanges(String reason);
    }

    /** What status shows: the state, why, the policies, failures counted, tables quarantined. */
    public record Status(State state, String reason, DiskFailurePolicy diskFailurePolicy,
                         CommitFailurePolicy commitFailurePolicy, long failures, List<String> quarantinedTables) {
        public Status {
            quarantinedTables = List.copyOf(quarantinedTables);
        }
    }

    private final DiskFailurePolicy diskPolicy;
    private final CommitFailurePolicy commitPolicy;
    private final NodeEvent.Sink events;
    private final Actions actions;
    private State state = State.SERVING;
    private String reason;
    private long failures;

    public StorageHealth(DiskFailurePolicy diskPolicy, CommitFailurePolicy commitPolicy, NodeEvent.Sink events,
                         Actions actions) {
        this.diskPolicy = Objects.requireNonNull(diskPolicy, "diskPolicy");
        this.commitPolicy = Objects.requireNonNull(commitPolicy, "commitPolicy");
        this.events = Objects.requireNonNull(events, "events");
        this.actions = Objects.requireNonNull(actions, "actions");
    }

    /** The action the policies prescribe for {@code failure}. */
    public static Action decide(StoreFailure failure, DiskFailurePolicy disk, CommitFailurePolicy commit) {
        if (failure.kind() == StoreFailure.Kind.COMMIT_LOG) {
            return switch (commit) {
                case STOP -> Action.STOP;
                case DIE -> Action.DIE;
                case STOP_COMMIT -> Action.REFUSE_WRITES;
                case IGNORE -> Action.LOG;
            };
        }
        return switch (disk) {
            case STOP -> Action.STOP;
            case DIE -> Action.DIE;
            // a table that cannot be read is set aside; a write that failed is retried (the data
            // stays in the commit log and memory) and the commit log policy takes over if it fills
            case BEST_EFFORT -> failure.kind() == StoreFailure.Kind.DATA_READ && failure.table() != null
                    ? Action.QUARANTINE : Action.LOG;
            case IGNORE -> Action.LOG;
        };
    }

    /** A failure the store reported: applies the policy once, counting repeats after the node stopped. */
    public void onFailure(StoreFailure failure) {
        Objects.requireNonNull(failure, "failure");
        failures++;
        if (state == State.STOPPED || state == State.DEAD) {
            return; // already acted on; the node serves nothing more
        }
        Action action = decide(failure, diskPolicy, commitPolicy);
        String policy = failure.kind() == StoreFailure.Kind.COMMIT_LOG
                ? "commit_failure_policy " + commitPolicy.configName()
                : "disk_failure_policy " + diskPolicy.configName();
        String described = failure.describe();
        switch (action) {
            case STOP -> {
                enter(State.STOPPED, described);
                events.emit(NodeEvent.Kind.ERROR, null, described + "; " + policy + ": the node stops serving"
                        + " clients and peers (it stays up for status and metrics; restart it once the disk is fixed)");
                actions.stopServing(described);
            }
            case DIE -> {
                enter(State.DEAD, described);
                events.emit(NodeEvent.Kind.ERROR, null, described + "; " + policy + ": the node ends its process");
                actions.die(described);
            }
            case REFUSE_WRITES -> {
                if (state == State.SERVING) {
                    enter(State.WRITES_REFUSED, described);
                    events.emit(NodeEvent.Kind.ERROR, null, described + "; " + policy
                            + ": the node refuses writes and keeps serving reads until it restarts");
                }
            }
            case QUARANTINE -> quarantine(failure, policy);
            case LOG -> log(described, policy);
            default -> throw new IllegalStateException("unknown action " + action);
        }
    }

    private void quarantine(StoreFailure failure, String policy) {
        boolean moved = actions.quarantine(failure.table(), failure.detail());
        if (!moved) {
            log(failure.describe() + " (the table is no longer live)", policy);
            return;
        }
        events.emit(NodeEvent.Kind.ERROR, null, failure.describe() + "; " + policy + ": table " + failure.table()
                + " is quarantined (no longer read, its file kept aside) and this node's ranges are queued for"
                + " repair");
        actions.repairRanges("table " + failure.table() + " quarantined");
    }

    private void log(String described, String policy) {
        if (failures <= REPORTED_IN_FULL_MAX || failures % REPORT_EVERY == 0) {
            events.emit(NodeEvent.Kind.ERROR, null, described + " (" + policy + ": logged; " + failures
                    + " storage failures so far)");
        }
    }

    private void enter(State next, String why) {
        state = next;
        reason = why;
    }

    /** Why writes are refused now (commit log stopped, node stopped or dying), or null while they are taken. */
    public String writeRefusal() {
        return state == State.SERVING ? null : refusal();
    }

    /** Why nothing is served now (node stopped or dying by policy), or null. */
    public String stopReason() {
        return state == State.STOPPED || state == State.DEAD ? refusal() : null;
    }

    private String refusal() {
        return switch (state) {
            case WRITES_REFUSED -> "writes are refused since a " + reason + " (commit_failure_policy stop_commit);"
                    + " reads are served";
            case STOPPED -> "the node stopped serving after a " + reason + "; restart it once the disk is fixed";
            case DEAD -> "the node is ending its process after a " + reason;
            default -> null;
        };
    }

    public State state() {
        return state;
    }

    public Status status(List<String> quarantinedTables) {
        return new Status(state, reason, diskPolicy, commitPolicy, failures, quarantinedTables);
    }
}
