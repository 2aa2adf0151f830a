package ringdb.core.data;

/** A request that can never succeed as sent (empty or oversized key, oversized value...). */
public final class InvalidRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message) {
        super(message);
    }
}
