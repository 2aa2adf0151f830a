package ringdb.storage.disk;

/**
 * Paces background writing to a rate: the writer reports each run of bytes it wrote, and the call
 * returns once those bytes fit the rate, pausing the writer (a background thread) as long as needed.
 * Obtained from {@link Disk#throttle}.
 */
@FunctionalInterface
public interface ByteThrottle {
    /** No pacing. */
    ByteThrottle NONE = bytes -> { };

    /** {@code bytes} more were written; returns when the rate allows going on. */
    void written(long bytes);
}
