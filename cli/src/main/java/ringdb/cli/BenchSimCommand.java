package ringdb.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import ringdb.bench.sim.SimulatorBenchmark;

/** {@code ringdb bench sim}: simulator speed (delivered messages and simulated seconds per wall second). */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = {"Measures the deterministic simulator: a cluster under a steady client load for a span of",
            "simulated time; prints delivered messages per wall-clock second and simulated seconds per wall second."})
final class BenchSimCommand implements Callable<Integer> {
    @Option(names = "--nodes", defaultValue = "5", description = "Nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--clients", defaultValue = "8", description = "Closed-loop clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--simulated-seconds", defaultValue = "3600",
            description = "Simulated seconds per run (default: ${DEFAULT-VALUE}).")
    long simulatedSeconds;

    @Option(names = "--runs", defaultValue = "3", description = "Measured runs (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        if (nodes < 1 || nodes > 200 || clients < 1 || simulatedSeconds < 1 || runs < 1) {
            System.err.println("ringdb bench sim: --nodes 1..200, --clients, --simulated-seconds and --runs >= 1");
            return 2;
        }
        SimulatorBenchmark.Settings defaults = SimulatorBenchmark.Settings.defaults();
        SimulatorBenchmark.run(new SimulatorBenchmark.Settings(nodes, clients, defaults.keys(),
                defaults.thinkMicrosMax(), simulatedSeconds, runs, seed), System.out);
        return 0;
    }
}
