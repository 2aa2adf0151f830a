package ringdb.core.coordinator;

import java.util.Objects;

/**
 * A slice of one partition: the entries of token {@code token} with keys in [{@code fromInclusive},
 * {@code toExclusive}), in key order or {@code reversed}, at most {@code maxEntries}, with the range
 * tombstones of the partition whose keys lie in [{@code partitionStart}, {@code partitionEnd}).
 */
public record SliceQuery(long token, byte[] fromInclusive, byte[] toExclusive, boolean reversed, int maxEntries,
                         byte[] partitionStart, byte[] partitionEnd) {
    public SliceQuery {
        Objects.requireNonNull(fromInclusive, "fromInclusive");
        Objects.requireNonNull(toExclusive, "toExclusive");
        Objects.requireNonNull(partitionStart, "partitionStart");
        Objects.requireNonNull(partitionEnd, "partitionEnd");
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries must be positive, got " + maxEntries);
        }
    }
}
