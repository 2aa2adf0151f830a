package ringdb.storage.disk.file;

import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import ringdb.storage.disk.ByteThrottle;

/**
 * Paces the writers that share it to one byte rate: each reports what it wrote and is paused until
 * the rate has caught up with everything reported so far. Time not used while idle is not saved up
 * for later. A writer may run ahead of the rate by up to {@link #SLACK_NANOS}; past that it pauses
 * until the rate has caught up, so it pauses at most about a thousand times a second however small
 * its reports.
 *
 * <p>Thread-safe. The clock (nanoseconds) and the pause are injected so that tests need not wait.
 */
final class ByteRateLimiter implements ByteThrottle {
    static final long SLACK_NANOS = 1_000_000;
    private static final double NANOS_PER_SECOND = 1e9;

    private final LongSupplier ticker;
    private final LongConsumer pause;
    private long bytesPerSecond; // guarded by this
    private long caughtUpAtNanos; // guarded by this: when the rate will have covered every byte reported

    ByteRateLimiter(LongSupplier ticker, LongConsumer pause) {
        this.ticker = ticker;
        this.pause = pause;
    }

    /** The rate from now on; 0 lets every writer through at once. */
    synchronized void setRate(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytesPerSecond must not be negative, was " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
    }

    @Override
    public void written(long bytes) {
        long resumeAtNanos;
        synchronized (this) {
            if (bytesPerSecond == 0 || bytes <= 0) {
                return;
            }
            long now = ticker.getAsLong();
            caughtUpAtNanos = Math.max(caughtUpAtNanos, now) + (long) (bytes * NANOS_PER_SECOND / bytesPerSecond);
            if (caughtUpAtNanos - now <= SLACK_NANOS) {
                return;
            }
            resumeAtNanos = caughtUpAtNanos; // a pause lasts until the rate has caught up, so at least the slack
        }
        for (long wait = resumeAtNanos - ticker.getAsLong(); wait > 0; wait = resumeAtNanos - ticker.getAsLong()) {
            if (Thread.currentThread().isInterrupted()) {
                return; // being stopped: pacing must not hold the thread up
            }
            pause.accept(wait); // may return early; the loop waits out the rest
        }
    }
}
