package ringdb.core.message;

import java.util.Arrays;

/**
 * Send me your entries with tokens in (startTokenExclusive, endTokenInclusive] (wrapping when start
 * is not below end), strictly after {@code afterKey} (null = from the start), at most
 * {@code maxEntries}. Used by recovery catch-up, full repair and the stream sessions of membership
 * changes; answered by a {@link RangeSyncResponse}. {@code ringEpoch}: the epoch of the ring the
 * sender planned the sync with; a node whose ring differs answers {@link RingEpochMismatch}
 * instead, and the sender plans the sync again once it learned that ring
 * ({@link MutationRequest#NO_RING_CHECK}: served whatever the ring).
 */
public record RangeSyncRequest(long requestId, long startTokenExclusive, long endTokenInclusive,
                               byte[] afterKey, int maxEntries, long ringEpoch) implements Message {
    /** A request served whatever the ring (tools and tests). */
    public RangeSyncRequest(long requestId, long startTokenExclusive, long endTokenInclusive, byte[] afterKey,
                            int maxEntries) {
        this(requestId, startTokenExclusive, endTokenInclusive, afterKey, maxEntries, MutationRequest.NO_RING_CHECK);
    }

    @Override
    public MessageType type() {
        return MessageType.RANGE_SYNC_REQUEST;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RangeSyncRequest r && r.requestId == requestId
                && r.startTokenExclusive == startTokenExclusive && r.endTokenInclusive == endTokenInclusive
                && Arrays.equals(r.afterKey, afterKey) && r.maxEntries == maxEntries && r.ringEpoch == ringEpoch;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(requestId) * 31 + Arrays.hashCode(afterKey);
    }

    @Override
    public String toString() {
        return "RangeSyncRequest[requestId=" + requestId + ", range=(" + startTokenExclusive + ", "
                + endTokenInclusive + "], after=" + (afterKey == null ? "start" : afterKey.length + "B")
                + ", maxEntries=" + maxEntries + ", ringEpoch=" + Long.toHexString(ringEpoch) + "]";
    }
}
