package ringdb.client;

/**
 * A request the cluster refused or could not serve. {@link #status()} is the HTTP status (0 when
 * no node could be reached); {@link #error()} the machine-readable kind ("unavailable", "timeout",
 * "invalid", "too_large", "unreachable"...); the message says what is wrong in words.
 */
public final class RingClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String error;

    public RingClientException(int status, String error, String message) {
        super(message);
        this.status = status;
        this.error = error;
    }

    public RingClientException(int status, String error, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }
}
