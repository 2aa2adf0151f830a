package ringdb.bench.membership;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import ringdb.bench.stats.Medians;
import ringdb.core.NodeId;
import ringdb.core.data.Cell;
import ringdb.core.node.NodeEvent;
import ringdb.core.ring.Ring;
import ringdb.core.ring.StorageKeys;
import ringdb.core.streaming.StreamProgress;
import ringdb.sim.SimCluster;
import ringdb.sim.SimListener;
import ringdb.core.ring.Partitioner;

/**
 * Bootstrap streaming in the simulator: a cluster of {@code nodes} holding about
 * {@code dataBytesPerNode} bytes per node (RF 2) gains one node, which streams its ranges. Prints,
 * per run and as medians: the bytes streamed, the wall-clock time of the stream and of the whole
 * 3 → 4 bootstrap (ring delays included), the streaming rate in MB/s of wall time (how fast the
 * simulator moves the data) and in MB/s of simulated time (what the configured throttle allows).
 * The data is loaded straight into each replica's store (no client path) and flushed, so the
 * stream reads tables as it would after a restart. Single-threaded.
 */
public final class StreamingBenchmark {
    /** Benchmark settings; {@code throughputBytesPerSecond} 0 streams unthrottled. */
    public record Settings(int nodes, long dataBytesPerNode, int valueBytes, long throughputBytesPerSecond, int runs,
                           long seed) {
        public static Settings defaults() {
            return new Settings(3, 64L << 20, 1024, 0, 3, 1);
        }
    }

    /** One measured bootstrap. */
    public record Result(long bytesStreamed, long entriesStreamed, long streamWallNanos, long streamSimulatedMicros,
                         long bootstrapWallNanos, long bootstrapSimulatedMicros) {
        public double wallMegabytesPerSecond() {
            return bytesStreamed / 1e6 / (streamWallNanos / 1e9);
        }

        public double simulatedMegabytesPerSecond() {
            return bytesStreamed / 1e6 / (streamSimulatedMicros / 1e6);
        }
    }

    private static final long SECOND = 1_000_000L;

    private StreamingBenchmark() {
    }

    public static List<Result> run(Settings settings, PrintStream out) {
        out.printf("streaming benchmark: %d -> %d nodes, ~%d MiB per node (RF 2, %d-byte values), throttle %s, "
                        + "%d runs, seed %d%n",
                settings.nodes(), settings.nodes() + 1, settings.dataBytesPerNode() >> 20,
                settings.valueBytes(), settings.throughputBytesPerSecond() == 0 ? "none"
                        : String.format("%.1f MB/s", settings.throughputBytesPerSecond() / 1e6),
                settings.runs(), settings.seed());
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < settings.runs(); i++) {
            Result result = once(settings, settings.seed() + i);
            results.add(result);
            out.printf("  run %d: %s%n", i + 1, describe(result));
        }
        out.printf("median: stream %.1f MB/s of wall time, %.1f MB/s of simulated time; bootstrap %.1f s wall, "
                        + "%.1f s simulated%n", Medians.of(results, Result::wallMegabytesPerSecond),
                Medians.of(results, Result::simulatedMegabytesPerSecond),
                Medians.of(results, r -> r.bootstrapWallNanos() / 1e9),
                Medians.of(results, r -> r.bootstrapSimulatedMicros() / 1e6));
        return results;
    }

    private static String describe(Result r) {
        return String.format("%.1f MB in %,d entries; stream %.2f s wall (%.1f MB/s), %.2f s simulated (%.1f MB/s); "
                        + "bootstrap %.2f s wall, %.1f s simulated", r.bytesStreamed() / 1e6, r.entriesStreamed(),
                r.streamWallNanos() / 1e9, r.wallMegabytesPerSecond(), r.streamSimulatedMicros() / 1e6,
                r.simulatedMegabytesPerSecond(), r.bootstrapWallNanos() / 1e9, r.bootstrapSimulatedMicros() / 1e6);
    }

    private static Result once(Settings settings, long seed) {
        try (SimCluster cluster = SimCluster.builder().seed(seed).nodes(settings.nodes())
                .nodeConfig(config -> config.streamThroughputBytesPerSecond(settings.throughputBytesPerSecond()))
                .build()) {
            cluster.runFor(5 * SECOND);
            load(cluster, settings);
            long[] streamMicros = {-1, -1};
            long[] streamNanos = {-1, -1};
            cluster.addListener(new SimListener() {
                @Override
                public void onNodeEvent(NodeEvent event) {
                    if (event.kind() == NodeEvent.Kind.STREAM_PROGRESS && event.detail().startsWith("bootstrap of")) {
                        int index = event.detail().endsWith("(DONE)") ? 1 : 0;
                        if (index == 1 || streamMicros[0] < 0) {
                            streamMicros[index] = cluster.nowMicros();
                            streamNanos[index] = System.nanoTime();
                        }
                    }
                }
            });
            long startMicros = cluster.nowMicros();
            long startNanos = System.nanoTime();
            NodeId added = cluster.addNode();
            if (!cluster.runUntil(() -> cluster.isNormal(added), 24 * 3600 * SECOND)) {
                throw new IllegalStateException(added + " did not join within a simulated day (seed " + seed + ")");
            }
            long bootstrapNanos = System.nanoTime() - startNanos;
            long bootstrapMicros = cluster.nowMicros() - startMicros;
            StreamProgress done = cluster.node(added).status().streams().stream()
                    .filter(p -> p.name().startsWith("bootstrap of")).reduce((a, b) -> b).orElseThrow();
            return new Result(done.bytesReceived(), done.entriesReceived(), streamNanos[1] - streamNanos[0],
                    Math.max(1, streamMicros[1] - streamMicros[0]), bootstrapNanos, bootstrapMicros);
        }
    }

    /** Puts the data straight into the stores of each key's replicas, then flushes every store. */
    private static void load(SimCluster cluster, Settings settings) {
        Ring ring = cluster.node(cluster.nodeIds().get(0)).ring();
        long keys = settings.dataBytesPerNode() * settings.nodes() / (2L * settings.valueBytes());
        Random random = new Random(settings.seed());
        byte[] value = new byte[settings.valueBytes()];
        long stamp = 1_700_000_000_000_000L;
        for (long i = 0; i < keys; i++) {
            byte[] key = StorageKeys.kv(ByteBuffer.allocate(16).put("k".getBytes(StandardCharsets.UTF_8)).putLong(i)
                    .array());
            random.nextBytes(value);
            Cell cell = Cell.value(value.clone(), stamp + i);
            for (NodeId replica : ring.replicasForKey(Partitioner.SHA1, key)) {
                cluster.store(replica).apply(key, cell, error -> { });
            }
            if (i % 4096 == 0) {
                cluster.runFor(1_000);
            }
        }
        cluster.runFor(SECOND);
        for (NodeId id : cluster.nodeIds()) {
            cluster.store(id).flush();
        }
    }
}
