package ringdb.server.transport;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Warnings about refused internode connections, at most one per interval: a port scan or a peer of another
 * cluster that reconnects again and again would otherwise write a line per connection. The first refusal
 * of an interval is logged with how many were left out since the last line; the counters of
 * {@link TransportStats} still count every one.
 */
final class RefusalLog {
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Logger log;
    private final LongSupplier nanoTime;
    private long lastLoggedNanos;
    private boolean loggedAny;
    private long leftOut;

    RefusalLog(Logger log, LongSupplier nanoTime) {
        this.log = log;
        this.nanoTime = nanoTime;
    }

    /** Logs {@code what} (an SLF4J pattern with its arguments) unless a refusal was logged within the interval. */
    synchronized void warn(String what, Object... arguments) {
        long now = nanoTime.getAsLong();
        if (loggedAny && now - lastLoggedNanos < INTERVAL_NANOS) {
            leftOut++;
            return;
        }
        String line = leftOut == 0 ? what
                : what + " (" + leftOut + " more refused since the last such line, not logged)";
        log.warn(line, arguments);
        loggedAny = true;
        lastLoggedNanos = now;
        leftOut = 0;
    }
}
