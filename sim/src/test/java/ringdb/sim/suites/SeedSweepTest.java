package ringdb.sim.suites;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import ringdb.sim.run.SimRun;
import ringdb.sim.run.SimRunReport;
import ringdb.sim.run.SimRunSettings;

/**
 * Runs many seeds of the randomized two-phase simulation (faults, then liveness) and checks every
 * invariant of {@link SimRunReport}. CI runs {@link #SEEDS_DEFAULT} seeds; {@code -Dringdb.sweep.seeds=N}
 * runs N, {@code -Dringdb.sweep.first=S} starts at seed S, {@code -Dringdb.sweep.safetySeconds=T} makes
 * the fault phase T simulated seconds long (default 10), {@code -Dringdb.sweep.repair=false} skips the
 * final full repair (checking what holds without it), {@code -Dringdb.seed=S} runs seed S alone
 * and prints its full report. A failure prints each failing seed and the command that reproduces it.
 */
class SeedSweepTest {
    static final int SEEDS_DEFAULT = 300;
    static final boolean REPAIR = Boolean.parseBoolean(System.getProperty("ringdb.sweep.repair", "true"));
    static final long SAFETY_MICROS = Long.getLong("ringdb.sweep.safetySeconds", 10) * 1_000_000;

    @Test
    void everySeedKeepsEveryInvariant() {
        String single = System.getProperty("ringdb.seed");
        long first = Long.getLong("ringdb.sweep.first", 1);
        int seeds = Integer.getInteger("ringdb.sweep.seeds", SEEDS_DEFAULT);
        if (single != null) {
            first = Long.parseLong(single.trim());
            seeds = 1;
        }
        List<String> failures = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (long seed = first; seed < first + seeds; seed++) {
            SimRunReport report = SimRun.run(SimRunSettings.derive(seed, 0, SAFETY_MICROS).withRepair(REPAIR));
            if (!report.passed() || single != null) {
                ByteArrayOutputStream text = new ByteArrayOutputStream();
                report.print(new PrintStream(text, true, StandardCharsets.UTF_8), 200, reproduceCommand(seed));
                System.out.println(text.toString(StandardCharsets.UTF_8));
            }
            for (SimRunReport.Check warning : report.warnings()) {
                warnings.add("seed " + seed + ": " + warning.name() + ": " + warning.violations().get(0));
            }
            if (!report.passed()) {
                failures.add("seed " + seed + ": " + firstViolation(report) + "\n    reproduce: "
                        + reproduceCommand(seed));
            }
        }
        if (!warnings.isEmpty()) {
            System.out.println(warnings.size() + " warnings (not failures):");
            warnings.forEach(line -> System.out.println("  " + line));
        }
        assertThat(failures).as("failing seeds out of %d", seeds).isEmpty();
    }

    private static String firstViolation(SimRunReport report) {
        for (SimRunReport.Check check : report.checks()) {
            if (!check.passed()) {
                return check.name() + ": " + check.violations().get(0);
            }
        }
        return "";
    }

    static String reproduceCommand(long seed) {
        return "./ringdb sim --seed " + seed + " --safety-seconds " + SAFETY_MICROS / 1_000_000
                + (REPAIR ? "" : " --no-repair")
                + "   or   mvn -B -q verify -pl sim -am -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dtest=SeedSweepTest -Dringdb.seed=" + seed
                + (SAFETY_MICROS != 10_000_000 ? " -Dringdb.sweep.safetySeconds=" + SAFETY_MICROS / 1_000_000 : "")
                + (REPAIR ? "" : " -Dringdb.sweep.repair=false");
    }
}
