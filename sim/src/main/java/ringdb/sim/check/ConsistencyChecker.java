package ringdb.sim.check;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.Cell;

/**
 * The invariants a run must keep, checked against a {@link History} and the replicas' final
 * state. Each method returns human-readable violations (empty = the invariant held).
 *
 * <ul>
 *   <li>No invented value: every value read was written to that key by some client, with the
 *       timestamp the write was acknowledged with, and not before the write was invoked.</li>
 *   <li>No stale quorum read: a QUORUM/ALL read invoked after a QUORUM/ALL write completed
 *       returns that version or a newer one (R + W > RF).</li>
 *   <li>Coordinator timestamps strictly increase per coordinator incarnation, whatever its clock does.</li>
 *   <li>After the liveness phase: replicas of every key identical, no acknowledged write lost
 *       (the final version is the write's or newer), no deleted key resurrected.</li>
 * </ul>
 */
public final class ConsistencyChecker {
    private ConsistencyChecker() {
    }

    /** Checks everything that can be judged from the client history alone. */
    public static List<String> checkHistory(History history) {
        Map<String, KeyModel> models = KeyModel.build(history);
        List<String> violations = new ArrayList<>();
        for (Operation operation : history.operations()) {
            if (operation.kind() != Operation.Kind.GET || operation.isPending()) {
                continue;
            }
            KeyModel model = models.get(operation.key());
            if (operation.result() instanceof ClientResult.Found found) {
                checkReadValueWasWritten(model, operation, found, violations);
            }
            if (operation.cl() != ConsistencyLevel.ONE) {
                checkQuorumReadNotStale(model, operation, violations);
            }
        }
        checkTimestampsIncrease(history, violations);
        return violations;
    }

    private static void checkReadValueWasWritten(KeyModel model, Operation read, ClientResult.Found found,
                                                 List<String> violations) {
        String value = new String(found.value(), StandardCharsets.UTF_8);
        Operation put = model.putOf(value);
        if (put == null) {
            violations.add("invented value: " + read + " read '" + value + "', which no client wrote to "
                    + read.key());
            return;
        }
        if (put.invokeMicros() > read.completeMicros()) {
            violations.add("read from the future: " + read + " returned the value of " + put);
        }
        if (put.isAcknowledgedWrite() && put.writtenTimestampMicros() != found.timestampMicros()) {
            violations.add("wrong timestamp: " + read + " returned " + value + "@" + found.timestampMicros()
                    + " but " + put + " wrote it @" + put.writtenTimestampMicros());
        }
    }

    private static void checkQuorumReadNotStale(KeyModel model, Operation read, List<String> violations) {
        if (!(read.result() instanceof ClientResult.Found) && !(read.result() instanceof ClientResult.NotFound)) {
            return;
        }
        for (Operation write : model.acknowledgedWrites()) {
            if (!write.isQuorumAcknowledged() || write.completeMicros() >= read.invokeMicros()) {
                continue;
            }
            Cell written = KeyModel.cellOf(write);
            if (read.result() instanceof ClientResult.Found found) {
                if (KeyModel.cellOf(found).compareVersion(written) < 0) {
                    violations.add("stale quorum read: " + read + " returned an older version than " + write);
                }
            } else if (write.kind() == Operation.Kind.PUT && !deletedAfter(model, written, read)) {
                violations.add("stale quorum read: " + read + " found nothing after " + write);
            }
        }
    }

