package ringdb.bench.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import ringdb.client.RingClient;

/**
 * The bootstrap benchmark over real processes on 127.0.0.1: starts a cluster of {@code nodes} nodes
 * in a fresh directory, loads about {@code dataBytesPerNode} per node, waits until the nodes' table
 * files stop changing (flushes and compactions done), adds one node with auto_bootstrap and follows
 * it to NORMAL, then reads a sample of keys back at QUORUM through the new node. Prints progress
 * lines and the figures; always stops the nodes it started. One run per instance. The node
 * processes come from a {@link NodeProcesses.Factory} (the CLI's local cluster).
 */
public final class BootstrapBenchmark {
    private static final long MIB = 1L << 20;

    /**
     * What to run. {@code throttleBytesPerSecond} 0 = unthrottled; {@code ringDelayMillis} -1 = the
     * server's default; {@code directory} null = a fresh temporary directory, deleted afterwards
     * unless {@code keepData}.
     */
    public record Settings(int nodes, int replicationFactor, long dataBytesPerNode, int valueBytes, int loadThreads,
                           String writeConsistency, long throttleBytesPerSecond, long ringDelayMillis, String heap,
                           int baseInternodePort, int baseHttpPort, int verifyKeys, long settleSecondsMax,
                           long progressSeconds, Path directory, boolean keepData, List<String> serverFlags) {
        /** Null when the settings can run; else what is wrong, in words for the command line. */
        public String problem() {
            if (nodes < 1 || nodes > 32) {
                return "--nodes must be between 1 and 32, got " + nodes;
            }
            if (replicationFactor < 1 || replicationFactor > nodes) {
                return "--rf must be between 1 and --nodes (" + nodes + "), got " + replicationFactor;
            }
            if (valueBytes < 1 || valueBytes > MIB) {
                return "--value-bytes must be between 1 and 1048576, got " + valueBytes;
            }
            if (dataBytesPerNode < valueBytes) {
                return "--data-mib must be at least 1 (" + dataBytesPerNode / MIB + " MiB per node gives no key)";
            }
            if (loadThreads < 1 || loadThreads > 1024) {
                return "--threads must be between 1 and 1024, got " + loadThreads;
            }
            if (throttleBytesPerSecond < 0) {
                return "--throttle-mibps must be 0 (unthrottled) or more";
            }
            if (verifyKeys < 0 || settleSecondsMax < 0 || progressSeconds < 1) {
                return "--verify-keys and --settle-seconds must be >= 0 and --progress-seconds >= 1";
            }
            return null;
        }

        long keys() {
            return dataBytesPerNode * nodes / replicationFactor / valueBytes;
        }

        NodeProcesses.Settings nodeSettings(int nodeCount) {
            return new NodeProcesses.Settings(nodeCount, replicationFactor, baseInternodePort, baseHttpPort,
                    throttleBytesPerSecond, ringDelayMillis, serverFlags, heap);
        }
    }

    /**
     * The figures. Times in nanoseconds; a step never seen is -1. {@code streamedBytes} and
     * {@code streamedEntries} as the new node's stream session counts them (keys, values and
     * timestamps received); {@code internodeBytesReceived} what its transport received from its first
     * HTTP answer to the stream's end (frames, including gossip), -1 when unknown.
     */
    public record Result(BenchData.LoadResult load, List<Long> loadBytesPerNode, long settleNanos, boolean settled,
                         long toAnsweringNanos, long toJoiningNanos, long toStreamStartNanos, long toStreamDoneNanos,
                         long toNormalNanos, long toAllNormalNanos, long streamedBytes, long streamedEntries,
                         long streamThrottleBytesPerSecond, long internodeBytesReceived, long newNodeLoadBytes,
                         BenchData.VerifyResult verify) {
        public double streamSeconds() {
            return (toStreamDoneNanos - toStreamStartNanos) / 1e9;
        }
    }

    private final Settings settings;
    private final NodeProcesses.Factory processes;
    private final PrintStream out;
    private final NodeMetrics metrics = new NodeMetrics();

