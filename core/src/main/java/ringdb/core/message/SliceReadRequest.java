package ringdb.core.message;

import java.util.Arrays;
import java.util.Objects;

/**
 * Read the entries of partition token {@code token} whose keys lie in [{@code fromInclusive},
 * {@code toExclusive}), in key order or {@code reversed}, at most {@code maxEntries}, and the
 * partition's range tombstones between {@code partitionStart} and {@code partitionEnd} (the
 * partition's key range); answered with a {@link SliceReadResponse} or a {@link ReadFailure}.
 * {@code ringEpoch} as in {@link ReadRequest}.
 */
public record SliceReadRequest(long requestId, long token, byte[] fromInclusive, byte[] toExclusive,
                               boolean reversed, int maxEntries, byte[] partitionStart, byte[] partitionEnd,
                               long ringEpoch) implements Message {
    public SliceReadRequest {
        Objects.requireNonNull(fromInclusive, "fromInclusive");
        Objects.requireNonNull(toExclusive, "toExclusive");
        Objects.requireNonNull(partitionStart, "partitionStart");
        Objects.requireNonNull(partitionEnd, "partitionEnd");
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries must be positive, got " + maxEntries);
        }
    }

    @Override
    public MessageType type() {
        return MessageType.SLICE_READ_REQUEST;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SliceReadRequest r && r.requestId == requestId && r.token == token
                && Arrays.equals(r.fromInclusive, fromInclusive) && Arrays.equals(r.toExclusive, toExclusive)
                && r.reversed == reversed && r.maxEntries == maxEntries
                && Arrays.equals(r.partitionStart, partitionStart) && Arrays.equals(r.partitionEnd, partitionEnd)
                && r.ringEpoch == ringEpoch;
    }

    @Override
    public int hashCode() {
        return Objects.hash(requestId, token, Arrays.hashCode(fromInclusive), maxEntries);
    }

    @Override
    public String toString() {
        return "SliceReadRequest[requestId=" + requestId + ", token=" + token + ", reversed=" + reversed
                + ", maxEntries=" + maxEntries + "]";
    }
}
