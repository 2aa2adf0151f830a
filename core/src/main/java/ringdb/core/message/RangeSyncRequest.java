package ringdb.core.message;

import java.util.Arrays;

/**
 * Send me your entries with tokens in (startTokenExclusive, endTokenInclusive] (wrapping when start
 * is not below end), strictly after {@code afterKey} (null = from the start), at most
 * {@code maxEntries}. Used by recovery catch-up and full repair; answered by a
 * {@link RangeSyncResponse}.
 */
public record RangeSyncRequest(long requestId, long startTokenExclusive, long endTokenInclusive,
                               byte[] afterKey, int maxEntries) implements Message {
    @Override
    public MessageType type() {
        return MessageType.RANGE_SYNC_REQUEST;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RangeSyncRequest r && r.requestId == requestId
                && r.startTokenExclusive == startTokenExclusive && r.endTokenInclusive == endTokenInclusive
                && Arrays.equals(r.afterKey, afterKey) && r.maxEntries == maxEntries;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(requestId) * 31 + Arrays.hashCode(afterKey);
    }

    @Override
    public String toString() {
        return "RangeSyncRequest[requestId=" + requestId + ", range=(" + startTokenExclusive + ", "
                + endTokenInclusive + "], after=" + (afterKey == null ? "start" : afterKey.length + "B")
                + ", maxEntries=" + maxEntries + "]";
    }
}
