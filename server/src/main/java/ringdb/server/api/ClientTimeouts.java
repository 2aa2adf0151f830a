package ringdb.server.api;

/**
 * The deadlines of the client port, in milliseconds. {@code httpIdleMillis}: an HTTP connection
 * that sends nothing this long is closed. {@code nativeIdleMillis}: a native connection with no
 * traffic either way this long is closed (0: never). {@code requestReadMillis}: a request must arrive
 * complete this long after its first bytes, or its connection is answered a timeout and closed
 * (0: no deadline).
 */
public record ClientTimeouts(long httpIdleMillis, long nativeIdleMillis, long requestReadMillis) {
    public ClientTimeouts {
        if (httpIdleMillis <= 0) {
            throw new IllegalArgumentException("httpIdleMillis must be positive, got " + httpIdleMillis);
        }
        if (nativeIdleMillis < 0 || requestReadMillis < 0) {
            throw new IllegalArgumentException("nativeIdleMillis and requestReadMillis must be 0 (off) or positive, "
                    + "got " + nativeIdleMillis + " and " + requestReadMillis);
        }
    }

    /** Only the HTTP idle timeout: no native idle timeout, no request read deadline. */
    public static ClientTimeouts httpIdleOnly(long httpIdleMillis) {
        return new ClientTimeouts(httpIdleMillis, 0, 0);
    }
}
