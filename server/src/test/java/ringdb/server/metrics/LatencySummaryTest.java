package ringdb.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The latency summary an operator scrapes: per operation a count and a sum since start, and quantiles
 * of the last window's latencies within 1 % of the exact ones; a new window forgets the latencies of the
 * previous one but not the count and sum.
 */
class LatencySummaryTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong clock = new AtomicLong(5 * SECOND);
    private final LatencySummary summary = new LatencySummary("test_latency_seconds", "latency", "operation",
            new double[] {0.5, 0.95, 0.99, 0.999}, 60, clock::get);

    @Test
    void quantilesCountAndSumOfTheObservations() {
        for (int i = 1; i <= 1000; i++) {
            summary.observe("get", i * 1_000_000L); // 1 ms .. 1 s
        }
        summary.observe("put", 2_000_000L);
        SummaryDataPointSnapshot get = point("get");
        assertThat(get.getCount()).isEqualTo(1000);
        assertThat(get.getSum()).isCloseTo(500.5, within(1e-6));
        double[] expected = {0.5, 0.95, 0.99, 0.999};
        for (int i = 0; i < expected.length; i++) {
            assertThat(get.getQuantiles().get(i).getQuantile()).isEqualTo(expected[i]);
            assertThat(get.getQuantiles().get(i).getValue()).isCloseTo(expected[i], within(expected[i] * 0.01));
        }
        assertThat(point("put").getQuantiles().get(2).getValue()).isCloseTo(0.002, within(0.00002));
    }

    @Test
    void aNewWindowForgetsOldLatenciesButCountsThem() {
        summary.observe("get", 900_000_000L);
        assertThat(point("get").getQuantiles().get(0).getValue()).isCloseTo(0.9, within(0.009));
        clock.addAndGet(61 * SECOND);
        assertThat(point("get").getQuantiles().get(0).getValue()).as("no latency in the new window").isNaN();
        summary.observe("get", 3_000_000L);
        SummaryDataPointSnapshot get = point("get");
        assertThat(get.getQuantiles().get(3).getValue()).isCloseTo(0.003, within(0.00003));
        assertThat(get.getCount()).isEqualTo(2);
        assertThat(get.getSum()).isCloseTo(0.903, within(1e-9));
    }

    @Test
    void scrapedAsAPrometheusSummary() throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(summary);
        summary.observe("put", 4_000_000L);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("# TYPE test_latency_seconds summary")
                .contains("test_latency_seconds{operation=\"put\",quantile=\"0.99\"} 0.004")
                .contains("test_latency_seconds_count{operation=\"put\"} 1")
                .contains("test_latency_seconds_sum{operation=\"put\"} 0.004");
    }

    private SummaryDataPointSnapshot point(String operation) {
        SummarySnapshot snapshot = (SummarySnapshot) summary.collect();
        return snapshot.getDataPoints().stream()
                .filter(p -> p.getLabels().get("operation").equals(operation)).findFirst().orElseThrow();
    }
}
