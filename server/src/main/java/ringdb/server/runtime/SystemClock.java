package ringdb.server.runtime;

import java.time.Instant;
import ringdb.core.Clock;

/** The wall clock, in microseconds since the Unix epoch. Thread-safe. */
public final class SystemClock implements Clock {
    @Override
    public long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
