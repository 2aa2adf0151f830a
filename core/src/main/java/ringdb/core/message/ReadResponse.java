package ringdb.core.message;

import ringdb.core.data.Cell;

/** A replica's newest local version of the key: a value, a tombstone, or null (never written). */
public record ReadResponse(long requestId, Cell cell) implements Response {
    @Override
    public MessageType type() {
        return MessageType.READ_RESPONSE;
    }
}
