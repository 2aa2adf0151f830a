package ringdb.core.message;

import java.util.Arrays;

/**
 * Send me a digest of the entries a {@link RangeSyncRequest} with these same fields would return:
 * tokens in (startTokenExclusive, endTokenInclusive] (wrapping when start is not below end),
 * strictly after {@code afterKey} (null = from the start), at most {@code maxEntries}. Used by
 * recovery catch-up and full repair to skip the chunks both replicas already hold; answered by a
 * {@link RangeDigestResponse}.
 */
public record RangeDigestRequest(long requestId, long startTokenExclusive, long endTokenInclusive,
                                 byte[] afterKey, int maxEntries) implements Message {
    public RangeDigestRequest {
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries must be positive, got " + maxEntries);
        }
    }

    @Override
    public MessageType type() {
        return MessageType.RANGE_DIGEST_REQUEST;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RangeDigestRequest r && r.requestId == requestId
                && r.startTokenExclusive == startTokenExclusive && r.endTokenInclusive == endTokenInclusive
                && Arrays.equals(r.afterKey, afterKey) && r.maxEntries == maxEntries;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(requestId) * 31 + Arrays.hashCode(afterKey);
    }

    @Override
    public String toString() {
        return "RangeDigestRequest[requestId=" + requestId + ", range=(" + startTokenExclusive + ", "
                + endTokenInclusive + "], after=" + (afterKey == null ? "start" : afterKey.length + "B")
                + ", maxEntries=" + maxEntries + "]";
    }
}
