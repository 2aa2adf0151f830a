package ringdb.core;

/**
 * A node's source of time. The real runtime reads the system clock; the simulator gives each
 * node its own clock that may be skewed, drift, or jump. Core and storage code must read time
 * only through this interface.
 */
public interface Clock {
    /** Microseconds since the Unix epoch (or since the start of a simulation). May jump backwards. */
    long nowMicros();
}
