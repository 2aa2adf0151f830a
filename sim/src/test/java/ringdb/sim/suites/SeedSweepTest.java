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
 * invariant of {@link SimRunReport}: once with the standard nemesis (CI: {@link #SEEDS_DEFAULT}
 * seeds from 1), once with membership changes too (CI: {@link #MEMBERSHIP_SEEDS_DEFAULT} seeds
 * from {@link #MEMBERSHIP_FIRST_SEED}).
 *
 * <p>Properties: {@code -Dringdb.sweep.seeds=N} runs N seeds in each test, {@code -Dringdb.sweep.first=S}
 * starts at seed S, {@code -Dringdb.sweep.safetySeconds=T} makes the fault phase T simulated seconds
 * long (default 10), {@code -Dringdb.sweep.repair=false} skips the final full repair (checking what
 * holds without it), {@code -Dringdb.seed=S} runs seed S alone and prints its full report. A failure
 * prints each failing seed and the command that reproduces it.
 */
class SeedSweepTest {
    static final int SEEDS_DEFAULT = 300;
    static final int MEMBERSHIP_SEEDS_DEFAULT = 150;
    static final long MEMBERSHIP_FIRST_SEED = 1_000_001;
    static final boolean REPAIR = Boolean.parseBoolean(System.getProperty("ringdb.sweep.repair", "true"));
    static final long SAFETY_MICROS = Long.getLong("ringdb.sweep.safetySeconds", 10) * 1_000_000;

    @Test
    void everySeedKeepsEveryInvariant() {
        sweep(false, 1, SEEDS_DEFAULT);
    }

    @Test
    void everySeedKeepsEveryInvariantUnderMembershipChanges() {
        sweep(true, MEMBERSHIP_FIRST_SEED, MEMBERSHIP_SEEDS_DEFAULT);
    }

    private static void sweep(boolean membership, long firstDefault, int seedsDefault) {
        String single = System.getProperty("ringdb.seed");
        long first = Long.getLong("ringdb.sweep.first", firstDefault);
        int seeds = Integer.getInteger("ringdb.sweep.seeds", seedsDefault);
        if (single != null) {
            first = Long.parseLong(single.trim());
            seeds = 1;
        }
        List<String> failures = new ArrayList<>();
        for (long seed = first; seed < first + seeds; seed++) {
            SimRunReport report = SimRun.run(SimRunSettings.derive(seed, 0, SAFETY_MICROS).withRepair(REPAIR)
                    .withMembershipChanges(membership));
            if (!report.passed() || single != null) {
                ByteArrayOutputStream text = new ByteArrayOutputStream();
                report.print(new PrintStream(text, true, StandardCharsets.UTF_8), 200,
                        reproduceCommand(seed, membership));
                System.out.println(text.toString(StandardCharsets.UTF_8));
            }
            if (!report.passed()) {
                failures.add("seed " + seed + ": " + firstViolation(report) + "\n    reproduce: "
                        + reproduceCommand(seed, membership));
            }
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

    static String reproduceCommand(long seed, boolean membership) {
        String method = membership
                ? "everySeedKeepsEveryInvariantUnderMembershipChanges" : "everySeedKeepsEveryInvariant";
        return "./ringdb sim --seed " + seed + " --safety-seconds " + SAFETY_MICROS / 1_000_000
                + (REPAIR ? "" : " --no-repair") + (membership ? " --membership" : "")
                + "   or   mvn -B -q verify -pl sim -am -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dtest=SeedSweepTest#" + method + " -Dringdb.seed=" + seed
                + (SAFETY_MICROS != 10_000_000 ? " -Dringdb.sweep.safetySeconds=" + SAFETY_MICROS / 1_000_000 : "")
                + (REPAIR ? "" : " -Dringdb.sweep.repair=false");
    }
}
