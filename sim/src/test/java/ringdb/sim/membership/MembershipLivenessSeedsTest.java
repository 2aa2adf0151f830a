package ringdb.sim.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ringdb.sim.run.SimRun;
import ringdb.sim.run.SimRunReport;
import ringdb.sim.run.SimRunSettings;

/**
 * Seeds of {@code --membership} sweeps whose liveness phase failed though every safety check held,
 * each with what went wrong; every one must now pass both phases.
 */
class MembershipLivenessSeedsTest {

    private static String run(long seed, int safetySeconds, SimRunReport[] out) {
        SimRunReport report = SimRun.run(SimRunSettings.derive(seed, 0, safetySeconds * 1_000_000L)
                .withMembershipChanges(true));
        out[0] = report;
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        report.print(new PrintStream(text, true, StandardCharsets.UTF_8), 300,
                "./ringdb sim --seed " + seed + " --safety-seconds " + safetySeconds + " --membership");
        return text.toString(StandardCharsets.UTF_8);
    }

    /**
     * Seed 100002075 (60 s): node3 coordinated a QUORUM read when its decommission completed and it
     * stopped; the read never answered, so the liveness phase waited for it forever. A node that stops
     * after leaving fails the requests it still coordinates, as a process that ends closes its clients'
     * connections.
     */
    @Test
    void seed100002075ARequestOnANodeThatLeftFailsInsteadOfHanging() {
        SimRunReport[] report = new SimRunReport[1];
        String printed = run(100002075L, 60, report);
        assertThat(printed).contains("decommission node3 -> Completed");
        assertThat(report[0].passed()).as(printed).isTrue();
    }

    /**
     * Seeds whose removal was interrupted by something other than a crash of its runner, or whose run
     * again was refused for a reason that asks to try again. 110003479 and 110004437 (30 s): the node
     * running the removal stopped (a failed disk restarts it): "removenode aborted ... run it again",
     * which the nemesis did not take for an interruption, so the dead node stayed REMOVING, stopped for
     * good, with hints held for it. 100006605 (60 s): the run again went to a node that had just
     * restarted and had not heard of the dead node yet ("try again shortly"). 100005782 (60 s): only
     * the runner, partitioned and then crashed, knew of the removal; the run again looked for it before
     * that runner was restarted, found nobody holding the removal, and gave up.
     */
    @ParameterizedTest
    @CsvSource({"110003479, 30, node2", "110004437, 30, node4", "100006605, 60, node1", "100005782, 60, node1"})
    void anInterruptedRemovalIsRunAgainAndCompletes(long seed, int safetySeconds, String removed) {
        SimRunReport[] report = new SimRunReport[1];
        String printed = run(seed, safetySeconds, report);
        assertThat(printed).containsPattern("removenode " + removed + " via node\\d+ \\(run again\\) -> Completed");
        assertThat(report[0].passed()).as(printed).isTrue();
    }

    /**
     * Seed 100003960 (60 s): node2, cut off, learned node3's later generation second hand only once
     * node3 was already being removed. That generation's heartbeats were not taken for a sign of life
     * (node3 was dead), but node2 still held node3 up from its earlier generation, and with that
     * generation forgotten by its failure detector it never convicted it: its recovery and its repair
     * asked the dead node for every range, three timeouts each, past the liveness bound.
     */
    @Test
    void seed100003960ANodeBeingRemovedIsHeldDownWhenItsNewGenerationArrives() {
        SimRunReport[] report = new SimRunReport[1];
        String printed = run(100003960L, 60, report);
        assertThat(printed).contains("removenode node3 via node5 -> Completed");
        assertThat(report[0].passed()).as(printed).isTrue();
    }

    /**
     * Seeds 100003576 and 100006333 (60 s): when faults stopped, four membership changes were under
     * way (a decommission or a removal run again, and three joins whose ranges overlap), which run one
     * after another, each after a ring delay; the last join finished a few seconds past the 60 s
     * bound. The bound now grows by two ring delays for each change under way beyond the first.
     */
    @ParameterizedTest
    @CsvSource({"100003576, node7", "100006333, node7"})
    void aQueueOfJoinsFinishesWithinABoundThatCountsThem(long seed, String lastJoiner) {
        SimRunReport[] report = new SimRunReport[1];
        String printed = run(seed, 60, report);
        assertThat(printed).contains("add " + lastJoiner + " (bootstrap under load)");
        assertThat(report[0].passed()).as(printed).isTrue();
    }

    /**
     * Seeds 140009014 and 140009982 (60 s): the node running a removal (node4 of node1; node1 of node2)
     * marked the dead node REMOVED, answered Completed and crashed within 150 ms, before its next gossip
     * round: the mark was lost with it, so the others held the dead node at the removal's last step
     * (REMOVING, reads moved) for good. It stayed in every ring (the final check read its closed store),
     * the hints held for it were never handed over, and the joins behind it were refused, so the joining
     * nodes never ran their catch-up; the nemesis, told the removal completed, never ran it again. A
     * removal now answers once the replicas it changed gossiped a ring without it, and a crash before
     * that fails it, so it is run again. With the later answer the nemesis draws its faults differently:
     * the runs no longer crash the runner in that window ({@link RemovalKnownBeforeAnswerTest} does).
     * In 140009982 node1 ran the removal of node2 1 s after node2 crashed because node1, restarted 2 s
     * before, had not heard of node2 yet; since a restarted node contacts the ring members it remembers,
     * node1 knows node2 at once and still holds it up then, so it refuses the removal (it is alive).
     */
    @ParameterizedTest
    @CsvSource({"140009014, removenode node1 via node4 -> Completed",
        "140009982, removenode node2 via node1 -> Failed[message=cannot remove node2: it is alive"})
    void aRemovalAnswersOnceTheOthersKnowIt(long seed, String outcome) {
        SimRunReport[] report = new SimRunReport[1];
        String printed = run(seed, 60, report);
        assertThat(printed).contains(outcome);
        assertThat(report[0].passed()).as(printed).isTrue();
    }

    /**
     * Seed 170004849 (60 s): node1, the cluster's only seed, was decommissioned (34 s); then node3 and
     * node4 restarted (a read error stopped node3's storage, a full disk restarted node4) and node2
     * crashed and recovered, the last at 59.6 s. A restarted node's gossip knew only its seeds, so
     * from then on none of the three heard of another: each held the others down for good, with
     * hundreds of hints held, recovery and repair finding every replica down, the replicas diverged.
     * A restarted node now also contacts the ring members its durable records remember
     * ({@code GossipSuiteTest#restartedNodesFindEachOtherWhenTheirOnlySeedIsGone} pins that story;
     * with the fix this seed's faults fall differently, and it must simply pass).
     */
    @Test
    void seed170004849RestartedNodesFindEachOtherAfterTheirOnlySeedLeft() {
        SimRunReport[] report = new SimRunReport[1];
        String printed = run(170004849L, 60, report);
        assertThat(printed).contains("decommission node1 -> Completed");
        assertThat(report[0].passed()).as(printed).isTrue();
    }
}
