package ringdb.core.message;

/** A replica could not read the key (e.g. a disk error): the coordinator answers without waiting for it. */
public record ReadFailure(long requestId, String error) implements Response {
    public ReadFailure {
        error = error == null || error.isEmpty() ? "read failed" : error;
    }

    @Override
    public MessageType type() {
        return MessageType.READ_FAILURE;
    }
}
