package ringdb.core.membership;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.ring.Ring;

class TokenAllocatorTest {
    private static final int TOKENS = 16;

    @Test
    void balancedGrowthKeepsOwnershipWithinAQuarterFrom3To20Nodes() {
        TreeMap<NodeId, long[]> members = new TreeMap<>();
        for (int n = 1; n <= 20; n++) {
            NodeId node = NodeId.of("node" + n);
            members.put(node, TokenAllocator.allocate(TokenAllocation.BALANCED, node, TOKENS, members));
            if (n >= 3) {
                Map<NodeId, Double> ownership = Ring.of(members, 2, n).ownership();
                double most = Collections.max(ownership.values());
                double least = Collections.min(ownership.values());
                assertTrue(most <= 1.25 * least, n + " nodes: most loaded owns " + most + ", least " + least
                        + " (ratio " + most / least + ")");
                assertEquals(1.0, ownership.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
            }
        }
    }

    @Test
    void balancedAllocationIsDeterministicAndTokensAreDistinct() {
        TreeMap<NodeId, long[]> members = new TreeMap<>();
        for (int n = 1; n <= 5; n++) {
            NodeId node = NodeId.of("node" + n);
            members.put(node, TokenAllocator.allocate(TokenAllocation.BALANCED, node, TOKENS, members));
        }
        NodeId next = NodeId.of("node6");
        long[] first = TokenAllocator.allocate(TokenAllocation.BALANCED, next, TOKENS, members);
        assertArrayEquals(first, TokenAllocator.allocate(TokenAllocation.BALANCED, next, TOKENS, members));
        Set<Long> all = new HashSet<>();
        members.values().forEach(tokens -> {
            for (long token : tokens) {
                all.add(token);
            }
        });
        for (long token : first) {
            assertTrue(all.add(token), "token " + token + " collides with an existing one");
        }
    }

    @Test
    void derivedAllocationIgnoresTheRing() {
        NodeId node = NodeId.of("node7");
        assertArrayEquals(Ring.tokensFor(node, TOKENS),
                TokenAllocator.allocate(TokenAllocation.DERIVED, node, TOKENS, Map.of(NodeId.of("x"), new long[] {1})));
    }

    @Test
    void derivedRingsAreMuchLessEvenThanBalancedOnes() {
        TreeMap<NodeId, long[]> derived = new TreeMap<>();
        for (int n = 1; n <= 20; n++) {
            derived.put(NodeId.of("node" + n), Ring.tokensFor(NodeId.of("node" + n), TOKENS));
        }
        Map<NodeId, Double> ownership = Ring.of(derived, 2, 1).ownership();
        assertTrue(Collections.max(ownership.values()) > 1.25 * Collections.min(ownership.values()),
                "the derived layout is expected to be uneven enough to need balancing");
    }

    @Test
    void parsesAllocationNames() {
        assertEquals(TokenAllocation.BALANCED, TokenAllocation.parse("Balanced"));
        assertEquals(TokenAllocation.DERIVED, TokenAllocation.parse("derived"));
        InvalidRequestException error = assertThrows(InvalidRequestException.class,
                () -> TokenAllocation.parse("random"));
        assertEquals("unknown token allocation 'random'; expected derived or balanced", error.getMessage());
    }
}
