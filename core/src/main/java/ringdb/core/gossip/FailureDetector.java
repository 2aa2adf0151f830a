package ringdb.core.gossip;

import java.util.HashMap;
import java.util.Map;
import ringdb.core.NodeId;

/**
 * Phi accrual failure detector over heartbeat arrival times (Hayashibara et al., as in Cassandra):
 * phi = (time since the last heartbeat / mean inter-arrival time) / ln 10, which assumes
 * exponentially distributed arrivals. A peer is convicted when phi exceeds the threshold.
 *
 * <p>Each peer keeps a bounded window of recent intervals; intervals longer than
 * {@code intervalMicrosMax} (a pause, a partition) are left out so they do not make the detector
 * slow to convict afterwards. Not thread-safe; times are the owner's monotonic clock in microseconds.
 */
public final class FailureDetector {
    /** Intervals remembered per peer. */
    public static final int WINDOW_SIZE = 100;
    private static final double PHI_FACTOR = 1.0 / Math.log(10.0);

    private final long initialIntervalMicros;
    private final long intervalMicrosMax;
    private final Map<NodeId, ArrivalWindow> windows = new HashMap<>();

    /**
     * @param initialIntervalMicros interval assumed before any was measured (twice the gossip interval)
     * @param intervalMicrosMax     longer intervals are not recorded
     */
    public FailureDetector(long initialIntervalMicros, long intervalMicrosMax) {
        if (initialIntervalMicros <= 0 || intervalMicrosMax < initialIntervalMicros) {
            throw new IllegalArgumentException("need 0 < initialIntervalMicros <= intervalMicrosMax, got "
                    + initialIntervalMicros + " and " + intervalMicrosMax);
        }
        this.initialIntervalMicros = initialIntervalMicros;
        this.intervalMicrosMax = intervalMicrosMax;
    }

    /** A heartbeat from {@code peer} arrived at {@code nowMicros}. */
    public void report(NodeId peer, long nowMicros) {
        windows.computeIfAbsent(peer, p -> new ArrivalWindow()).add(nowMicros);
    }

    /** Phi of {@code peer} at {@code nowMicros}; 0 for a peer never heard from. */
    public double phi(NodeId peer, long nowMicros) {
        ArrivalWindow window = windows.get(peer);
        return window == null ? 0.0 : window.phi(nowMicros);
    }

    /** When the last heartbeat of {@code peer} arrived, or -1. */
    public long lastArrivalMicros(NodeId peer) {
        ArrivalWindow window = windows.get(peer);
        return window == null ? -1 : window.lastMicros;
    }

    /** Forgets {@code peer} (it restarted with a new generation, or left). */
    public void remove(NodeId peer) {
        windows.remove(peer);
    }

    /** Mean of the recorded intervals of {@code peer}, in microseconds (for status views and tests). */
    public double meanIntervalMicros(NodeId peer) {
        ArrivalWindow window = windows.get(peer);
        return window == null ? initialIntervalMicros : window.mean();
    }

    private final class ArrivalWindow {
        private final long[] intervals = new long[WINDOW_SIZE];
        private int count;
        private int next;
        private long sum;
        private long lastMicros = -1;

        void add(long nowMicros) {
            if (lastMicros < 0) {
                record(initialIntervalMicros);
            } else {
                long interval = nowMicros - lastMicros;
                if (interval > 0 && interval <= intervalMicrosMax) {
                    record(interval);
                }
            }
            lastMicros = Math.max(lastMicros, nowMicros);
        }

        private void record(long interval) {
            if (count == intervals.length) {
                sum -= intervals[next];
            } else {
                count++;
            }
            intervals[next] = interval;
            sum += interval;
            next = (next + 1) % intervals.length;
        }

        double mean() {
            return count == 0 ? initialIntervalMicros : (double) sum / count;
        }

        double phi(long nowMicros) {
            long since = Math.max(0, nowMicros - lastMicros);
            return PHI_FACTOR * since / mean();
        }
    }
}
