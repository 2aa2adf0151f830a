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
 * A join under partitions must not let two coordinators use disjoint quorums. Seed 93001766 (30 s
 * of faults, membership changes on): node4 joins while node1 is cut off from node2 and node3 and
 * node4 cannot reach them; only node1 learns of the join. Without the progress barrier node4
 * streamed and turned NORMAL after the ring delay, node2 kept writing at QUORUM to node2 and
 * node3 (its ring had no node4) while node4 read from node4 and node1: 18 stale QUORUM reads. With
 * the barrier node4 waits until the replicas of its ranges have acknowledged its announcement.
 */
class JoinBarrierTest {
    @Test
    void aJoinThatOnlyOneReplicaHeardOfWaitsAndNoQuorumReadIsStale() {
        SimRunReport report = SimRun.run(SimRunSettings.derive(93001766L, 0, 30_000_000L)
                .withMembershipChanges(true));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        report.print(new PrintStream(text, true, StandardCharsets.UTF_8), 200,
                "./ringdb sim --seed 93001766 --safety-seconds 30 --membership");
        String printed = text.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("add node4");
        assertThat(report.passed()).as(printed).isTrue();
    }
}
