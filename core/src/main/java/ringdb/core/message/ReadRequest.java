package ringdb.core.message;

import java.util.Arrays;
import java.util.Objects;

/**
 * Return the newest local version of {@code key} in a {@link ReadResponse}. {@code ringEpoch}: the
 * epoch of the ring the sender planned the read with; a replica whose ring differs answers
 * {@link RingEpochMismatch} instead.
 */
public record ReadRequest(long requestId, byte[] key, long ringEpoch) implements Message {
    public ReadRequest {
        Objects.requireNonNull(key, "key");
    }

    @Override
    public MessageType type() {
        return MessageType.READ_REQUEST;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReadRequest r && r.requestId == requestId && Arrays.equals(r.key, key)
                && r.ringEpoch == ringEpoch;
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(requestId) * 31 + Arrays.hashCode(key)) * 31 + Long.hashCode(ringEpoch);
    }

    @Override
    public String toString() {
        return "ReadRequest[requestId=" + requestId + ", key=" + key.length + "B, ringEpoch="
                + Long.toHexString(ringEpoch) + "]";
    }
}
