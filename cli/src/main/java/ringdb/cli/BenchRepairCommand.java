package ringdb.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import ringdb.bench.repair.RepairBenchmark;

/** {@code ringdb bench repair}: what a full repair moves with range sync digests on and off, in the simulator. */
@Command(name = "repair", mixinStandardHelpOptions = true,
        description = {"Measures a full repair of one node in the simulator (RF = nodes) with range sync digests on",
            "and off, with every replica in sync and after the node missed --missed-percent of the writes:",
            "internode messages and bytes, entries received, chunks compared and fetched, wall and simulated time."})
final class BenchRepairCommand implements Callable<Integer> {
    @Option(names = "--nodes", defaultValue = "3",
            description = "Nodes, each a replica of every key (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--keys", defaultValue = "100000", description = "Keys loaded (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--value-bytes", defaultValue = "100", description = "Value size (default: ${DEFAULT-VALUE}).")
    int valueBytes;

    @Option(names = "--missed-percent", defaultValue = "1",
            description = "Share of the writes the repairing node missed in the second scenario "
                    + "(default: ${DEFAULT-VALUE}).")
    double missedPercent;

    @Option(names = "--runs", defaultValue = "3", description = "Measured runs per case (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        if (nodes < 2 || nodes > 16 || keys < 1 || valueBytes < 1 || valueBytes > 1 << 20 || missedPercent < 0
                || missedPercent > 100 || runs < 1) {
            System.err.println("ringdb bench repair: --nodes 2..16, --keys >= 1, --value-bytes 1..1048576, "
                    + "--missed-percent 0..100, --runs >= 1");
            return 2;
        }
        RepairBenchmark.run(new RepairBenchmark.Settings(nodes, keys, valueBytes, missedPercent, runs, seed),
                System.out);
        return 0;
    }
}
