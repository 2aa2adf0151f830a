package ringdb.bench.storage;

import java.util.PriorityQueue;
import ringdb.core.Clock;
import ringdb.core.Timers;

/**
 * Real-time {@link Timers} and {@link Clock} for a benchmark's single driving thread: due tasks run
 * when that thread calls {@link #runDue()}, so they never race with the engine calls it makes.
 */
final class PolledTimers implements Timers, Clock {
    private record Task(long dueNanos, long sequence, Runnable action, boolean[] cancelled) {
    }

    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) -> a.dueNanos != b.dueNanos
            ? Long.compare(a.dueNanos, b.dueNanos) : Long.compare(a.sequence, b.sequence));
    private final long originNanos = System.nanoTime();
    private long sequence;

    @Override
    public long nowMicros() {
        return System.currentTimeMillis() * 1000;
    }

    @Override
    public long monotonicMicros() {
        return (System.nanoTime() - originNanos) / 1000;
    }

    @Override
    public Cancellable schedule(long delayMicros, Runnable task) {
        boolean[] cancelled = new boolean[1];
        queue.add(new Task(System.nanoTime() + delayMicros * 1000, sequence++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Runs the tasks that are due; called by the driving thread between operations. */
    void runDue() {
        long now = System.nanoTime();
        while (!queue.isEmpty() && queue.peek().dueNanos <= now) {
            Task task = queue.poll();
            if (!task.cancelled[0]) {
                task.action.run();
            }
        }
    }
}
