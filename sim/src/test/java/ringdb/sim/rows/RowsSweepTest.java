package ringdb.sim.rows;

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
 * A short sweep of the row workload ({@code ringdb sim --rows}) under the standard nemesis and
 * under membership changes, every check of the run held, and its determinism. CI runs
 * {@link #SEEDS_DEFAULT} plain and {@link #MEMBERSHIP_SEEDS_DEFAULT} membership seeds of
 * {@link #SAFETY_SECONDS_DEFAULT} s of faults; {@code -Dringdb.rows.sweep.seeds=N},
 * {@code -Dringdb.rows.sweep.first=S} and {@code -Dringdb.rows.sweep.safetySeconds=T} run more,
 * {@code -Dringdb.seed=S} runs seed S alone and prints its report. Longer sweeps:
 * {@code ringdb sim --rows [--membership] --seed S --seeds N}.
 */
class RowsSweepTest {
    static final int SEEDS_DEFAULT = 3;
    static final int MEMBERSHIP_SEEDS_DEFAULT = 2;
    static final long SAFETY_SECONDS_DEFAULT = 5;
    private static final long SAFETY_MICROS = Long.getLong("ringdb.rows.sweep.safetySeconds",
            SAFETY_SECONDS_DEFAULT) * 1_000_000;

    @Test
    void everyRowSeedKeepsEveryCellInvariant() {
        sweep(false, 1, SEEDS_DEFAULT);
    }

    @Test
    void everyRowSeedKeepsEveryCellInvariantUnderMembershipChanges() {
        sweep(true, 1, MEMBERSHIP_SEEDS_DEFAULT);
    }

    @Test
    void aRowRunIsAFunctionOfItsSeed() {
        SimRunSettings settings = SimRunSettings.derive(77, 3, 3_000_000).withRows(true);
        SimRunReport first = SimRun.run(settings);
        SimRunReport second = SimRun.run(settings);

        assertThat(second.traceHash()).isEqualTo(first.traceHash());
        assertThat(printed(second)).isEqualTo(printed(first));
        assertThat(printed(first)).contains("rows: table created through the catalog")
                .doesNotContain("FAILED");
        assertThat(SimRun.run(SimRunSettings.derive(77, 3, 3_000_000)).traceHash())
                .as("the same seed without rows is another run").isNotEqualTo(first.traceHash());
    }

    private static void sweep(boolean membership, long firstDefault, int seedsDefault) {
        String single = System.getProperty("ringdb.seed");
        long first = Long.getLong("ringdb.rows.sweep.first", firstDefault);
        int seeds = Integer.getInteger("ringdb.rows.sweep.seeds", seedsDefault);
        if (single != null) {
            first = Long.parseLong(single.trim());
            seeds = 1;
        }
        List<String> failures = new ArrayList<>();
        for (long seed = first; seed < first + seeds; seed++) {
            SimRunReport report = SimRun.run(SimRunSettings.derive(seed, 0, SAFETY_MICROS)
                    .withMembershipChanges(membership).withRows(true));
            String reproduce = "./ringdb sim --rows --seed " + seed + " --safety-seconds " + SAFETY_MICROS / 1_000_000
                    + (membership ? " --membership" : "");
            if (!report.passed() || single != null) {
                System.out.println(printed(report));
            }
            if (!report.passed()) {
                failures.add("seed " + seed + ": " + firstViolation(report) + "\n    reproduce: " + reproduce);
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

    private static String printed(SimRunReport report) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), 1_000, "n/a");
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