    public BootstrapBenchmark(Settings settings, NodeProcesses.Factory processes, PrintStream out) {
        String problem = settings.problem();
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        this.settings = settings;
        this.processes = processes;
        this.out = out;
    }

    /**
     * Runs the benchmark and prints its figures; the nodes are stopped (and the data deleted, unless
     * kept) however it ends.
     */
    public Result run() {
        Path directory = directory();
        NodeProcesses cluster = processes.open(directory, out);
        Thread stopper = new Thread(() -> cluster.stop(Duration.ofSeconds(10)), "bootbench-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            Result result = measure(cluster);
            print(result);
            return result;
        } finally {
            cluster.stop(Duration.ofSeconds(30));
            Runtime.getRuntime().removeShutdownHook(stopper);
            if (!settings.keepData()) {
                delete(directory);
            } else {
                out.println("data kept under " + directory);
            }
        }
    }

    private Result measure(NodeProcesses cluster) {
        List<String> hosts = cluster.start(settings.nodeSettings(settings.nodes()), Duration.ofSeconds(120)).stream()
                .map(NodeProcesses.Node::httpAddress).toList();
        BenchData data = new BenchData(settings.keys(), settings.valueBytes(), 1);
        out.printf("loading %,d keys of %d B (%.0f MiB of values, about %d MiB per node at RF %d) at %s "
                        + "with %d threads%n",
                data.keys(), settings.valueBytes(), data.keys() * (double) settings.valueBytes() / MIB,
                settings.dataBytesPerNode() / MIB, settings.replicationFactor(), settings.writeConsistency(),
                settings.loadThreads());
        BenchData.LoadResult load;
        try (RingClient client = new RingClient(hosts, new RingClient.Options(30_000, 5_000, 3, true))) {
            load = data.load(client, settings.writeConsistency(), settings.loadThreads(), settings.progressSeconds(),
                    out);
        }
        out.printf("loaded in %.1f s: %,.0f puts/s, %.1f MB/s of values (%d retried puts)%n", load.nanos() / 1e9,
                load.putsPerSecond(), load.putsPerSecond() * settings.valueBytes() / 1e6, load.retries());
        long settleStart = System.nanoTime();
        boolean settled = awaitSettled(hosts);
        long settleNanos = System.nanoTime() - settleStart;
        List<Long> loads = hosts.stream().map(this::selfLoadBytes).toList();
        out.println("load per node: " + loads.stream().map(b -> String.format("%.1f MiB", b / (double) MIB)).toList());
        return bootstrap(cluster, data, load, loads, settleNanos, settled);
    }

    private Result bootstrap(NodeProcesses cluster, BenchData data, BenchData.LoadResult load, List<Long> loads,
                             long settleNanos, boolean settled) {
        int newIndex = settings.nodes() + 1;
        NodeProcesses.Settings add = settings.nodeSettings(1);
        out.printf("adding node%d (stream throttle %s, ring delay %s)%n", newIndex,
                settings.throttleBytesPerSecond() == 0
                        ? "none" : String.format("%.1f MiB/s", settings.throttleBytesPerSecond() / (double) MIB),
                settings.ringDelayMillis() < 0 ? "the default" : settings.ringDelayMillis() + " ms");
        long start = System.nanoTime();
        BootstrapWatch watch = new BootstrapWatch(start, settings.progressSeconds(), out);
        CompletableFuture<List<NodeProcesses.Node>> added = CompletableFuture.supplyAsync(
                () -> cluster.add(1, add, Duration.ofHours(2)), runnable -> {
                    Thread thread = new Thread(runnable, "bootbench-add");
                    thread.setDaemon(true);
                    thread.start();
                });
        double receivedBefore = Double.NaN;
        double receivedAtDone = Double.NaN;
        try {
            while (!added.isDone()) {
                if (!watch.following()) {
                    cluster.nodes().stream().filter(m -> m.index() == newIndex).findFirst()
                            .ifPresent(m -> watch.follow(m.httpAddress()));
                }
                watch.poll();
                if (Double.isNaN(receivedBefore) && watch.answeringNanos() >= 0) {
                    receivedBefore = internodeBytesReceived(watch.httpAddress());
                }
                if (watch.streamDoneNanos() >= 0 && Double.isNaN(receivedAtDone)) {
                    receivedAtDone = internodeBytesReceived(watch.httpAddress());
                }
                await(added);
            }
            long allNormal = System.nanoTime() - start;
            added.join();
            watch.poll();
            return result(watch, start, allNormal, receivedAtDone - receivedBefore, data, load, loads, settleNanos,
                    settled);
        } finally {
            watch.close();
        }
    }

