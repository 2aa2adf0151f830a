package ringdb.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import ringdb.bench.bootstrap.BootstrapBenchmark;
import ringdb.cli.cluster.LocalClusterProcesses;
import ringdb.core.coordinator.ConsistencyLevel;

/** {@code ringdb bench bootstrap}: a 3 -> 4 node bootstrap of real processes on loopback, timed. */
@Command(name = "bootstrap", mixinStandardHelpOptions = true,
        description = {"Starts a local cluster of real node processes on 127.0.0.1 in a fresh directory, loads about",
            "--data-mib per node, adds one node (auto_bootstrap) and measures its bootstrap: each step's time,",
            "the bytes streamed and MB/s; then reads --verify-keys keys back at QUORUM through the new node.",
            "The nodes are always stopped and the directory deleted at the end (unless --keep-data)."})
final class BenchBootstrapCommand implements Callable<Integer> {
    @Option(names = "--nodes", defaultValue = "3", description = "Nodes before the join (default ${DEFAULT-VALUE})")
    int nodes;
    @Option(names = "--rf", defaultValue = "2", description = "Replication factor (default ${DEFAULT-VALUE})")
    int replicationFactor;
    @Option(names = "--data-mib", defaultValue = "1024",
            description = "MiB of data per node before the join (default ${DEFAULT-VALUE})")
    long dataMebibytes;
    @Option(names = "--value-bytes", defaultValue = "1024", description = "Value size (default ${DEFAULT-VALUE})")
    int valueBytes;
    @Option(names = "--threads", defaultValue = "128",
            description = "Client threads of the load (default ${DEFAULT-VALUE})")
    int threads;
    @Option(names = "--write-cl", defaultValue = "QUORUM",
            description = "Consistency level of the load's writes (default ${DEFAULT-VALUE})")
    String writeConsistency;
    @Option(names = "--throttle-mibps", defaultValue = "0",
            description = "stream_throughput_bytes_per_second of every node in MiB/s; "
                    + "0 = unthrottled, 24 = the server's default (default ${DEFAULT-VALUE})")
    double throttleMebibytesPerSecond;
    @Option(names = "--ring-delay-ms", defaultValue = "-1",
            description = "ring_delay_ms of every node; -1 = the server's default (10000)")
    long ringDelayMillis;
    @Option(names = "--heap", defaultValue = "1g", description = "Heap of each node JVM (default ${DEFAULT-VALUE})")
    String heap;
    @Option(names = "--internode-port", defaultValue = "0",
            description = "Internode port of node1, node i gets port+i-1; 0 = free ports (default ${DEFAULT-VALUE})")
    int internodePort;
    @Option(names = "--http-port", defaultValue = "0",
            description = "HTTP port of node1, node i gets port+i-1; 0 = free ports (default ${DEFAULT-VALUE})")
    int httpPort;
    @Option(names = "--verify-keys", defaultValue = "1000",
            description = "Keys read back through the new node (default ${DEFAULT-VALUE})")
    int verifyKeys;
    @Option(names = "--settle-seconds", defaultValue = "300",
            description = "Longest wait for the tables to stop changing after the load (default ${DEFAULT-VALUE})")
    long settleSeconds;
    @Option(names = "--progress-seconds", defaultValue = "5",
            description = "Seconds between progress lines (default ${DEFAULT-VALUE})")
    long progressSeconds;
    @Option(names = "--dir",
            description = "Directory for the cluster, new or empty (default: a fresh one under java.io.tmpdir)")
    Path dir;
    @Option(names = "--keep-data",
            description = "Keep the cluster's directory afterwards (the nodes are stopped anyway)")
    boolean keepData;
    @Option(names = "--server-flag", paramLabel = "FLAG",
            description = "Extra flag for every 'ringdb server', e.g. --server-flag=--commitlog-sync=periodic")
    List<String> serverFlags = new ArrayList<>();

    @Override
    public Integer call() {
        if (dataMebibytes < 1 || dataMebibytes > 1 << 24) {
            System.err.println("error: --data-mib must be between 1 and 16777216, got " + dataMebibytes);
            return 2;
        }
        BootstrapBenchmark benchmark;
        try {
            List<String> flags = new ArrayList<>();
            serverFlags.forEach(f -> flags.addAll(List.of(f.split("=", 2))));
            benchmark = new BootstrapBenchmark(new BootstrapBenchmark.Settings(nodes, replicationFactor,
                    dataMebibytes << 20, valueBytes, threads, ConsistencyLevel.parse(writeConsistency).name(),
                    (long) (throttleMebibytesPerSecond * (1 << 20)), ringDelayMillis, heap, internodePort, httpPort,
                    verifyKeys, settleSeconds, progressSeconds, dir, keepData, flags),
                    LocalClusterProcesses::new, System.out);
        } catch (RuntimeException e) { // an unknown consistency level or settings that cannot run
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        try {
            BootstrapBenchmark.Result result = benchmark.run();
            return result.verify().ok() ? 0 : 1;
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
    }
}
