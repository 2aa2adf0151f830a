package ringdb.sim.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import ringdb.sim.run.SimRun;
import ringdb.sim.run.SimRunReport;
import ringdb.sim.run.SimRunSettings;

/**
 * {@code ringdb sim --ring-changes}: joins, decommissions, removals and replacements one after another
 * under partitions around the moving node, crashes of it and of coordinators, and clock jumps; every
 * check of the sweep holds (quorum intersection, no stale QUORUM read, liveness once faults stop).
 * Two seeds pinned in CI, each making a replacement and a join and completing a decommission or removal
 * (125 replaced 103, whose decommission no longer completes since restarted nodes contact the ring
 * members they remember);
 * {@code -Dringdb.ringchanges.seeds=N} runs N more from seed 1.
 */
class RingChangeNemesisTest {
    static LongStream seeds() {
        int more = Integer.getInteger("ringdb.ringchanges.seeds", 0);
        return LongStream.concat(LongStream.of(125, 106), LongStream.rangeClosed(1, more));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void everyCheckHoldsWhileTheRingChangesUnderFaults(long seed) {
        SimRunReport report = SimRun.run(SimRunSettings.derive(seed, 0, 60_000_000L).withMembershipChanges(false)
                .withRingChanges(true));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        report.print(new PrintStream(text, true, StandardCharsets.UTF_8), 200,
                "./ringdb sim --seed " + seed + " --safety-seconds 60 --ring-changes");
        String printed = text.toString(StandardCharsets.UTF_8);
        assertThat(report.passed()).as(printed).isTrue();
        List<String> changes = new ArrayList<>();
        for (String line : printed.split("\n")) {
            if (line.matches("\\s+[0-9.]+s (add|decommission|removenode|replace) .*")) {
                changes.add(line);
            }
        }
        assertThat(changes).as("ring changes the nemesis made").isNotEmpty();
        if (seed == 125 || seed == 106) {
            assertThat(printed).contains("replace ").contains("add ").contains("-> Completed");
        }
    }
}
