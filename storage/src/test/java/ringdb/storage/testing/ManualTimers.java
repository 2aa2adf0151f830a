package ringdb.storage.testing;

import java.util.PriorityQueue;
import ringdb.core.Clock;
import ringdb.core.Timers;

/** Simulated time for tests: a clock and timers that run only when the test advances time. */
public final class ManualTimers implements Timers, Clock {
    private record Task(long dueMicros, long sequence, Runnable action, boolean[] cancelled) {
    }

    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) -> a.dueMicros != b.dueMicros
            ? Long.compare(a.dueMicros, b.dueMicros) : Long.compare(a.sequence, b.sequence));
    private long nowMicros;
    private long sequence;

    public ManualTimers(long startMicros) {
        this.nowMicros = startMicros;
    }

    @Override
    public long nowMicros() {
        return nowMicros;
    }

    @Override
    public long monotonicMicros() {
        return nowMicros;
    }

    @Override
    public Cancellable schedule(long delayMicros, Runnable task) {
        boolean[] cancelled = new boolean[1];
        queue.add(new Task(nowMicros + Math.max(0, delayMicros), sequence++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Runs every task due within the next {@code micros}, in time order, and moves the clock. */
    public void advance(long micros) {
        long until = nowMicros + micros;
        int ran = 0;
        while (!queue.isEmpty() && queue.peek().dueMicros <= until) {
            Task task = queue.poll();
            nowMicros = Math.max(nowMicros, task.dueMicros);
            if (!task.cancelled[0]) {
                task.action.run();
            }
            if (++ran > 1_000_000) {
                throw new IllegalStateException("timers keep rescheduling at the same instant");
            }
        }
        nowMicros = until;
    }

    /** Forgets every pending task (the node they belonged to crashed). */
    public void clear() {
        queue.clear();
    }
}
