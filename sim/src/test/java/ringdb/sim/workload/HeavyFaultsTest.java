package ringdb.sim.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import ringdb.sim.run.SimRun;
import ringdb.sim.run.SimRunReport;
import ringdb.sim.run.SimRunSettings;

/** The sweeps draw clock steps and disk faults, a bounded number per run, reproducibly from the seed. */
class HeavyFaultsTest {
    private static final long SAFETY_MICROS = 10_000_000;

    @Test
    void aThirdOfTheSeedsStepClocksAndAThirdHaveDiskFaultsAtMostThreeOfEach() {
        int stepping = 0;
        int diskFaulty = 0;
        for (long seed = 1; seed <= 300; seed++) {
            FaultSettings faults = SimRunSettings.derive(seed, 0, SAFETY_MICROS).faults();
            assertThat(faults.clockStepsMax()).isBetween(0, FaultSettings.HEAVY_FAULTS_MAX);
            assertThat(faults.diskFaultsMax()).isBetween(0, FaultSettings.HEAVY_FAULTS_MAX);
            stepping += faults.clockStepsMax() > 0 ? 1 : 0;
            diskFaulty += faults.diskFaultsMax() > 0 ? 1 : 0;
        }
        assertThat(stepping).isBetween(70, 130);
        assertThat(diskFaulty).isBetween(70, 130);
    }

    @Test
    void aRunWithHeavyFaultsLogsThemKeepsEveryInvariantAndReplaysFromItsSeed() {
        long seed = 8; // draws both clock steps and disk faults
        SimRunSettings settings = SimRunSettings.derive(seed, 0, SAFETY_MICROS);
        assertThat(settings.faults().clockStepsMax()).isPositive();
        assertThat(settings.faults().diskFaultsMax()).isPositive();
        SimRunReport first = SimRun.run(settings);
        SimRunReport second = SimRun.run(SimRunSettings.derive(seed, 0, SAFETY_MICROS));

        List<String> log = first.faultLog();
        assertThat(log).anyMatch(line -> line.matches(".*clock of node\\d+ steps [+-]\\d.*(h|min)"));
        assertThat(log).anyMatch(line -> line.contains("disk of node"));
        assertThat(log.stream().filter(line -> line.matches(".*clock of node\\d+ steps [+-].*")).count())
                .isLessThanOrEqualTo(settings.faults().clockStepsMax());
        assertThat(second.faultLog()).isEqualTo(log);
        assertThat(second.traceHash()).isEqualTo(first.traceHash());
        assertThat(first.passed()).as("every invariant holds for seed %d", seed).isTrue();
    }

    @Test
    void aSeedWithoutHeavyFaultsInjectsNone() {
        long seed = 4;
        SimRunSettings settings = SimRunSettings.derive(seed, 0, SAFETY_MICROS);
        assertThat(settings.faults().clockStepsMax()).isZero();
        assertThat(settings.faults().diskFaultsMax()).isZero();
        assertThat(SimRun.run(settings).faultLog()).noneMatch(line -> line.contains(" steps ")
                || line.contains("disk of"));
    }
}
