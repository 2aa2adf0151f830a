package ringdb.core.testing;

import java.util.PriorityQueue;
import ringdb.core.Clock;
import ringdb.core.Timers;

/**
 * A hand-driven clock and timer queue for single-node tests. {@link #setNow} may move the wall clock
 * backwards or forwards (the timers and the monotonic clock keep their own time); {@link #advance}
 * runs due timers in order.
 */
public final class ManualTime implements Clock, Timers {
    private record Task(long dueMicros, long sequence, Runnable action, boolean[] cancelled) {
    }

    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) -> a.dueMicros != b.dueMicros
            ? Long.compare(a.dueMicros, b.dueMicros) : Long.compare(a.sequence, b.sequence));
    private long clockMicros;
    private long timerMicros;
    private long sequence;

    public ManualTime(long startMicros) {
        clockMicros = startMicros;
    }

    @Override
    public long nowMicros() {
        return clockMicros;
    }

    /** The timers' time: moved only by {@link #advance}, never by {@link #setNow}. */
    @Override
    public long monotonicMicros() {
        return timerMicros;
    }

    /** Sets what the clock reads (may jump backwards); timers are not affected. */
    public void setNow(long micros) {
        clockMicros = micros;
    }

    @Override
    public Cancellable schedule(long delayMicros, Runnable task) {
        boolean[] cancelled = {false};
        queue.add(new Task(timerMicros + Math.max(0, delayMicros), sequence++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Advances timer time (and the clock by the same amount), running every task that falls due. */
    public void advance(long micros) {
        long target = timerMicros + micros;
        while (!queue.isEmpty() && queue.peek().dueMicros <= target) {
            Task task = queue.poll();
            clockMicros += task.dueMicros - timerMicros;
            timerMicros = task.dueMicros;
            if (!task.cancelled[0]) {
                task.action.run();
            }
        }
        clockMicros += target - timerMicros;
        timerMicros = target;
    }
}
