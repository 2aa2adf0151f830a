package ringdb.sim.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import ringdb.sim.run.SimRun;
import ringdb.sim.run.SimRunReport;
import ringdb.sim.run.SimRunSettings;

/**
 * Seed 598 (30 s of faults, membership changes on): node4 and node5 are added while node2
 * decommissions; both wait for the leave, then announce overlapping joins within a second, and
 * node5 (the later generation) withdraws. It used to retry only after one to two ring delays of
 * extra waiting, so node5 joined 59 s into the liveness phase and node1 had not yet heard of it when
 * the 60 s bound ran out ("node4 disagrees on the ring"). A withdrawn join now tries again every
 * gossip round or so and announces as soon as the winner finished.
 */
class WithdrawnJoinTest {
    @Test
    void aJoinThatGaveWayToAnotherJoinsSoonAfterItAndTheRingIsAgreed() {
        SimRunReport report = SimRun.run(SimRunSettings.derive(598L, 0, 30_000_000L).withMembershipChanges(true));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        report.print(new PrintStream(text, true, StandardCharsets.UTF_8), 200,
                "./ringdb sim --seed 598 --safety-seconds 30 --membership");
        String printed = text.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("add node4").contains("add node5").contains("decommission node2");
        assertThat(report.passed()).as(printed).isTrue();
    }
}
