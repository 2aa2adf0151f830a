package ringdb.sim.rows;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import ringdb.sim.run.SimRun;
import ringdb.sim.run.SimRunReport;
import ringdb.sim.run.SimRunSettings;

/**
 * The row workload on a keyspace whose replication factor is smaller than the cluster's (its keys
 * on the first r replicas of each list), under the standard nemesis and under membership changes:
 * every check of the run holds (no acknowledged cell lost, nothing invented or resurrected, QUORUM
 * reads of r replicas never older than an acknowledged QUORUM write, replicas converge).
 */
class RowsKeyspaceFactorTest {
    private static final long SAFETY_MICROS = 5_000_000;

    @Test
    void aKeyspaceOfFactorOneKeepsEveryCellInvariant() {
        assertThat(failures(false, 1, 1, 2)).isEmpty();
    }

    @Test
    void aKeyspaceOfFactorTwoBelowAClusterOfThreeKeepsEveryCellInvariantUnderMembershipChanges() {
        assertThat(failures(true, 2, 1, 4)).isEmpty();
    }

    @Test
    void aKeyspaceOfFactorOneKeepsEveryCellInvariantUnderMembershipChanges() {
        assertThat(failures(true, 1, 1, 2)).isEmpty();
    }

    /** Runs {@code count} seeds from {@code first} whose cluster factor is above {@code factor}. */
    private static List<String> failures(boolean membership, int factor, long first, int count) {
        List<String> failures = new ArrayList<>();
        int ran = 0;
        for (long seed = first; ran < count && seed < first + 50; seed++) {
            SimRunSettings settings = SimRunSettings.derive(seed, 0, SAFETY_MICROS).withMembershipChanges(membership)
                    .withRows(true).withRowsFactor(factor);
            if (settings.replicationFactor() <= factor) {
                continue;
            }
            ran++;
            SimRunReport report = SimRun.run(settings);
            if (!report.passed()) {
                StringBuilder out = new StringBuilder("seed " + seed + " (rows rf " + factor + "):");
                for (SimRunReport.Check check : report.checks()) {
                    if (!check.passed()) {
                        out.append("\n  ").append(check);
                    }
                }
                failures.add(out.toString());
            }
        }
        assertThat(ran).as("seeds with a cluster factor above %d", factor).isEqualTo(count);
        return failures;
    }
}
