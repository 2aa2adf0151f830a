package ringdb.bench.sim;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import ringdb.bench.stats.Medians;
import ringdb.sim.SimCluster;
import ringdb.sim.check.History;
import ringdb.sim.workload.ClientWorkload;

/**
 * How fast the deterministic simulator runs a cluster: a cluster of {@code nodes} under a steady
 * closed-loop client load for {@code simulatedSeconds} of simulated time, timed on the wall clock.
 * Prints delivered messages per wall-clock second, simulated seconds per wall-clock second and
 * events per second, for each run and as the median of the measured runs. Single-threaded: it
 * measures one core.
 */
public final class SimulatorBenchmark {
    /** Benchmark settings; the defaults match {@code ringdb bench sim} with no options. */
    public record Settings(int nodes, int clients, int keys, long thinkMicrosMax, long simulatedSeconds, int runs,
                           long seed) {
        public static Settings defaults() {
            return new Settings(5, 8, 1_000, 20_000, 3_600, 3, 1);
        }
    }

    /** One measured run. */
    public record Result(long wallNanos, long cpuNanos, long simulatedMicros, long delivered, long events,
                         long operations) {
        /** Delivered messages per second of this thread's CPU time (robust on a shared machine). */
        public double deliveredPerCpuSecond() {
            return delivered / (cpuNanos / 1e9);
        }

        public double simulatedSecondsPerCpuSecond() {
            return (simulatedMicros / 1e6) / (cpuNanos / 1e9);
        }

        public double deliveredPerSecond() {
            return delivered / (wallNanos / 1e9);
        }

        public double simulatedSecondsPerSecond() {
            return (simulatedMicros / 1e6) / (wallNanos / 1e9);
        }

        public double eventsPerSecond() {
            return events / (wallNanos / 1e9);
        }
    }

    private SimulatorBenchmark() {
    }

    /** Simulated seconds of the shortest warm-up run (the JIT needs a few million events). */
    public static final long WARMUP_SECONDS_MIN = 300;

    /**
     * Runs one warm-up (a fifth of the length, at least {@link #WARMUP_SECONDS_MIN}) then
     * {@code runs} measured runs, printing each.
     */
    public static List<Result> run(Settings settings, PrintStream out) {
        out.printf("simulator benchmark: %d nodes, %d closed-loop clients over %d keys (think <= %.0f ms), "
                        + "%d simulated seconds per run, %d runs, seed %d%n", settings.nodes(), settings.clients(),
                settings.keys(), settings.thinkMicrosMax() / 1e3, settings.simulatedSeconds(), settings.runs(),
                settings.seed());
        Result warmup = once(settings, Math.max(WARMUP_SECONDS_MIN, settings.simulatedSeconds() / 5));
        out.printf("  warm-up: %s%n", describe(warmup));
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < settings.runs(); i++) {
            Result result = once(settings, settings.simulatedSeconds());
            results.add(result);
            out.printf("  run %d:   %s%n", i + 1, describe(result));
        }
        out.printf("median: %,.0f delivered messages/s (%,.0f per cpu s), %,.1f simulated s per wall s "
                        + "(%,.1f per cpu s), %,.0f events/s; %d simulated s took %.1f s wall%n",
                Medians.of(results, Result::deliveredPerSecond), Medians.of(results, Result::deliveredPerCpuSecond),
                Medians.of(results, Result::simulatedSecondsPerSecond),
                Medians.of(results, Result::simulatedSecondsPerCpuSecond),
                Medians.of(results, Result::eventsPerSecond), settings.simulatedSeconds(),
                Medians.of(results, r -> r.wallNanos() / 1e9));
        return results;
    }

    private static Result once(Settings settings, long simulatedSeconds) {
        try (SimCluster cluster = SimCluster.builder().seed(settings.seed()).nodes(settings.nodes()).build()) {
            History history = new History();
            ClientWorkload workload = new ClientWorkload(cluster, cluster.newRandom(), history, settings.clients(),
                    settings.keys(), settings.thinkMicrosMax());
            workload.start();
            long eventsBefore = cluster.scheduler().executedCount();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            cluster.runFor(simulatedSeconds * 1_000_000L);
            long wallNanos = System.nanoTime() - start;
            long cpuNanos = threads.getCurrentThreadCpuTime() - cpuStart;
            return new Result(wallNanos, cpuNanos, simulatedSeconds * 1_000_000L, cluster.network().stats().delivered(),
                    cluster.scheduler().executedCount() - eventsBefore, history.operations().size());
        }
    }

    private static String describe(Result result) {
        return String.format("%.2f s wall (%.2f s cpu), %,d messages delivered (%,.0f/s wall, %,.0f/s cpu), "
                        + "%,.1f simulated s per wall s, %,d events (%,.0f/s), %,d client operations",
                result.wallNanos() / 1e9, result.cpuNanos() / 1e9, result.delivered(), result.deliveredPerSecond(),
                result.deliveredPerCpuSecond(), result.simulatedSecondsPerSecond(), result.events(),
                result.eventsPerSecond(), result.operations());
    }
}
