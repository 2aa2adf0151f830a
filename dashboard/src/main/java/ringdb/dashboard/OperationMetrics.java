package ringdb.dashboard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import ringdb.core.Invariants;
import ringdb.dashboard.model.MetricsPoint;

/**
 * Aggregates completed client operations into fixed windows of cluster time: operations per second,
 * errors per second and latency percentiles per window, keeping the latest {@code pointsMax} windows.
 * The page receives these points, never the individual operations.
 *
 * <p>Threading: thread-safe (synchronized); cheap enough for every operation of a node.
 */
public final class OperationMetrics {
    /** Latencies kept per window for percentiles; beyond it, later samples overwrite earlier ones. */
    static final int SAMPLES_PER_WINDOW_MAX = 1 << 16;

    private final long windowMicros;
    private final int pointsMax;
    private final ArrayDeque<MetricsPoint> points = new ArrayDeque<>();
    private final long[] samples = new long[SAMPLES_PER_WINDOW_MAX];
    private long windowIndex = Long.MIN_VALUE;
    private long operations;
    private long errors;

    public OperationMetrics(long windowMicros, int pointsMax) {
        Invariants.check(windowMicros > 0, "windowMicros must be positive, got %d", windowMicros);
        Invariants.check(pointsMax > 0, "pointsMax must be positive, got %d", pointsMax);
        this.windowMicros = windowMicros;
        this.pointsMax = pointsMax;
    }

    /** Records one operation that completed at {@code completedAtMicros} after {@code latencyMicros}. */
    public synchronized void record(long completedAtMicros, long latencyMicros, boolean ok) {
        advanceTo(Math.floorDiv(completedAtMicros, windowMicros));
        samples[(int) (operations % SAMPLES_PER_WINDOW_MAX)] = Math.max(0, latencyMicros);
        operations++;
        if (!ok) {
            errors++;
        }
    }

    /** Closed windows up to {@code nowMicros}, oldest first (an idle window shows zero operations). */
    public synchronized List<MetricsPoint> points(long nowMicros) {
        advanceTo(Math.floorDiv(nowMicros, windowMicros));
        return new ArrayList<>(points);
    }

    private void advanceTo(long index) {
        if (windowIndex == Long.MIN_VALUE) {
            windowIndex = index;
            return;
        }
        if (index <= windowIndex) {
            return;
        }
        closeWindow();
        long emptyWindows = Math.min(index - windowIndex - 1, pointsMax);
        for (long i = emptyWindows; i > 0; i--) {
            add(new MetricsPoint((index - i + 1) * windowMicros, 0, 0, 0, 0, 0));
        }
        windowIndex = index;
    }

    private void closeWindow() {
        double seconds = windowMicros / 1_000_000.0;
        int count = (int) Math.min(operations, SAMPLES_PER_WINDOW_MAX);
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        add(new MetricsPoint((windowIndex + 1) * windowMicros, operations / seconds, errors / seconds,
                percentile(sorted, 0.50), percentile(sorted, 0.95), percentile(sorted, 0.99)));
        operations = 0;
        errors = 0;
    }

    private void add(MetricsPoint point) {
        points.addLast(point);
        while (points.size() > pointsMax) {
            points.removeFirst();
        }
    }

    /** Nearest-rank percentile; 0 for an empty window. */
    static long percentile(long[] sorted, double fraction) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
