package ringdb.core;

/**
 * Schedules work on the owning node's thread. In the simulator a timer is an event in the
 * simulated queue; in the real runtime it is a task on the node's single-threaded executor.
 * Tasks never run concurrently with other work of the same node.
 */
public interface Timers {
    /** Runs {@code task} after {@code delayMicros} (0 = as soon as possible, after the current event). */
    Cancellable schedule(long delayMicros, Runnable task);

    /** A handle to a scheduled task; cancelling a task that already ran does nothing. */
    interface Cancellable {
        void cancel();
    }
}
