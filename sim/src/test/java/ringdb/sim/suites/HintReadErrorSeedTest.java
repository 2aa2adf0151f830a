package ringdb.sim.suites;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import ringdb.sim.run.SimRun;
import ringdb.sim.run.SimRunReport;
import ringdb.sim.run.SimRunSettings;

/**
 * A read error in the hints store while hints are replayed must pause that replay (the hints stay
 * pending and the next round tries again), and one in the data store while a range is compared must
 * not escape from the node either. Seed 42 (30 s of faults,
 * membership changes on) fails reads of node3's hints table while node3 replays hints to a peer;
 * before, the error ended the replay with an unhandled exception on the node.
 */
class HintReadErrorSeedTest {
    @Test
    void aHintsTableThatCannotBeReadPausesReplayAndTheRunPasses() {
        SimRunReport report = SimRun.run(SimRunSettings.derive(42L, 0, 30_000_000L).withMembershipChanges(true));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        report.print(new PrintStream(text, true, StandardCharsets.UTF_8), 200,
                "./ringdb sim --seed 42 --safety-seconds 30 --membership");
        String printed = text.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("reads of hints/tables/");
        assertThat(report.passed()).as(printed).isTrue();
    }

    /**
     * Seed 431 fails reads of node2's data table while node2 compares a range with a peer during a
     * repair; the comparison now takes the peer's entries instead of letting the error escape the node.
     */
    @Test
    void aDataTableThatCannotBeReadDuringARangeComparisonTakesThePeersEntries() {
        SimRunReport report = SimRun.run(SimRunSettings.derive(431L, 0, 30_000_000L).withMembershipChanges(true));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        report.print(new PrintStream(text, true, StandardCharsets.UTF_8), 200,
                "./ringdb sim --seed 431 --safety-seconds 30 --membership");
        String printed = text.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("reads of data/tables/");
        assertThat(report.passed()).as(printed).isTrue();
    }
}
