package ringdb.sim.suites;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import ringdb.sim.demo.Demo;
import ringdb.sim.run.SimRun;
import ringdb.sim.run.SimRunReport;
import ringdb.sim.run.SimRunSettings;

/**
 * A simulation is a pure function of its seed: the same seed gives the same trace hash, the same
 * report and the same demo output byte for byte; different seeds give different runs.
 */
class DeterminismTest {
    private static final long SAFETY_MICROS = 5_000_000;

    @Test
    void theSameSeedGivesTheSameTraceHashAndReport() {
        SimRunReport first = SimRun.run(SimRunSettings.derive(4242, 0, SAFETY_MICROS));
        SimRunReport second = SimRun.run(SimRunSettings.derive(4242, 0, SAFETY_MICROS));

        assertThat(second.traceHash()).as("seed 4242").isEqualTo(first.traceHash());
        assertThat(printed(second)).isEqualTo(printed(first));
        assertThat(first.network().delivered()).as("the run did something").isGreaterThan(1_000);
    }

    @Test
    void differentSeedsGiveDifferentRuns() {
        long a = SimRun.run(SimRunSettings.derive(4242, 4, SAFETY_MICROS)).traceHash();
        long b = SimRun.run(SimRunSettings.derive(4243, 4, SAFETY_MICROS)).traceHash();

        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void theDemoPrintsByteIdenticalOutputForTheSameSeed() {
        String first = demo(7);
        String second = demo(7);

        assertThat(second).isEqualTo(first);
        assertThat(first).contains("Node failure", "Recovery", "Partition", "Heal", "Network statistics");
        assertThat(demo(8)).isNotEqualTo(first);
    }

    private static String demo(long seed) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Demo.run(seed, 5, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String printed(SimRunReport report) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), 1_000, "n/a");
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
