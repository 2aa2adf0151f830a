package ringdb.core.ring;

import java.util.List;
import ringdb.core.Invariants;
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
        return contains(startTokenExclusive, endTokenInclusive, token);
    }

    /**
     * Whether {@code token} lies in the ring positions (startTokenExclusive, endTokenInclusive],
     * wrapping as a {@code TokenRange} does; allocates nothing.
     */
    public static boolean contains(long startTokenExclusive, long endTokenInclusive, long token) {
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
        double fraction = unsigned / 18446744073709551616.0;
        Invariants.check(fraction > 0 && fraction <= 1.0, "a token range covers a fraction of the ring in (0, 1]");
        return fraction;
    }
}
