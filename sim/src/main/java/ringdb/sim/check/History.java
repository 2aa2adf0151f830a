package ringdb.sim.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;

/**
 * Every client operation of a simulation run, in invocation order, with invoke and complete
 * times. Checkers read it after (or during) the run. Simulation thread only.
 */
public final class History {
    private final List<Operation> operations = new ArrayList<>();
    private int pendingCount;

    /** Records an invocation; complete it with {@link #complete}. */
    public Operation invoke(Operation.Kind kind, String key, String value, ConsistencyLevel cl, NodeId coordinator,
                            int coordinatorIncarnation, long nowMicros) {
        Operation operation = new Operation(operations.size(), kind, key, value, cl, coordinator,
                coordinatorIncarnation, nowMicros);
        operations.add(operation);
        pendingCount++;
        return operation;
    }

    public void complete(Operation operation, ClientResult result, long nowMicros) {
        if (!operation.isPending()) {
            throw new IllegalStateException("operation completed twice: " + operation + " then " + result);
        }
        operation.complete(result, nowMicros);
        pendingCount--;
    }

    /** Operations invoked and not yet completed. */
    public int pendingCount() {
        return pendingCount;
    }

    public List<Operation> operations() {
        return Collections.unmodifiableList(operations);
    }

    public List<Operation> pending() {
        List<Operation> pending = new ArrayList<>();
        for (Operation operation : operations) {
            if (operation.isPending()) {
                pending.add(operation);
            }
        }
        return pending;
    }

    /** Counts of results by kind ("Written", "Found", "Timeout"...), for reports. */
    public SortedMap<String, Integer> resultCounts() {
        SortedMap<String, Integer> counts = new TreeMap<>();
        for (Operation operation : operations) {
            String name = operation.isPending() ? "Pending" : operation.result().getClass().getSimpleName();
            counts.merge(operation.kind() + " " + name, 1, Integer::sum);
        }
        return counts;
    }
}
