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
 *
 * <p>{@code factorMin}..{@code factorMax}: only the entries whose key the answering node places with
 * a replication factor in that band (its keyspace's; see {@code KeyspaceReplication}), so that a
 * replica is compared with or copied from another only for the keyspaces both hold. Every factor
 * ({@link #EVERY_FACTOR_MIN}..{@link #EVERY_FACTOR_MAX}) unless said otherwise; the band travels on
 * the wire only when it is narrower.
 */
public record RangeSyncRequest(long requestId, long startTokenExclusive, long endTokenInclusive,
                               byte[] afterKey, int maxEntries, long ringEpoch, int factorMin, int factorMax)
        implements Message {
    /** The lowest factor of the band that holds every key. */
    public static final int EVERY_FACTOR_MIN = 1;
    /** The highest factor of the band that holds every key. */
    public static final int EVERY_FACTOR_MAX = Integer.MAX_VALUE;

    public RangeSyncRequest {
        if (factorMin < EVERY_FACTOR_MIN || factorMax < factorMin) {
            throw new IllegalArgumentException("bad replication factor band " + factorMin + ".." + factorMax
                    + ": it must satisfy 1 <= factorMin <= factorMax");
        }
    }

    /** A request for the entries of every factor. */
    public RangeSyncRequest(long requestId, long startTokenExclusive, long endTokenInclusive, byte[] afterKey,
                            int maxEntries, long ringEpoch) {
        this(requestId, startTokenExclusive, endTokenInclusive, afterKey, maxEntries, ringEpoch, EVERY_FACTOR_MIN,
                EVERY_FACTOR_MAX);
    }

    /** A request served whatever the ring (tools and tests). */
    public RangeSyncRequest(long requestId, long startTokenExclusive, long endTokenInclusive, byte[] afterKey,
                            int maxEntries) {
        this(requestId, startTokenExclusive, endTokenInclusive, afterKey, maxEntries, MutationRequest.NO_RING_CHECK);
    }

    /** Whether the request asks for the entries of every factor (no band on the wire). */
    public boolean everyFactor() {
        return factorMin == EVERY_FACTOR_MIN && factorMax == EVERY_FACTOR_MAX;
    }

    /** Whether an entry whose key is placed with replication factor {@code factor} is asked for. */
    public boolean asksFactor(int factor) {
        return factor >= factorMin && factor <= factorMax;
    }

    @Override
    public MessageType type() {
        return MessageType.RANGE_SYNC_REQUEST;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RangeSyncRequest r && r.requestId == requestId
                && r.startTokenExclusive == startTokenExclusive && r.endTokenInclusive == endTokenInclusive
                && Arrays.equals(r.afterKey, afterKey) && r.maxEntries == maxEntries && r.ringEpoch == ringEpoch
                && r.factorMin == factorMin && r.factorMax == factorMax;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(requestId) * 31 + Arrays.hashCode(afterKey);
    }

    @Override
    public String toString() {
        return "RangeSyncRequest[requestId=" + requestId + ", range=(" + startTokenExclusive + ", "
                + endTokenInclusive + "], after=" + (afterKey == null ? "start" : afterKey.length + "B")
                + ", maxEntries=" + maxEntries + ", ringEpoch=" + Long.toHexString(ringEpoch)
                + (everyFactor() ? "" : ", factors=" + factorMin + ".." + (factorMax == EVERY_FACTOR_MAX ? ""
                : Integer.toString(factorMax))) + "]";
    }
}
