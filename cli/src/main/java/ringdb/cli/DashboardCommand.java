package ringdb.cli;

import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import ringdb.dashboard.DashboardServer;
import ringdb.sim.SimCluster;
import ringdb.sim.dashboard.SimDashboardSource;

/** {@code ringdb dashboard}: a simulated cluster running live in this process, with its web dashboard. */
@Command(name = "dashboard",
        mixinStandardHelpOptions = true,
        description = {
            "Starts a simulated cluster in this process and serves its live dashboard on 127.0.0.1.",
            "Simulated time runs live (pause, single step and speed controls on the page)",
            "under a steady demo workload. The same --seed replays the same cluster and workload.",
            "A real cluster's dashboard is served by every node at / on its HTTP port."})
public final class DashboardCommand implements Callable<Integer> {
    @Option(names = "--seed", description = "Simulation seed (default: random, printed at start).")
    Long seed;

    @Option(names = "--nodes", defaultValue = "5",
            description = "Number of simulated nodes, 1..200 (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--port", defaultValue = "8088",
            description = "HTTP port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--speed", defaultValue = "1",
            description = "Simulated seconds per wall-clock second (default: ${DEFAULT-VALUE}).")
    double speed;

    @Option(names = "--workload", defaultValue = "50",
            description = "Demo workload in operations per simulated second; 0 = none (default: ${DEFAULT-VALUE}).")
    int workloadOpsPerSecond;

    @Option(names = "--paused", description = "Start with simulated time paused.")
    boolean paused;

    @Override
    public Integer call() throws Exception {
        if (nodes < 1 || nodes > 200) {
            System.err.println("ringdb dashboard: --nodes must be between 1 and 200, got " + nodes);
            return 2;
        }
        if (port < 0 || port > 65_535) {
            System.err.println("ringdb dashboard: --port must be between 0 and 65535, got " + port);
            return 2;
        }
        if (!(speed >= 0.001 && speed <= 1000)) {
            System.err.println("ringdb dashboard: --speed must be between 0.001 and 1000, got " + speed);
            return 2;
        }
        if (workloadOpsPerSecond < 0 || workloadOpsPerSecond > 10_000) {
            System.err.println("ringdb dashboard: --workload must be between 0 and 10000, got " + workloadOpsPerSecond);
            return 2;
        }
        long chosenSeed = seed != null ? seed : new Random().nextLong();
        SimCluster cluster = SimCluster.builder().seed(chosenSeed).nodes(nodes).build();
        SimDashboardSource.Settings settings = new SimDashboardSource.Settings(speed, workloadOpsPerSecond, paused);
        try (SimDashboardSource source = SimDashboardSource.start(cluster, settings);
             DashboardServer server = DashboardServer.start(source, port)) {
            System.out.println("ringdb dashboard: simulated cluster of " + nodes + " nodes, seed " + chosenSeed);
            System.out.println("  replay: ./ringdb dashboard --seed " + chosenSeed + " --nodes " + nodes);
            System.out.println("  open:   " + server.url());
            System.out.println("Press Ctrl+C to stop.");
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "dashboard-shutdown"));
            server.awaitClose();
        }
        return 0;
    }
}
