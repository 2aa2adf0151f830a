package ringdb.core.membership;

import java.util.Map;
import java.util.TreeMap;
import ringdb.core.NodeId;
import ringdb.core.ring.Ring;

/**
 * Chooses the tokens of a node that has none yet.
 *
 * <p>{@link TokenAllocation#DERIVED}: SHA-1 of the node id and an index ({@link Ring#tokensFor}).
 *
 * <p>{@link TokenAllocation#BALANCED}: the new node aims at 1/(N+1) of the ring (primary ownership).
 * Each of its tokens takes an equal share of what it still needs from the node that owns the most
 * right now, inside that node's widest range: the new token is placed so that the new node takes
 * the start of the range and the donor keeps the rest. With an empty ring the tokens are spaced
 * evenly, starting at SHA-1 of the node id. Deterministic: the same ring gives the same tokens.
 * Stateless; thread-safe.
 */
public final class TokenAllocator {
    private static final double RING_SIZE = 18446744073709551616.0;

    private TokenAllocator() {
    }

    /** Tokens for {@code node} given the ring members' current tokens ({@code current} may be empty). */
    public static long[] allocate(TokenAllocation allocation, NodeId node, int numTokens, Map<NodeId, long[]> current) {
        if (numTokens <= 0) {
            throw new IllegalArgumentException("numTokens must be positive, got " + numTokens);
        }
        if (allocation == TokenAllocation.DERIVED) {
            return Ring.tokensFor(node, numTokens);
        }
        TreeMap<Long, NodeId> owners = new TreeMap<>();
        current.forEach((member, tokens) -> {
            if (!member.equals(node)) {
                for (long token : tokens) {
                    owners.put(token, member);
                }
            }
        });
        return owners.isEmpty() ? evenlySpaced(node, numTokens) : balanced(node, numTokens, owners);
    }

    private static long[] evenlySpaced(NodeId node, int numTokens) {
        long start = Ring.tokensFor(node, 1)[0];
        long step = Long.divideUnsigned(-1L, numTokens);
        long[] out = new long[numTokens];
        for (int i = 0; i < numTokens; i++) {
            out[i] = start + step * i;
        }
        return out;
    }

    private static long[] balanced(NodeId node, int numTokens, TreeMap<Long, NodeId> owners) {
        TreeMap<NodeId, Double> owned = ownership(owners);
        double target = 1.0 / (owned.size() + 1);
        double mine = 0;
        long[] out = new long[numTokens];
        for (int i = 0; i < numTokens; i++) {
            double need = (target - mine) / (numTokens - i);
            NodeId donor = mostLoaded(owned);
            long[] widest = widestRange(owners, donor);
            long amount = toUnsigned(Math.max(need, 0));
            long width = widest[1] - widest[0];
            if (width != 0 && Long.compareUnsigned(amount, width - 1) > 0) {
                amount = width - 1;
            }
            long token = widest[0] + Math.max(amount, 1);
            while (owners.containsKey(token)) {
                token++;
            }
            double taken = fraction(token - widest[0]);
            owners.put(token, node);
            owned.merge(donor, -taken, Double::sum);
            mine += taken;
            out[i] = token;
        }
        return out;
    }

    /** Primary ownership fraction of each owner: the range ending at each token belongs to its owner. */
    private static TreeMap<NodeId, Double> ownership(TreeMap<Long, NodeId> owners) {
        TreeMap<NodeId, Double> owned = new TreeMap<>();
        long previous = owners.lastKey();
        for (Map.Entry<Long, NodeId> entry : owners.entrySet()) {
            long width = entry.getKey() - previous;
            owned.merge(entry.getValue(), owners.size() == 1 ? 1.0 : fraction(width), Double::sum);
            previous = entry.getKey();
        }
        return owned;
    }

    private static NodeId mostLoaded(TreeMap<NodeId, Double> owned) {
        NodeId best = null;
        double bestShare = -1;
        for (Map.Entry<NodeId, Double> entry : owned.entrySet()) {
            if (entry.getValue() > bestShare) {
                best = entry.getKey();
                bestShare = entry.getValue();
            }
        }
        return best;
    }

    /** {startExclusive, endInclusive} of {@code donor}'s widest range. */
    private static long[] widestRange(TreeMap<Long, NodeId> owners, NodeId donor) {
        long previous = owners.lastKey();
        long[] best = null;
        long bestWidth = 0;
        for (Map.Entry<Long, NodeId> entry : owners.entrySet()) {
            long width = entry.getKey() - previous;
            if (entry.getValue().equals(donor) && (best == null || width == 0
                    || bestWidth != 0 && Long.compareUnsigned(width, bestWidth) > 0)) {
                best = new long[] {previous, entry.getKey()};
                bestWidth = width;
            }
            previous = entry.getKey();
        }
        return best;
    }

    /** A fraction of the ring (0..1) as an unsigned number of positions. */
    private static long toUnsigned(double fraction) {
        double half = Math.min(fraction, 1.0) * (RING_SIZE / 2);
        long positions = half >= 9.223372036854775807E18 ? Long.MAX_VALUE : (long) half;
        return positions << 1;
    }

    /** An unsigned number of positions as a fraction of the ring; 0 stands for the whole ring. */
    static double fraction(long positions) {
        if (positions == 0) {
            return 1.0;
        }
        double unsigned = positions >= 0 ? (double) positions : (double) (positions >>> 1) * 2.0 + (positions & 1);
        return unsigned / RING_SIZE;
    }
}
