package ringdb.core.message;

import java.util.Arrays;
import java.util.Objects;

/**
 * Entries whose token lies in ({@code startTokenExclusive}, {@code endTokenInclusive}] and whose
 * key begins with {@code keyPrefix} (a table's entries: its tag and id), resuming strictly after
 * ({@code afterToken}, {@code afterKey}) when {@code afterKey} is not null, at most {@code maxEntries}
 * of them; answered with a {@link RangeScanResponse} ({@code complete} when the range holds no
 * more) or a {@link ReadFailure}. The scan of a table a coordinator walks range by range.
 * {@code ringEpoch} as in {@link ReadRequest}.
 */
public record RangeScanRequest(long requestId, long startTokenExclusive, long endTokenInclusive, long afterToken,
                               byte[] afterKey, byte[] keyPrefix, int maxEntries, long ringEpoch) implements Message {
    public RangeScanRequest {
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries must be positive, got " + maxEntries);
        }
    }

    @Override
    public MessageType type() {
        return MessageType.RANGE_SCAN_REQUEST;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RangeScanRequest r && r.requestId == requestId
                && r.startTokenExclusive == startTokenExclusive && r.endTokenInclusive == endTokenInclusive
                && r.afterToken == afterToken && Arrays.equals(r.afterKey, afterKey)
                && Arrays.equals(r.keyPrefix, keyPrefix) && r.maxEntries == maxEntries && r.ringEpoch == ringEpoch;
    }

    @Override
    public int hashCode() {
        return Objects.hash(requestId, startTokenExclusive, endTokenInclusive, maxEntries);
    }

    @Override
    public String toString() {
        return "RangeScanRequest[requestId=" + requestId + ", (" + startTokenExclusive + ", " + endTokenInclusive
                + "], maxEntries=" + maxEntries + "]";
    }
}
