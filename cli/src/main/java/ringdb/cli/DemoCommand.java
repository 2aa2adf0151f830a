package ringdb.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import ringdb.sim.demo.Demo;

/** {@code ringdb demo}: the narrated simulated-cluster walkthrough. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Narrates a simulated cluster in simulated time: writes and their replicas, a node crash with",
            "writes still taken, recovery from disk and peers, a partition and its heal, network statistics.",
            "The same seed prints byte-identical output."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--seed", defaultValue = "42", description = "Seed of the run (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--nodes", defaultValue = "5",
            description = "Nodes in the cluster, 3..9 (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Override
    public Integer call() {
        if (nodes < 3 || nodes > 9) {
            System.err.println("ringdb demo: --nodes must be between 3 and 9, got " + nodes);
            return 2;
        }
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        Demo.run(seed, nodes, out);
        out.flush();
        return 0;
    }
}
