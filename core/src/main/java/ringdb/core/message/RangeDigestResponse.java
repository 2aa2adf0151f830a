package ringdb.core.message;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The digest of one chunk of a range: exactly the {@code entryCount} entries a
 * {@link RangeSyncRequest} with the same fields would have returned; the chunk spans the range up to
 * and including {@code lastKey} (null when the chunk is empty): its last entry's key, or, for a
 * request of some replication factors only, possibly the key of an entry of another factor the
 * answering node passed over (then {@code entryCount} may be 0). {@code digest} is the SHA-256 of
 * their canonical encoding (see docs/formats/messages.md and {@code ringdb.core.repair.ChunkDigest});
 * {@code complete} is true when the range has no entries after {@code lastKey}.
 */
public record RangeDigestResponse(long requestId, boolean complete, int entryCount, byte[] lastKey, byte[] digest)
        implements Response {
    /** Length of {@link #digest()}: a SHA-256. */
    public static final int DIGEST_BYTES = 32;

    public RangeDigestResponse {
        if (entryCount < 0) {
            throw new IllegalArgumentException("entryCount must not be negative, got " + entryCount);
        }
        if (entryCount > 0 && lastKey == null) {
            throw new IllegalArgumentException("lastKey must be present when entryCount is " + entryCount);
        }
        if (digest == null || digest.length != DIGEST_BYTES) {
            throw new IllegalArgumentException("digest must be " + DIGEST_BYTES + " bytes, got "
                    + (digest == null ? "none" : digest.length));
        }
    }

    @Override
    public MessageType type() {
        return MessageType.RANGE_DIGEST_RESPONSE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RangeDigestResponse r && r.requestId == requestId && r.complete == complete
                && r.entryCount == entryCount && Arrays.equals(r.lastKey, lastKey) && Arrays.equals(r.digest, digest);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(requestId) * 31 + Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return "RangeDigestResponse[requestId=" + requestId + ", complete=" + complete + ", entryCount=" + entryCount
                + ", last=" + (lastKey == null ? "none" : lastKey.length + "B") + ", digest="
                + HexFormat.of().formatHex(digest, 0, 8) + "...]";
    }
}
