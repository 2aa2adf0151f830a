package ringdb.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SimSchedulerTest {
    @Test
    void runsEventsInTimeOrderThenInSchedulingOrder() {
        SimScheduler scheduler = new SimScheduler();
        List<String> ran = new ArrayList<>();
        scheduler.scheduleAt(30, () -> ran.add("c@30"));
        scheduler.scheduleAt(10, () -> ran.add("a@10"));
        scheduler.scheduleAt(20, () -> ran.add("b1@20"));
        scheduler.scheduleAt(20, () -> ran.add("b2@20"));
        scheduler.scheduleAt(20, () -> ran.add("b3@20"));

        while (scheduler.step()) {
            ran.add("t=" + scheduler.nowMicros());
        }

        assertThat(ran).containsExactly("a@10", "t=10", "b1@20", "t=20", "b2@20", "t=20", "b3@20", "t=20",
                "c@30", "t=30");
    }

    @Test
    void aZeroDelayEventRunsAfterEveryEventAlreadyDueNow() {
        SimScheduler scheduler = new SimScheduler();
        List<String> ran = new ArrayList<>();
        scheduler.scheduleAt(5, () -> {
            ran.add("first");
            scheduler.scheduleAfter(0, () -> ran.add("spawned"));
        });
        scheduler.scheduleAt(5, () -> ran.add("second"));

        scheduler.runUntil(5);

        assertThat(ran).containsExactly("first", "second", "spawned");
    }

    @Test
    void cancelledEventsNeverRun() {
        SimScheduler scheduler = new SimScheduler();
        List<String> ran = new ArrayList<>();
        SimScheduler.Event cancelled = scheduler.scheduleAt(10, () -> ran.add("cancelled"));
        scheduler.scheduleAt(20, () -> ran.add("kept"));
        cancelled.cancel();

        assertThat(scheduler.nextEventMicros()).isEqualTo(20);
        scheduler.runUntil(100);

        assertThat(ran).containsExactly("kept");
        assertThat(scheduler.executedCount()).isEqualTo(1);
        assertThat(scheduler.step()).isFalse();
    }

    @Test
    void runUntilStopsAtTheBoundAndAdvancesTime() {
        SimScheduler scheduler = new SimScheduler();
        List<Long> ran = new ArrayList<>();
        for (long at = 0; at <= 100; at += 10) {
            long time = at;
            scheduler.scheduleAt(at, () -> ran.add(time));
        }

        scheduler.runUntil(45);

        assertThat(ran).containsExactly(0L, 10L, 20L, 30L, 40L);
        assertThat(scheduler.nowMicros()).isEqualTo(45);
        assertThat(scheduler.nextEventMicros()).isEqualTo(50);
    }

    @Test
    void refusesToScheduleInThePast() {
        SimScheduler scheduler = new SimScheduler();
        scheduler.runUntil(100);

        assertThatThrownBy(() -> scheduler.scheduleAt(99, () -> { }))
                .hasMessageContaining("event scheduled in the past");
        assertThatThrownBy(() -> scheduler.scheduleAfter(-1, () -> { }))
                .hasMessageContaining("negative delay");
    }

    @Test
    void manyRandomEventsComeOutSortedByTimeThenSequence() {
        SimScheduler scheduler = new SimScheduler();
        Random random = new Random(42);
        List<long[]> ran = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            long at = random.nextInt(500);
            long order = i;
            scheduler.scheduleAt(at, () -> ran.add(new long[] {at, order}));
        }
        scheduler.runUntil(Long.MAX_VALUE - 1);

        assertThat(ran).hasSize(10_000);
        for (int i = 1; i < ran.size(); i++) {
            long[] previous = ran.get(i - 1);
            long[] current = ran.get(i);
            boolean ordered = previous[0] < current[0] || (previous[0] == current[0] && previous[1] < current[1]);
            assertThat(ordered).as("event %d out of order", i).isTrue();
        }
    }
}
