package ringdb.sim;

import java.util.Arrays;
import ringdb.core.Invariants;

/**
 * The simulation's one event queue. Events run in (time, sequence) order: two events scheduled for
 * the same simulated microsecond run in the order they were scheduled, so a run is a pure function
 * of its seed.
 *
 * <p>Threading: single-threaded; every call comes from the simulation thread (an event may
 * schedule further events while it runs). Time is simulated and only moves forward.
 */
public final class SimScheduler {
    private static final int CAPACITY_INITIAL = 1024;

    private Event[] heap = new Event[CAPACITY_INITIAL];
    private long[] times = new long[CAPACITY_INITIAL];
    private long[] sequences = new long[CAPACITY_INITIAL];
    private int size;
    private long nowMicros;
    private long sequence;
    private long executed;

    /** The current simulated time in microseconds since the start of the simulation. */
    public long nowMicros() {
        return nowMicros;
    }

    /** Events executed so far (cancelled events excluded). */
    public long executedCount() {
        return executed;
    }

    /** Events waiting in the queue (cancelled ones included until they reach the head). */
    public int pendingCount() {
        return size;
    }

    /** Runs {@code action} at simulated time {@code atMicros} (not before now). */
    public Event scheduleAt(long atMicros, Runnable action) {
        Invariants.check(atMicros >= nowMicros, "event scheduled in the past: %d < %d", atMicros, nowMicros);
        Event event = new Event(atMicros, sequence++, action);
        push(event);
        return event;
    }

    /** Runs {@code action} {@code delayMicros} from now (0 = after every event already due now). */
    public Event scheduleAfter(long delayMicros, Runnable action) {
        Invariants.check(delayMicros >= 0, "negative delay %d", delayMicros);
        return scheduleAt(nowMicros + delayMicros, action);
    }

    /** Time of the next live event, or {@link Long#MAX_VALUE} when the queue is empty. */
    public long nextEventMicros() {
        discardCancelledHead();
        return size == 0 ? Long.MAX_VALUE : times[0];
    }

    /** Runs the next event; returns false when the queue is empty. */
    public boolean step() {
        discardCancelledHead();
        if (size == 0) {
            return false;
        }
        Event event = pop();
        nowMicros = event.atMicros;
        executed++;
        event.action.run();
        return true;
    }

    /** Runs every event due at or before {@code untilMicros}, then sets the time to it. */
    public void runUntil(long untilMicros) {
        while (nextEventMicros() <= untilMicros) {
            step();
        }
        if (untilMicros > nowMicros) {
            nowMicros = untilMicros;
        }
    }

    private void discardCancelledHead() {
        while (size > 0 && heap[0].cancelled) {
            pop();
        }
    }

    // The heap keeps each event's (time, sequence) in primitive arrays beside it, so that sifting
    // compares longs without touching the event objects.

    private void push(Event event) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
            times = Arrays.copyOf(times, size * 2);
            sequences = Arrays.copyOf(sequences, size * 2);
        }
        long time = event.atMicros;
        long order = event.sequence;
        int index = size++;
        while (index > 0) {
            int parent = (index - 1) >>> 1;
            if (!before(time, order, times[parent], sequences[parent])) {
                break;
            }
            place(index, heap[parent], times[parent], sequences[parent]);
            index = parent;
        }
        place(index, event, time, order);
    }

    private Event pop() {
        Event head = heap[0];
        int last = --size;
        Event moved = heap[last];
        long time = times[last];
        long order = sequences[last];
        heap[last] = null;
        if (last > 0) {
            siftDown(moved, time, order);
        }
        return head;
    }

    private void siftDown(Event event, long time, long order) {
        int index = 0;
        int half = size >>> 1;
        while (index < half) {
            int child = 2 * index + 1;
            int right = child + 1;
            if (right < size && before(times[right], sequences[right], times[child], sequences[child])) {
                child = right;
            }
            if (!before(times[child], sequences[child], time, order)) {
                break;
            }
            place(index, heap[child], times[child], sequences[child]);
            index = child;
        }
        place(index, event, time, order);
    }

    private void place(int index, Event event, long time, long order) {
        heap[index] = event;
        times[index] = time;
        sequences[index] = order;
    }

    private static boolean before(long time, long order, long otherTime, long otherOrder) {
        return time < otherTime || (time == otherTime && order < otherOrder);
    }

    /** A scheduled action; {@link #cancel()} keeps it from running. */
    public static final class Event implements Comparable<Event> {
        private final long atMicros;
        private final long sequence;
        private final Runnable action;
        private boolean cancelled;

        private Event(long atMicros, long sequence, Runnable action) {
            this.atMicros = atMicros;
            this.sequence = sequence;
            this.action = action;
        }

        public long atMicros() {
            return atMicros;
        }

        public void cancel() {
            cancelled = true;
        }

        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(atMicros, other.atMicros);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }
}
