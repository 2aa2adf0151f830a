package ringdb.server.runtime;

import java.time.Instant;
import ringdb.core.Clock;

/**
 * The wall clock, in microseconds since the Unix epoch, and {@code System.nanoTime} for the monotonic
 * clock, counted from when this object was built so that it is never negative. Thread-safe.
 */
public final class SystemClock implements Clock {
    private final long originNanos = System.nanoTime();

    @Override
    public long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    @Override
    public long monotonicMicros() {
        return (System.nanoTime() - originNanos) / 1_000;
    }
}
