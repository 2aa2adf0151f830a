package ringdb.core.ring;

import java.util.List;
import ringdb.core.NodeId;

/**
 * The ring positions (startTokenExclusive, endTokenInclusive], wrapping past {@link Long#MAX_VALUE}
 * when start is not below end (start == end: the whole ring), with its replicas, primary first.
 */
public record TokenRange(long startTokenExclusive, long endTokenInclusive, List<NodeId> replicas) {
    public TokenRange {
        replicas = List.copyOf(replicas);
    }

    /** Whether {@code token} lies in this range. */
    public boolean contains(long token) {
        if (startTokenExclusive < endTokenInclusive) {
            return token > startTokenExclusive && token <= endTokenInclusive;
        }
        return token > startTokenExclusive || token <= endTokenInclusive;
    }

    /** The number of ring positions covered, as a fraction of the whole ring (0..1]. */
    public double fractionOfRing() {
        if (startTokenExclusive == endTokenInclusive) {
            return 1.0;
        }
        long width = endTokenInclusive - startTokenExclusive; // wraps correctly as unsigned
        double unsigned = width >= 0 ? (double) width : (double) (width >>> 1) * 2.0 + (width & 1);
        return unsigned / 18446744073709551616.0;
    }
}
