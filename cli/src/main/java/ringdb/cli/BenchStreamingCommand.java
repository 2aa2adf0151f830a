package ringdb.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import ringdb.bench.membership.StreamingBenchmark;

/** {@code ringdb bench streaming}: bootstrap streaming throughput in the simulator. */
@Command(name = "streaming", mixinStandardHelpOptions = true,
        description = {"Measures bootstrap streaming in the simulator: a cluster holding --data-mib per node gains",
            "a node; prints MB/s of wall time, MB/s of simulated time and the time of the whole bootstrap."})
final class BenchStreamingCommand implements Callable<Integer> {
    @Option(names = "--nodes", defaultValue = "3", description = "Nodes before the join (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--data-mib", defaultValue = "64",
            description = "MiB of data per node (default: ${DEFAULT-VALUE}).")
    long dataMebibytes;

    @Option(names = "--value-bytes", defaultValue = "1024", description = "Value size (default: ${DEFAULT-VALUE}).")
    int valueBytes;

    @Option(names = "--throttle-mbps", defaultValue = "0",
            description = "Stream throttle in MB/s, 0 for none (default: ${DEFAULT-VALUE}).")
    double throttleMegabytesPerSecond;

    @Option(names = "--runs", defaultValue = "3", description = "Measured runs (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        if (nodes < 2 || nodes > 199 || dataMebibytes < 1 || valueBytes < 1 || valueBytes > 1 << 20
                || throttleMegabytesPerSecond < 0 || runs < 1) {
            System.err.println("ringdb bench streaming: --nodes 2..199, --data-mib >= 1, --value-bytes 1..1048576, "
                    + "--throttle-mbps >= 0, --runs >= 1");
            return 2;
        }
        StreamingBenchmark.run(new StreamingBenchmark.Settings(nodes, dataMebibytes << 20, valueBytes,
                (long) (throttleMegabytesPerSecond * 1e6), runs, seed), System.out);
        return 0;
    }
}
