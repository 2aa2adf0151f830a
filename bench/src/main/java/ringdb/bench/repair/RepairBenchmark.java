package ringdb.bench.repair;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import ringdb.bench.stats.Medians;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.data.Cell;
import ringdb.core.ring.StorageKeys;
import ringdb.sim.MessageEvent;
import ringdb.sim.SimCluster;
import ringdb.sim.SimListener;

/**
 * A full repair of one node in the simulator, with range sync digests on and off: {@code nodes}
 * nodes at RF = nodes (every node replicates every key) hold {@code keys} keys of
 * {@code valueBytes}-byte values, loaded straight into the stores and flushed; then node1 repairs.
 * Two scenarios: every replica in sync, and node1 having missed {@code missedPercent} % of the
 * writes. Prints, per run and as medians: internode messages and bytes sent during the repair (gossip
 * included), range sync messages, entries received, chunks compared / fetched, and the repair's wall
 * and simulated time. Single-threaded.
 */
public final class RepairBenchmark {
    /** Benchmark settings. */
    public record Settings(int nodes, int keys, int valueBytes, double missedPercent, int runs, long seed) {
        public static Settings defaults() {
            return new Settings(3, 100_000, 100, 1.0, 3, 1);
        }
    }

    /** One measured repair. */
    public record Result(long messages, long bytes, long syncMessages, long entriesReceived, long chunksCompared,
                         long chunksFetched, long wallNanos, long simulatedMicros) {
    }

    private static final long SECOND = 1_000_000L;

    private RepairBenchmark() {
    }

    public static void run(Settings settings, PrintStream out) {
        out.printf("repair benchmark: %d nodes, RF %d, %,d keys of %d B, node1 repairs; %d runs, seed %d%n",
                settings.nodes(), settings.nodes(), settings.keys(), settings.valueBytes(), settings.runs(),
                settings.seed());
        for (double missed : new double[] {0, settings.missedPercent()}) {
            for (boolean digests : new boolean[] {true, false}) {
                List<Result> results = new ArrayList<>();
                for (int i = 0; i < settings.runs(); i++) {
                    results.add(once(settings, missed, digests, settings.seed() + i));
                }
                out.printf("%s, digests %-3s: %s%n",
                        missed == 0
                                ? "in sync"
                                : "missed " + BigDecimal.valueOf(missed).stripTrailingZeros().toPlainString() + " %",
                        digests ? "on" : "off", describeMedians(results));
            }
        }
    }

    private static String describeMedians(List<Result> results) {
        return String.format("%,.0f messages, %,.0f kB sent (%,.0f range sync messages), %,.0f entries received, "
                        + "%,.0f chunks compared, %,.0f fetched; repair %.2f s wall, %.2f s simulated (median of %d)",
                Medians.of(results, Result::messages), Medians.of(results, r -> r.bytes() / 1e3),
                Medians.of(results, Result::syncMessages), Medians.of(results, Result::entriesReceived),
                Medians.of(results, Result::chunksCompared), Medians.of(results, Result::chunksFetched),
                Medians.of(results, r -> r.wallNanos() / 1e9), Medians.of(results, r -> r.simulatedMicros() / 1e6),
                results.size());
    }

    private static Result once(Settings settings, double missedPercent, boolean digests, long seed) {
        try (SimCluster cluster = SimCluster.builder().seed(seed).nodes(settings.nodes())
                .nodeConfig(config -> config.replicationFactor(settings.nodes()).rangeSyncDigests(digests))
                .build()) {
            cluster.runFor(10 * SECOND);
            NodeId repairing = cluster.nodeIds().get(0);
            load(cluster, settings, repairing, missedPercent, seed);
            long[] syncMessages = {0};
            cluster.addListener(new SimListener() {
                @Override
                public void onMessage(MessageEvent event) {
                    if (event.outcome() == MessageEvent.Outcome.SENT && event.type().startsWith("Range")) {
                        syncMessages[0]++;
                    }
                }
            });
            long messagesBefore = cluster.network().stats().sent();
            long bytesBefore = cluster.network().bytesSent();
            long startMicros = cluster.nowMicros();
            long startNanos = System.nanoTime();
            ClientResult result = cluster.runUntil(cluster.repair(repairing), 24 * 3600 * SECOND);
            long wallNanos = System.nanoTime() - startNanos;
            if (!(result instanceof ClientResult.Repaired repaired)) {
                throw new IllegalStateException("repair of " + repairing + " failed (seed " + seed + "): " + result);
            }
            return new Result(cluster.network().stats().sent() - messagesBefore,
                    cluster.network().bytesSent() - bytesBefore, syncMessages[0], repaired.entriesReceived(),
                    repaired.chunksCompared(), repaired.chunksFetched(), wallNanos, cluster.nowMicros() - startMicros);
        }
    }

    /**
     * Puts every key into every store (RF = nodes), except that {@code lagging} misses about
     * {@code missedPercent} % of them; then flushes every store.
     */
    private static void load(SimCluster cluster, Settings settings, NodeId lagging, double missedPercent, long seed) {
        Random random = new Random(seed);
        byte[] value = new byte[settings.valueBytes()];
        long stamp = 1_700_000_000_000_000L;
        for (int i = 0; i < settings.keys(); i++) {
            byte[] key = StorageKeys.kv(ByteBuffer.allocate(12).put("key-".getBytes(StandardCharsets.UTF_8)).putLong(i)
                    .array());
            random.nextBytes(value);
            Cell cell = Cell.value(value.clone(), stamp + i);
            boolean missed = random.nextDouble() * 100 < missedPercent;
            for (NodeId replica : cluster.nodeIds()) {
                if (!missed || !replica.equals(lagging)) {
                    cluster.store(replica).apply(key, cell, error -> { });
                }
            }
            if (i % 4096 == 0) {
                cluster.runFor(1_000);
            }
        }
        cluster.runFor(SECOND);
        for (NodeId id : cluster.nodeIds()) {
            cluster.store(id).flush();
        }
        cluster.runFor(SECOND);
    }
}
