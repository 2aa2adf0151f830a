package ringdb.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SimClockTest {
    @Test
    void followsSimulatedTimeFromTheEpoch() {
        SimScheduler scheduler = new SimScheduler();
        SimClock clock = new SimClock(scheduler);
        assertThat(clock.nowMicros()).isEqualTo(SimClock.EPOCH_MICROS);

        scheduler.runUntil(1_500);

        assertThat(clock.nowMicros()).isEqualTo(SimClock.EPOCH_MICROS + 1_500);
        assertThat(clock.errorMicros()).isZero();
    }

    @Test
    void skewIsAFixedOffset() {
        SimScheduler scheduler = new SimScheduler();
        SimClock clock = new SimClock(scheduler);
        clock.setSkewMicros(-250_000);
        scheduler.runUntil(1_000_000);

        assertThat(clock.nowMicros()).isEqualTo(SimClock.EPOCH_MICROS + 750_000);
        assertThat(clock.errorMicros()).isEqualTo(-250_000);
    }

    @Test
    void driftAccumulatesFromWhenItWasSet() {
        SimScheduler scheduler = new SimScheduler();
        SimClock clock = new SimClock(scheduler);
        scheduler.runUntil(10_000_000);
        clock.setDriftPartsPerMillion(100); // 100 us per simulated second
        scheduler.runUntil(20_000_000);
        assertThat(clock.errorMicros()).isEqualTo(1_000);

        clock.setDriftPartsPerMillion(0);
        scheduler.runUntil(30_000_000);
        assertThat(clock.errorMicros()).as("drift so far is kept once drifting stops").isEqualTo(1_000);
    }

    @Test
    void jumpsMayGoBackwards() {
        SimScheduler scheduler = new SimScheduler();
        SimClock clock = new SimClock(scheduler);
        scheduler.runUntil(5_000_000);
        long before = clock.nowMicros();

        clock.jump(-2_000_000);

        assertThat(clock.nowMicros()).isEqualTo(before - 2_000_000);
    }

    @Test
    void theMonotonicClockFollowsTheDriftButNeitherSkewNorJumps() {
        SimScheduler scheduler = new SimScheduler();
        SimClock clock = new SimClock(scheduler);
        clock.setSkewMicros(-250_000);
        scheduler.runUntil(10_000_000);
        clock.setDriftPartsPerMillion(100);
        scheduler.runUntil(20_000_000);
        clock.jump(-3_600_000_000L);
        clock.setSkewMicros(600_000_000L);
        long wallBefore = clock.nowMicros();
        long monotonicBefore = clock.monotonicMicros();
        assertThat(monotonicBefore).isEqualTo(20_000_000 + 1_000);

        clock.setDriftPartsPerMillion(-100);
        scheduler.runUntil(30_000_000);

        assertThat(clock.monotonicMicros()).isEqualTo(monotonicBefore + 10_000_000 - 1_000);
        assertThat(clock.nowMicros() - wallBefore).isEqualTo(10_000_000 - 1_000);
        clock.jump(3_600_000_000L);
        assertThat(clock.monotonicMicros()).isEqualTo(monotonicBefore + 10_000_000 - 1_000);
    }
}
