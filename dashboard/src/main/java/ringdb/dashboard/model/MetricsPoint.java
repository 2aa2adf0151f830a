package ringdb.dashboard.model;

/**
 * Client operations completed in one window.
 *
 * @param atMicros            end of the window
 * @param operationsPerSecond operations completed per second in the window
 * @param errorsPerSecond     of which failed (unavailable, timeout...)
 * @param p50Micros           median latency
 * @param p95Micros           95th percentile latency
 * @param p99Micros           99th percentile latency
 */
public record MetricsPoint(long atMicros, double operationsPerSecond, double errorsPerSecond,
                           long p50Micros, long p95Micros, long p99Micros) {
}
