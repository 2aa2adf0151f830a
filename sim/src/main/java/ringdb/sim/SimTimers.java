package ringdb.sim;

import java.util.function.Consumer;
import ringdb.core.Timers;

/**
 * One node incarnation's timers: each task becomes an event in the shared {@link SimScheduler}.
 * When the node crashes or stops, {@link #close()} makes every pending task of this incarnation a
 * no-op, as a dead process's timers never fire. Tasks run inside {@code runner}, which attributes
 * failures to the node.
 *
 * <p>Threading: simulation thread only.
 */
final class SimTimers implements Timers {
    private final SimScheduler scheduler;
    private final Consumer<Runnable> runner;
    private boolean closed;

    SimTimers(SimScheduler scheduler, Consumer<Runnable> runner) {
        this.scheduler = scheduler;
        this.runner = runner;
    }

    @Override
    public Cancellable schedule(long delayMicros, Runnable task) {
        if (delayMicros < 0) {
            throw new IllegalArgumentException("timer delay must be >= 0 microseconds, got " + delayMicros);
        }
        SimScheduler.Event event = scheduler.scheduleAfter(delayMicros, () -> {
            if (!closed) {
                runner.accept(task);
            }
        });
        return event::cancel;
    }

    void close() {
        closed = true;
    }

    boolean isClosed() {
        return closed;
    }
}
