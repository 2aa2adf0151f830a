package ringdb.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import ringdb.core.NodeId;
import ringdb.core.data.Cell;
import ringdb.core.node.NodeEvent;
import ringdb.sim.SimCluster.UnhandledException;

/**
 * What a simulated cluster reports as it runs: node events (mixed into the trace hash), exceptions
 * nodes threw, durable writes and clock-skew alarms, each passed to the registered
 * {@link SimListener}s in registration order. Simulation thread only.
 */
final class SimEvents {
    private final SimScheduler scheduler;
    private final TraceHash trace;
    private final List<SimListener> listeners = new ArrayList<>();
    private final List<UnhandledException> unhandledExceptions = new ArrayList<>();

    SimEvents(SimScheduler scheduler, TraceHash trace) {
        this.scheduler = scheduler;
        this.trace = trace;
    }

    void addListener(SimListener listener) {
        listeners.add(listener);
    }

    /** Whether anyone listens (then durable writes are worth reporting). */
    boolean hasListeners() {
        return !listeners.isEmpty();
    }

    List<UnhandledException> unhandledExceptions() {
        return Collections.unmodifiableList(unhandledExceptions);
    }

    /** Runs a piece of {@code id}'s logic, attributing anything it throws to the node. */
    void runOn(NodeId id, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | AssertionError e) {
            recordUnhandled(id, e);
        }
    }

    void recordUnhandled(NodeId id, Throwable error) {
        unhandledExceptions.add(new UnhandledException(scheduler.nowMicros(), id, error));
        for (SimListener listener : listeners) {
            listener.onUnhandledException(scheduler.nowMicros(), id, error);
        }
    }

    void publish(NodeEvent event) {
        trace.mix(event.kind().ordinal());
        trace.mix(event.node().id());
        for (SimListener listener : listeners) {
            listener.onNodeEvent(event);
        }
    }

    void durableWrite(NodeId id, byte[] key, Cell cell) {
        for (SimListener listener : listeners) {
            listener.onDurableWrite(scheduler.nowMicros(), id, key, cell);
        }
    }

    void clockSkew(long atMicros, NodeId ahead, NodeId behind, long skewMicros) {
        for (SimListener listener : listeners) {
            listener.onClockSkew(atMicros, ahead, behind, skewMicros);
        }
    }
}
