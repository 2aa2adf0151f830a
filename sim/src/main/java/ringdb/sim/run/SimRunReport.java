package ringdb.sim.run;

import java.io.PrintStream;
import java.util.List;
import java.util.SortedMap;
import ringdb.sim.MessageEvent;
import ringdb.sim.NetworkStats;
import ringdb.sim.TraceHash;

/**
 * What a {@link SimRun} did and whether its invariants held. Contains simulated times only, so
 * the same seed prints the same report.
 */
public record SimRunReport(SimRunSettings settings, long traceHash, long simulatedMicros, long livenessMicros,
                           SortedMap<String, Integer> resultCounts, int operations, NetworkStats network,
                           List<String> faultLog, int clockSkewAlarms, int divergedKeysBeforeRepair, int keysChecked,
                           List<Check> checks) {

    /**
     * One invariant and its violations (none = it held); {@code notes} name what the invariant
     * allowed and a reader may want to see (they never fail the check).
     */
    public record Check(String name, List<String> violations, List<String> notes) {
        public static Check of(String name, List<String> violations) {
            return of(name, violations, List.of());
        }

        public static Check of(String name, List<String> violations, List<String> notes) {
            return new Check(name, List.copyOf(violations), List.copyOf(notes));
        }

        public boolean passed() {
            return violations.isEmpty();
        }
    }

    public boolean passed() {
        return checks.stream().allMatch(Check::passed);
    }

    /** The report as printed by {@code ringdb sim}; {@code faultLines} caps the fault log shown. */
    public void print(PrintStream out, int faultLines, String reproduceCommand) {
        out.printf("ringdb simulation  %s%n", settings.describe());
        out.printf("faults injected: %d%n", faultLog.size());
        faultLog.stream().limit(faultLines).forEach(line -> out.println("  " + line));
        if (faultLog.size() > faultLines) {
            out.printf("  ... %d more%n", faultLog.size() - faultLines);
        }
        out.printf("operations: %d%n", operations);
        resultCounts.forEach((name, count) -> out.printf("  %-24s %6d%n", name, count));
        out.printf("network: sent %d, delivered %d, dropped %d (random %d, partition %d, node down %d), "
                        + "duplicated %d, in flight %d%n", network.sent(), network.delivered(), network.dropped(),
                network.dropped(MessageEvent.Outcome.DROPPED_RANDOM),
                network.dropped(MessageEvent.Outcome.DROPPED_PARTITION),
                network.dropped(MessageEvent.Outcome.DROPPED_NODE_DOWN), network.duplicated(), network.inFlight());
        out.printf("clock skew alarms: %d; keys checked: %d; diverged before repair: %d; liveness took %.1f s%n",
                clockSkewAlarms, keysChecked, divergedKeysBeforeRepair, livenessMicros / 1e6);
        for (Check check : checks) {
            out.printf("  [%s] %s%n", check.passed() ? "ok" : "FAILED", check.name());
            check.violations().stream().limit(20).forEach(v -> out.println("      " + v));
            check.notes().stream().limit(20).forEach(note -> out.println("      allowed: " + note));
        }
        out.printf("simulated %.1f s; trace hash %s%n", simulatedMicros / 1e6, TraceHash.hex(traceHash));
        if (passed()) {
            out.println("PASSED");
        } else {
            out.println("FAILED (seed " + settings.seed() + "); reproduce with:");
            out.println("  " + reproduceCommand);
        }
    }
}
