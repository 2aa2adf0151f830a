package ringdb.core;

/**
 * A node's sources of time: a wall clock and a monotonic clock. The real runtime reads the system
 * clock and {@code System.nanoTime}; the simulator gives each node its own clock whose wall reading
 * may be skewed, drift or jump. Core and storage code must read time only through this interface.
 *
 * <p>Which to read: the wall clock ({@link #nowMicros}) only for what is compared across nodes or
 * kept across restarts: cell timestamps, generations, the stamps of events shown to users, expiry
 * of data (TTL, gc grace). The monotonic clock ({@link #monotonicMicros}) for every duration measured
 * on this node: timeouts, failure detection, the hint window, phase timing, pacing and backoffs. A
 * step of the wall clock (NTP correcting it by an hour, an operator setting the date) then changes
 * no duration.
 */
public interface Clock {
    /** Microseconds since the Unix epoch (or since the start of a simulation). May jump backwards. */
    long nowMicros();

    /**
     * Microseconds elapsed since an arbitrary origin fixed for this process: never negative, never
     * decreasing, unaffected by steps of the wall clock (it may drift as the hardware clock does).
     * Readings mean nothing on another node or after a restart; never send or store them.
     */
    long monotonicMicros();

    /**
     * A clock that never moves: both readings are {@code micros} for ever. For offline tools and
     * tests that open storage without measuring time.
     */
    static Clock fixed(long micros) {
        return new Clock() {
            @Override
            public long nowMicros() {
                return micros;
            }

            @Override
            public long monotonicMicros() {
                return micros;
            }
        };
    }
}