    private Result result(BootstrapWatch watch, long start, long allNormalNanos, double internodeBytes, BenchData data,
                          BenchData.LoadResult load, List<Long> loads, long settleNanos, boolean settled) {
        JsonNode stream = watch.lastStream();
        long newLoad = selfLoadBytes(watch.httpAddress());
        out.printf("verifying %d keys at QUORUM through node%d%n", settings.verifyKeys(), settings.nodes() + 1);
        BenchData.VerifyResult verify = data.verify(watch.httpAddress(), "QUORUM", settings.verifyKeys());
        return new Result(load, loads, settleNanos, settled,
                since(start, watch.answeringNanos()), since(start, watch.joiningNanos()),
                since(start, watch.streamStartNanos()), since(start, watch.streamDoneNanos()),
                since(start, watch.normalNanos()), allNormalNanos,
                stream == null ? 0 : stream.path("bytes_received").asLong(),
                stream == null ? 0 : stream.path("entries_received").asLong(),
                stream == null ? -1 : stream.path("throttle_bytes_per_second").asLong(),
                Double.isNaN(internodeBytes) ? -1 : (long) internodeBytes, newLoad, verify);
    }

    private static long since(long start, long at) {
        return at < 0 ? -1 : at - start;
    }

    private static void await(CompletableFuture<?> future) {
        try {
            future.get(BootstrapWatch.POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // still joining: poll again
        } catch (ExecutionException e) {
            // reported by join()
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the node joined", e);
        }
    }

    private double internodeBytesReceived(String httpAddress) {
        try {
            return NodeMetrics.value(metrics.scrape(httpAddress), "ringdb_internode_bytes{direction=\"received\"}");
        } catch (IllegalStateException e) {
            return Double.NaN;
        }
    }

    private long selfLoadBytes(String httpAddress) {
        try (RingClient client = new RingClient(List.of(httpAddress),
                new RingClient.Options(10_000, 60_000, 1, false))) {
            for (JsonNode member : client.cluster().path("members")) {
                if (member.path("self").asBoolean()) {
                    return member.path("load_bytes").asLong();
                }
            }
            return -1;
        }
    }

    /**
     * Waits until the number and bytes of table files of every node stayed the same for five
     * seconds in a row (the memtable flushes and compactions the load caused are over), at most
     * {@code settleSecondsMax} (0 = not at all). Returns whether they settled.
     */
    private boolean awaitSettled(List<String> hosts) {
        if (settings.settleSecondsMax() == 0) {
            out.println("not waiting for the tables to settle (--settle-seconds 0): " + tablesState(hosts));
            return false;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.settleSecondsMax());
        String last = "";
        int quietSeconds = 0;
        while (System.nanoTime() < deadline) {
            String now = tablesState(hosts);
            quietSeconds = now.equals(last) ? quietSeconds + 1 : 0;
            last = now;
            if (quietSeconds >= 5) {
                out.println("tables settled: " + now);
                return true;
            }
            pause(1_000);
        }
        out.println("tables still changing after " + settings.settleSecondsMax() + " s: " + last + "; going on");
        return false;
    }

    private String tablesState(List<String> hosts) {
        StringBuilder state = new StringBuilder();
        for (String host : hosts) {
            String text = metrics.scrape(host);
            state.append(String.format("%s: %.0f tables %.1f MiB, memtable %.1f MiB; ", host,
                    NodeMetrics.value(text, "ringdb_storage_tables"),
                    NodeMetrics.value(text, "ringdb_storage_tables_bytes") / MIB,
                    NodeMetrics.value(text, "ringdb_storage_memtable_bytes") / MIB));
        }
        return state.toString();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private Path directory() {
        try {
            if (settings.directory() == null) {
                return Files.createTempDirectory("ringdb-bootbench-");
            }
            Path directory = settings.directory();
            if (Files.isDirectory(directory)) {
                try (Stream<Path> entries = Files.list(directory)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalArgumentException(
                                directory + " is not empty: the benchmark needs a fresh directory");
                    }
                }
            }
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the benchmark directory: " + e.getMessage(), e);
        }
    }

    private void delete(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            out.println("could not delete " + directory + ": " + e.getMessage());
        }
    }

