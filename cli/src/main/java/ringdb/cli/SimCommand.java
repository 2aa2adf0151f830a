package ringdb.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import ringdb.sim.run.SimRun;
import ringdb.sim.run.SimRunReport;
import ringdb.sim.run.SimRunSettings;

/** {@code ringdb sim}: one seeded randomized workload + faults run (the seed sweep's single-seed form). */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = {"Runs a randomized simulation: clients write, read and delete while nodes crash, the network",
            "partitions, drops, duplicates and delays messages, clocks jump or step by minutes and hours and disks",
            "fill up, fail reads or syncs or slow down (safety phase); then faults stop and",
            "every operation must complete and every replica converge (liveness phase). Checks: no acknowledged",
            "write lost, no invented value, no stale QUORUM read, replicas identical, no delete undone, no node",
            "exception. Every setting derives from the seed; a failure prints the command that reproduces it.",
            "Exit code 0 = every check held, 1 = a check failed."})
final class SimCommand implements Callable<Integer> {
    @Option(names = "--seed", description = "Seed of the run (default: a fresh one, printed).")
    Long seed;

    @Option(names = "--seeds", defaultValue = "1",
            description = "Run this many consecutive seeds from --seed (default: 1).")
    int seeds;

    @Option(names = "--nodes", defaultValue = "0", description = "Nodes, 3..20 (default: derived from the seed).")
    int nodes;

    @Option(names = "--safety-seconds", defaultValue = "10",
            description = "Simulated seconds of the safety phase under faults (default: ${DEFAULT-VALUE}).")
    long safetySeconds;

    @Option(names = "--no-repair", description = "Skip the full repair at the end of the liveness phase.")
    boolean noRepair;

    @Option(names = "--membership", description = "Let the nemesis also add, decommission and remove nodes under load.")
    boolean membership;

    @Option(names = "--rows", description = {"Also run clients of a table (created through the catalog at the start)",
        "that write and delete columns, set elements, rows, ranges and partitions, some with a TTL, and read",
        "partitions, slices and rows; checked cell by cell."})
    boolean rows;

    @Option(names = "--ring-changes", description = {"Use the ring-change nemesis instead: one join, decommission,",
        "removenode or replacement after another, under partitions (one-way and two-way) around the moving node,",
        "crashes of the moving node and of coordinators mid-operation, and clock jumps."})
    boolean ringChanges;

    @Option(names = "--faults-shown", defaultValue = "40",
            description = "Fault log lines printed (default: ${DEFAULT-VALUE}).")
    int faultsShown;

    @Override
    public Integer call() {
        if (nodes != 0 && (nodes < 3 || nodes > 20)) {
            System.err.println("ringdb sim: --nodes must be between 3 and 20, got " + nodes);
            return 2;
        }
        if (safetySeconds < 1 || safetySeconds > 86_400 || seeds < 1) {
            System.err.println("ringdb sim: --safety-seconds must be 1..86400 and --seeds at least 1");
            return 2;
        }
        long first = seed != null ? seed : System.nanoTime() & 0xFFFF_FFFFL;
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        int failed = 0;
        for (long current = first; current < first + seeds; current++) {
            SimRunSettings settings = SimRunSettings.derive(current, nodes, safetySeconds * 1_000_000L)
                    .withRepair(!noRepair).withMembershipChanges(membership).withRows(rows)
                    .withRingChanges(ringChanges);
            SimRunReport report = SimRun.run(settings);
            report.print(out, faultsShown, reproduceCommand(current));
            failed += report.passed() ? 0 : 1;
            out.println();
        }
        if (seeds > 1) {
            out.printf("%d of %d seeds failed%n", failed, seeds);
        }
        return failed == 0 ? 0 : 1;
    }

    private String reproduceCommand(long current) {
        return "./ringdb sim --seed " + current + (nodes != 0 ? " --nodes " + nodes : "") + " --safety-seconds "
                + safetySeconds + (noRepair ? " --no-repair" : "") + (membership ? " --membership" : "")
                + (rows ? " --rows" : "") + (ringChanges ? " --ring-changes" : "");
    }
}
