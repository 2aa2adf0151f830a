package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The simulator's commands as a user runs them: output, determinism and exit codes. */
class SimulationCommandsTest {
    private record Outcome(int exitCode, String out, String err) {
    }

    private static synchronized Outcome run(String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exitCode = Main.run(args);
            return new Outcome(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    @Test
    void demoNarratesTheRunAndRepeatsItByteForByte() {
        Outcome first = run("demo", "--seed", "5", "--nodes", "4");
        Outcome second = run("demo", "--seed", "5", "--nodes", "4");

        assertThat(first.exitCode()).isZero();
        assertThat(first.out()).contains("A 4-node ringdb cluster", "seed 5", "Node failure", "Recovery",
                "Partition", "Heal", "Network statistics", "trace hash");
        assertThat(second.out()).isEqualTo(first.out());
    }

    @Test
    void demoRefusesAClusterSizeItCannotNarrate() {
        Outcome outcome = run("demo", "--nodes", "12");

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.err()).contains("--nodes must be between 3 and 9, got 12");
    }

    @Test
    void simPrintsItsSettingsChecksAndVerdict() {
        Outcome outcome = run("sim", "--seed", "7", "--safety-seconds", "5");

        assertThat(outcome.out()).contains("seed=7", "faults:", "operations:", "network: sent", "trace hash");
        assertThat(outcome.out()).contains("[ok] no unhandled exception in any node");
        assertThat(outcome.exitCode()).as(outcome.out()).isZero();
        assertThat(outcome.out()).contains("PASSED");
    }

    @Test
    void simRejectsBadSettings() {
        Outcome outcome = run("sim", "--nodes", "1");

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.err()).contains("--nodes must be between 3 and 20, got 1");
    }
}
