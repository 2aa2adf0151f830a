package ringdb.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import ringdb.core.NodeId;

/**
 * Watches the clocks of alive nodes: every {@link #CHECK_INTERVAL_MICROS} of simulated time it
 * measures the largest difference between two of them and raises an {@link Alarm} when it first
 * exceeds the bound (again only after it has come back under). Last-write-wins ordering across
 * coordinators is only as good as their clocks, so an operator needs to hear about this.
 */
public final class ClockSkewMonitor {
    /** How often clocks are compared, in simulated microseconds. */
    public static final long CHECK_INTERVAL_MICROS = 100_000;

    private final SimCluster cluster;
    private final long boundMicros;
    private final List<Alarm> alarms = new ArrayList<>();
    private boolean raised;

    ClockSkewMonitor(SimCluster cluster, long boundMicros) {
        this.cluster = cluster;
        this.boundMicros = boundMicros;
    }

    void start() {
        cluster.scheduler().scheduleAfter(CHECK_INTERVAL_MICROS, this::check);
    }

    private void check() {
        SimNode ahead = null;
        SimNode behind = null;
        for (SimNode node : cluster.simNodes()) {
            if (!node.isAlive()) {
                continue;
            }
            if (ahead == null || node.clock.errorMicros() > ahead.clock.errorMicros()) {
                ahead = node;
            }
            if (behind == null || node.clock.errorMicros() < behind.clock.errorMicros()) {
                behind = node;
            }
        }
        long skewMicros = ahead == null ? 0 : ahead.clock.errorMicros() - behind.clock.errorMicros();
        if (skewMicros > boundMicros && !raised) {
            raised = true;
            Alarm alarm = new Alarm(cluster.nowMicros(), ahead.id, behind.id, skewMicros, boundMicros);
            alarms.add(alarm);
            cluster.reportClockSkew(alarm.atMicros(), ahead.id, behind.id, skewMicros);
        } else if (skewMicros <= boundMicros) {
            raised = false;
        }
        cluster.scheduler().scheduleAfter(CHECK_INTERVAL_MICROS, this::check);
    }

    long currentSkewMicros() {
        long max = Long.MIN_VALUE;
        long min = Long.MAX_VALUE;
        for (SimNode node : cluster.simNodes()) {
            if (node.isAlive()) {
                max = Math.max(max, node.clock.errorMicros());
                min = Math.min(min, node.clock.errorMicros());
            }
        }
        return max == Long.MIN_VALUE ? 0 : max - min;
    }

    List<Alarm> alarms() {
        return Collections.unmodifiableList(alarms);
    }

    /** At simulated time {@code atMicros}, {@code ahead}'s clock led {@code behind}'s by {@code skewMicros}. */
    public record Alarm(long atMicros, NodeId ahead, NodeId behind, long skewMicros, long boundMicros) {
        @Override
        public String toString() {
            return String.format("clock skew %.3f s between %s (ahead) and %s exceeds the bound of %.3f s",
                    skewMicros / 1e6, ahead, behind, boundMicros / 1e6);
        }
    }
}
