package ringdb.core.message;

import java.util.Arrays;
import java.util.Objects;

/** Return the newest local version of {@code key} in a {@link ReadResponse}. */
public record ReadRequest(long requestId, byte[] key) implements Message {
    public ReadRequest {
        Objects.requireNonNull(key, "key");
    }

    @Override
    public MessageType type() {
        return MessageType.READ_REQUEST;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReadRequest r && r.requestId == requestId && Arrays.equals(r.key, key);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(requestId) * 31 + Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "ReadRequest[requestId=" + requestId + ", key=" + key.length + "B]";
    }
}
