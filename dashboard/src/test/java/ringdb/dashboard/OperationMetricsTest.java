package ringdb.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import ringdb.dashboard.model.MetricsPoint;

class OperationMetricsTest {
    @Test
    void windowsGiveRatesAndPercentiles() {
        OperationMetrics metrics = new OperationMetrics(1_000_000, 10);
        for (int i = 1; i <= 100; i++) {
            metrics.record(500_000, i * 10L, i % 10 != 0);
        }
        assertThat(metrics.points(999_999)).as("the window is still open").isEmpty();
        List<MetricsPoint> points = metrics.points(1_000_000);
        assertThat(points).hasSize(1);
        MetricsPoint point = points.get(0);
        assertThat(point.atMicros()).isEqualTo(1_000_000);
        assertThat(point.operationsPerSecond()).isEqualTo(100.0);
        assertThat(point.errorsPerSecond()).isEqualTo(10.0);
        assertThat(point.p50Micros()).isEqualTo(500);
        assertThat(point.p95Micros()).isEqualTo(950);
        assertThat(point.p99Micros()).isEqualTo(990);
    }

    @Test
    void idleWindowsShowZeroAndOnlyTheNewestPointsAreKept() {
        OperationMetrics metrics = new OperationMetrics(1_000_000, 3);
        metrics.record(100, 5, true);
        List<MetricsPoint> points = metrics.points(10_000_000);
        assertThat(points).hasSize(3);
        assertThat(points).allSatisfy(p -> assertThat(p.operationsPerSecond()).isZero());
        assertThat(points.get(2).atMicros()).isEqualTo(10_000_000);
    }

    @Test
    void lateRecordsCountInTheCurrentWindow() {
        OperationMetrics metrics = new OperationMetrics(1_000, 5);
        metrics.record(5_500, 1, true);
        metrics.record(4_000, 1, true);
        assertThat(metrics.points(6_000).get(0).operationsPerSecond()).isEqualTo(2_000.0);
    }
}
