package ringdb.server.metrics;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A Prometheus summary of latencies by one label ({@code operation}): a count and a sum since start, and
 * quantiles over a window that restarts every {@code windowSeconds} (the latencies of the last 0 to
 * {@code windowSeconds} seconds).
 *
 * <p>An observation is a counter increment, a sum and a record into a histogram of two significant
 * digits (each value within 1 % of the value recorded), a few array writes. The quantiles are worked out
 * when metrics are scraped. A quantile sketch updated per observation (Prometheus' own summary) did its
 * sorting and merging inside every 128th request, a few percent of a node's CPU under load.
 */
final class LatencySummary implements Collector {
    private static final double NANOS_PER_SECOND = 1e9;
    private static final int SIGNIFICANT_DIGITS = 2;

    private final MetricMetadata metadata;
    private final String labelName;
    private final double[] quantiles;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Series> series = new ConcurrentHashMap<>();

    LatencySummary(String name, String help, String labelName, double[] quantiles, long windowSeconds,
                   LongSupplier nanoClock) {
        this.metadata = new MetricMetadata(name, help);
        this.labelName = labelName;
        this.quantiles = quantiles.clone();
        this.windowNanos = windowSeconds * 1_000_000_000L;
        this.nanoClock = nanoClock;
    }

    /** Records a latency of {@code nanos} (negative counts as 0) for {@code label}; any thread. */
    void observe(String label, long nanos) {
        Series s = series.computeIfAbsent(label, l -> new Series(nanoClock.getAsLong()));
        long now = nanoClock.getAsLong();
        if (now - s.windowStart >= windowNanos) {
            s.restart(now, windowNanos);
        }
        long value = Math.max(0, nanos);
        s.recorder.recordValue(value);
        s.sum.add(value / NANOS_PER_SECOND);
        s.count.increment();
    }

    @Override
    public MetricSnapshot collect() {
        List<SummaryDataPointSnapshot> points = new ArrayList<>();
        for (Map.Entry<String, Series> entry : new TreeMap<>(series).entrySet()) {
            Series s = entry.getValue();
            long now = nanoClock.getAsLong();
            if (now - s.windowStart >= windowNanos) {
                s.restart(now, windowNanos);
            }
            List<Quantile> values = new ArrayList<>(quantiles.length);
            Histogram window = s.window();
            for (double q : quantiles) {
                values.add(new Quantile(q, window.getTotalCount() == 0 ? Double.NaN
                        : window.getValueAtPercentile(q * 100) / NANOS_PER_SECOND));
            }
            points.add(new SummaryDataPointSnapshot(s.count.sum(), s.sum.sum(), Quantiles.of(values),
                    Labels.of(labelName, entry.getKey()), Exemplars.EMPTY, s.createdMillis));
        }
        return new SummarySnapshot(metadata, points);
    }

    @Override
    public String getPrometheusName() {
        return metadata.getPrometheusName();
    }

    /** One label value's count, sum and window of latencies. */
    private static final class Series {
        final long createdMillis = System.currentTimeMillis();
        final LongAdder count = new LongAdder();
        final DoubleAdder sum = new DoubleAdder();
        /** Observations since the window was last read or restarted; its writers never wait. */
        final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS);
        /** The window's observations read from {@link #recorder} so far; under this series' lock. */
        private final Histogram held = new Histogram(SIGNIFICANT_DIGITS);
        private Histogram interval;
        volatile long windowStart;

        Series(long now) {
            windowStart = now;
        }

        /** Starts a new window at {@code now}, unless another thread just did. */
        synchronized void restart(long now, long windowNanos) {
            if (now - windowStart < windowNanos) {
                return;
            }
            interval = recorder.getIntervalHistogram(interval);
            held.reset();
            windowStart = now;
        }

        /** The observations of the current window. */
        synchronized Histogram window() {
            interval = recorder.getIntervalHistogram(interval);
            held.add(interval);
            return held.copy();
        }
    }
}
