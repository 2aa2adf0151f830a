package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The simulator's commands as a user runs them: output, determinism and exit codes. */
class SimulationCommandsTest {
    private static ClusterHarness.Run run(String... args) {
        return ClusterHarness.cli(args);
    }

    @Test
    void demoNarratesTheRunAndRepeatsItByteForByte() {
        ClusterHarness.Run first = run("demo", "--seed", "5", "--nodes", "4");
        ClusterHarness.Run second = run("demo", "--seed", "5", "--nodes", "4");

        assertThat(first.exitCode()).isZero();
        assertThat(first.out()).contains("A 4-node ringdb cluster", "seed 5", "Node failure", "Recovery",
                "Partition", "Heal", "Network statistics", "trace hash");
        assertThat(second.out()).isEqualTo(first.out());
    }

    @Test
    void demoRefusesAClusterSizeItCannotNarrate() {
        ClusterHarness.Run outcome = run("demo", "--nodes", "12");

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.err()).contains("--nodes must be between 3 and 9, got 12");
    }

    @Test
    void simPrintsItsSettingsChecksAndVerdict() {
        ClusterHarness.Run outcome = run("sim", "--seed", "7", "--safety-seconds", "5");

        assertThat(outcome.out()).contains("seed=7", "faults:", "operations:", "network: sent", "trace hash");
        assertThat(outcome.out()).contains("[ok] no unhandled exception in any node");
        assertThat(outcome.exitCode()).as(outcome.out()).isZero();
        assertThat(outcome.out()).contains("PASSED");
    }

    @Test
    void simRejectsBadSettings() {
        ClusterHarness.Run outcome = run("sim", "--nodes", "1");

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.err()).contains("--nodes must be between 3 and 20, got 1");
    }
}