    private void print(Result r) {
        out.println();
        out.println("=== bootstrap benchmark: " + settings.nodes() + " -> " + (settings.nodes() + 1) + " nodes, RF "
                + settings.replicationFactor() + ", stream throttle " + (settings.throttleBytesPerSecond() == 0 ? "none"
                : String.format("%.1f MiB/s", settings.throttleBytesPerSecond() / (double) MIB)));
        out.printf("load:       %,d keys x %d B in %.1f s: %,.0f puts/s, %.1f MB/s of values "
                        + "(%.1f MB/s stored at RF %d)%n",
                r.load().keys(), settings.valueBytes(), r.load().nanos() / 1e9, r.load().putsPerSecond(),
                r.load().putsPerSecond() * settings.valueBytes() / 1e6,
                r.load().putsPerSecond() * settings.valueBytes() * settings.replicationFactor() / 1e6,
                settings.replicationFactor());
        out.printf("settle:     %.1f s (%s); load per node %s%n", r.settleNanos() / 1e9,
                r.settled() ? "tables stable" : "NOT settled",
                r.loadBytesPerNode().stream().map(b -> String.format("%.1f MiB", b / (double) MIB)).toList());
        out.printf("bootstrap:  process start -> HTTP answering   %6.1f s%n", seconds(r.toAnsweringNanos()));
        out.printf("            -> JOINING (ring delay 1)        %6.1f s  (+%.1f s)%n", seconds(r.toJoiningNanos()),
                seconds(r.toJoiningNanos()) - seconds(r.toAnsweringNanos()));
        out.printf("            -> stream start (ring delay 2)   %6.1f s  (+%.1f s)%n", seconds(r.toStreamStartNanos()),
                seconds(r.toStreamStartNanos()) - seconds(r.toJoiningNanos()));
        out.printf("            -> stream done                   %6.1f s  (+%.1f s streaming)%n",
                seconds(r.toStreamDoneNanos()), r.streamSeconds());
        out.printf("            -> NORMAL                        %6.1f s; every node sees all NORMAL at %.1f s%n",
                seconds(r.toNormalNanos()), seconds(r.toAllNormalNanos()));
        out.printf("streamed:   %.1f MB (%.1f MiB), %,d entries in %.1f s: %.1f MB/s (%.1f MiB/s);%n"
                        + "            %.1f MB received by its transport from its start to the stream's end%n",
                r.streamedBytes() / 1e6, r.streamedBytes() / (double) MIB, r.streamedEntries(), r.streamSeconds(),
                r.streamedBytes() / r.streamSeconds() / 1e6, r.streamedBytes() / r.streamSeconds() / MIB,
                r.internodeBytesReceived() / 1e6);
        out.printf("new node:   load %.1f MiB; its stream session's throttle: %s%n",
                r.newNodeLoadBytes() / (double) MIB,
                r.streamThrottleBytesPerSecond() == 0 ? "none" : r.streamThrottleBytesPerSecond() + " B/s");
        out.printf("verify:     %d keys read at QUORUM through the new node: %d missing, %d wrong%s%n",
                r.verify().read(), r.verify().missing(), r.verify().wrong(),
                r.verify().firstProblem() == null ? "" : " (first: " + r.verify().firstProblem() + ")");
    }

    private static double seconds(long nanos) {
        return nanos < 0 ? Double.NaN : nanos / 1e9;
    }
}
