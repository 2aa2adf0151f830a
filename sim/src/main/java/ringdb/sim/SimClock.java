package ringdb.sim;

import ringdb.core.Clock;

/**
 * One node's clock in the simulation: the scheduler's time, plus a skew (a fixed offset), plus a
 * drift (parts per million of the time elapsed since the drift was set), plus any jumps. Jumps may
 * go backwards, as a real clock does when NTP steps it; the node must cope.
 *
 * <p>The monotonic reading is the scheduler's time plus the drift only: a drifting oscillator makes
 * a real monotonic clock drift too, but neither the skew nor a jump (a step of the wall clock) moves
 * it. Changing the skew steps the wall clock like a jump does.
 *
 * <p>Readings are microseconds since the Unix epoch; simulated time zero is {@link #EPOCH_MICROS}.
 * Threading: simulation thread only.
 */
public final class SimClock implements Clock {
    /** The wall-clock instant simulated time zero stands for: 2025-01-01T00:00:00Z. */
    public static final long EPOCH_MICROS = 1_735_689_600_000_000L;

    private final SimScheduler scheduler;
    private long offsetMicros;
    private double driftPartsPerMillion;
    private long driftOriginMicros;
    /** Drift accumulated before the current drift rate was set (part of {@code offsetMicros} too). */
    private long driftBeforeOriginMicros;

    public SimClock(SimScheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public long nowMicros() {
        return EPOCH_MICROS + scheduler.nowMicros() + offsetMicros + driftMicros();
    }

    @Override
    public long monotonicMicros() {
        return scheduler.nowMicros() + driftBeforeOriginMicros + driftMicros();
    }

    /** How far this clock is from true simulated time, in microseconds (positive = ahead). */
    public long errorMicros() {
        return offsetMicros + driftMicros();
    }

    /** Sets the clock's offset from true time, keeping the drift accumulated so far. */
    public void setSkewMicros(long skewMicros) {
        offsetMicros = skewMicros;
    }

    /** Starts drifting at {@code partsPerMillion} from now on (what has drifted so far stays). */
    public void setDriftPartsPerMillion(double partsPerMillion) {
        long drifted = driftMicros();
        offsetMicros += drifted;
        driftBeforeOriginMicros += drifted;
        driftOriginMicros = scheduler.nowMicros();
        driftPartsPerMillion = partsPerMillion;
    }

    /** Steps the clock by {@code deltaMicros} at once (negative = backwards). */
    public void jump(long deltaMicros) {
        offsetMicros += deltaMicros;
    }

    public double driftPartsPerMillion() {
        return driftPartsPerMillion;
    }

    private long driftMicros() {
        if (driftPartsPerMillion == 0) {
            return 0;
        }
        return (long) ((scheduler.nowMicros() - driftOriginMicros) * driftPartsPerMillion / 1_000_000.0);
    }
}