    /** True when some delete invoked before {@code read} completed may have hidden {@code written}. */
    private static boolean deletedAfter(KeyModel model, Cell written, Operation read) {
        for (Operation delete : model.deletes()) {
            if (delete.invokeMicros() > read.completeMicros()) {
                continue;
            }
            if (!delete.isAcknowledgedWrite() || KeyModel.cellOf(delete).compareVersion(written) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static void checkTimestampsIncrease(History history, List<String> violations) {
        Map<String, Operation> lastByIncarnation = new HashMap<>();
        for (Operation operation : history.operations()) {
            if (!operation.isAcknowledgedWrite()) {
                continue;
            }
            String incarnation = operation.coordinator() + "#" + operation.coordinatorIncarnation();
            Operation previous = lastByIncarnation.put(incarnation, operation);
            if (previous != null && operation.writtenTimestampMicros() <= previous.writtenTimestampMicros()) {
                violations.add("timestamps went backwards on " + operation.coordinator() + ": " + previous
                        + " stamped @" + previous.writtenTimestampMicros() + ", then " + operation + " @"
                        + operation.writtenTimestampMicros());
            }
        }
    }

    /**
     * Checks the replicas' final state after the liveness phase: {@code replicaCells} maps every
     * key to each replica's version (null = absent). Writes acknowledged at any level count.
     */
    public static List<String> checkFinalState(History history, Map<String, Map<NodeId, Cell>> replicaCells) {
        return checkFinalState(history, replicaCells, true);
    }

    /**
     * Like {@link #checkFinalState(History, Map)}; with {@code includeOne} false only writes
     * acknowledged at QUORUM or ALL count (convergence and invented values are always checked);
     * otherwise writes acknowledged at ONE count too.
     */
    public static List<String> checkFinalState(History history, Map<String, Map<NodeId, Cell>> replicaCells,
                                               boolean includeOne) {
        return checkFinalState(history, replicaCells, includeOne, write -> false);
    }

    /**
     * Like {@link #checkFinalState(History, Map, boolean)}, but the loss of a write acknowledged
     * at ONE for which {@code lossAllowed} answers true is no violation (see
     * {@link DurableCopies#lostWithRemovedNodes}); {@code lossAllowed} is asked only about lost
     * ONE writes, never about writes acknowledged at QUORUM or ALL.
     */
    public static List<String> checkFinalState(History history, Map<String, Map<NodeId, Cell>> replicaCells,
                                               boolean includeOne, Predicate<Operation> lossAllowed) {
        Map<String, KeyModel> models = KeyModel.build(history);
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, Map<NodeId, Cell>> entry : replicaCells.entrySet()) {
            String key = entry.getKey();
            KeyModel model = models.get(key);
            Cell merged = checkConverged(key, entry.getValue(), violations);
            if (model == null) {
                violations.add("invented key: replicas hold " + key + ", which no client wrote");
                continue;
            }
            checkFinalValueWasWritten(model, merged, violations);
            for (Operation write : model.acknowledgedWrites()) {
                if (!includeOne && !write.isQuorumAcknowledged()) {
                    continue;
                }
                Cell written = KeyModel.cellOf(write);
                if (merged == null || merged.compareVersion(written) < 0) {
                    if (!write.isQuorumAcknowledged() && lossAllowed.test(write)) {
                        continue;
                    }
                    String what = write.kind() == Operation.Kind.DELETE ? "deleted key resurrected or delete lost"
                            : "acknowledged write lost";
                    violations.add(what + ": " + write + "; replicas finally hold " + merged);
                }
            }
        }
        return violations;
    }

    private static Cell checkConverged(String key, Map<NodeId, Cell> cells, List<String> violations) {
        Cell merged = null;
        Cell first = null;
        boolean seenFirst = false;
        boolean diverged = false;
        for (Cell cell : cells.values()) {
            merged = Cell.reconcile(merged, cell);
            if (!seenFirst) {
                first = cell;
                seenFirst = true;
            } else if (!Objects.equals(first, cell)) {
                diverged = true;
            }
        }
        if (diverged) {
            violations.add("replicas diverged on " + key + ": " + cells);
        }
        return merged;
    }

    private static void checkFinalValueWasWritten(KeyModel model, Cell merged, List<String> violations) {
        if (merged == null || merged.isTombstone()) {
            return;
        }
        String value = new String(merged.value(), StandardCharsets.UTF_8);
        Operation put = model.putOf(value);
        if (put == null) {
            violations.add("invented value: replicas of " + model.key() + " hold '" + value + "', never written");
        } else if (put.isAcknowledgedWrite() && put.writtenTimestampMicros() != merged.timestampMicros()) {
            violations.add("wrong timestamp: replicas of " + model.key() + " hold " + merged + " but " + put
                    + " wrote it @" + put.writtenTimestampMicros());
        }
    }
}
