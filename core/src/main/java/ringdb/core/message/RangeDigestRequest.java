package ringdb.core.message;

import java.util.Objects;

/**
 * Send me a digest of the entries the {@link RangeSyncRequest} {@code chunk} would return, instead
 * of the entries; the answer, a {@link RangeDigestResponse}, carries {@code chunk}'s request id.
 * Used by recovery catch-up and full repair to skip the chunks both replicas already hold. On the
 * wire it is the chunk's fields under its own type.
 */
public record RangeDigestRequest(RangeSyncRequest chunk) implements Message {
    public RangeDigestRequest {
        Objects.requireNonNull(chunk, "chunk");
        if (chunk.maxEntries() <= 0) {
            throw new IllegalArgumentException("maxEntries must be positive, got " + chunk.maxEntries());
        }
    }

    @Override
    public MessageType type() {
        return MessageType.RANGE_DIGEST_REQUEST;
    }
}
