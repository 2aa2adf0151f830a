package ringdb.core.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;

class RingTest {
    private static Ring ring(int nodes, int numTokens, int replicationFactor) {
        Map<NodeId, long[]> tokens = new TreeMap<>();
        for (int i = 1; i <= nodes; i++) {
            NodeId id = NodeId.of("node" + i);
            tokens.put(id, Ring.tokensFor(id, numTokens));
        }
        return Ring.of(tokens, replicationFactor, 1);
    }

    @Property(tries = 200)
    void everyKeyLivesOnExactlyRfDistinctNodes(@ForAll byte[] key, @ForAll @IntRange(min = 1, max = 12) int nodes,
                                               @ForAll @IntRange(min = 1, max = 5) int replicationFactor,
                                               @ForAll @IntRange(min = 1, max = 16) int numTokens) {
        Ring ring = ring(nodes, numTokens, replicationFactor);
        List<NodeId> replicas = ring.replicasFor(Partitioner.SHA1, key);
        assertThat(replicas).hasSize(Math.min(nodes, replicationFactor));
        assertThat(new HashSet<>(replicas)).hasSameSizeAs(replicas);
    }

    @Property(tries = 200)
    void primaryOwnsTheFirstTokenClockwise(@ForAll byte[] key, @ForAll @IntRange(min = 1, max = 10) int nodes,
                                          @ForAll @IntRange(min = 1, max = 8) int numTokens) {
        Ring ring = ring(nodes, numTokens, 3);
        long keyToken = Partitioner.SHA1.token(key);
        NodeId expected = null;
        long best = 0;
        NodeId lowest = null;
        long lowestToken = Long.MAX_VALUE;
        for (NodeId node : ring.members()) {
            for (long token : ring.tokensOf(node)) {
                if (token >= keyToken && (expected == null || token < best)) {
                    expected = node;
                    best = token;
                }
                if (lowest == null || token < lowestToken) {
                    lowest = node;
                    lowestToken = token;
                }
            }
        }
        assertThat(ring.replicasFor(Partitioner.SHA1, key).get(0)).isEqualTo(expected == null ? lowest : expected);
    }

    @Property(tries = 100)
    void replicasAreTheNextDistinctNodesClockwise(@ForAll byte[] key) {
        Ring ring = ring(6, 4, 3);
        List<NodeId> replicas = ring.replicasFor(Partitioner.SHA1, key);
        List<TokenRange> ranges = ring.ranges();
        int index = 0;
        while (!ranges.get(index).contains(Partitioner.SHA1.token(key))) {
            index++;
        }
        List<NodeId> walked = new ArrayList<>();
        for (int step = 0; walked.size() < 3; step++) {
            NodeId owner = ranges.get((index + step) % ranges.size()).replicas().get(0);
            if (!walked.contains(owner)) {
                walked.add(owner);
            }
        }
        assertThat(replicas).isEqualTo(walked);
    }

    @Test
    void oneTokenPerNodeIsTheSeedsRing() {
        Ring ring = ring(5, 1, 2);
        for (NodeId node : ring.members()) {
            assertThat(ring.tokensOf(node)).containsExactly(Partitioner.SHA1.token(node.id()));
        }
        // the seed's placement: the first node clockwise from SHA-1(key), then the next one
        long keyToken = Partitioner.SHA1.token("user:42");
        List<NodeId> sorted = ring.members().stream()
                .sorted((a, b) -> Long.compare(Partitioner.SHA1.token(a.id()),
                        Partitioner.SHA1.token(b.id()))).toList();
        int first = 0;
        while (first < sorted.size() && Partitioner.SHA1.token(sorted.get(first).id()) < keyToken) {
            first++;
        }
        first %= sorted.size();
        assertThat(ring.replicasFor(Partitioner.SHA1, "user:42".getBytes(StandardCharsets.UTF_8)))
                .containsExactly(sorted.get(first), sorted.get((first + 1) % sorted.size()));
    }

    @Property(tries = 50)
    void ownershipSumsToOneAndVirtualNodesSpreadIt(@ForAll @IntRange(min = 1, max = 20) int nodes) {
        Ring ring = ring(nodes, 16, 2);
        double sum = ring.ownership().values().stream().mapToDouble(Double::doubleValue).sum();
        assertThat(sum).isCloseTo(1.0, Offset.offset(1e-9));
        assertThat(ring.ownership()).hasSize(nodes);
    }

    @Test
    void rangesCoverTheRingOnce() {
        Ring ring = ring(4, 3, 2);
        List<TokenRange> ranges = ring.ranges();
        assertThat(ranges).hasSize(12);
        for (long probe : new long[] {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE, 123456789L}) {
            assertThat(ranges.stream().filter(range -> range.contains(probe)).count()).isEqualTo(1);
        }
        assertThat(ring.rangesReplicatedBy(NodeId.of("node1"))).hasSize(6); // RF 2: own 3 + 3 as second
    }

    @Test
    void singleNodeOwnsEverything() {
        Ring ring = ring(1, 1, 2);
        assertThat(ring.ranges()).hasSize(1);
        assertThat(ring.ranges().get(0).fractionOfRing()).isEqualTo(1.0);
        assertThat(ring.replicasFor(Partitioner.SHA1, new byte[] {1})).containsExactly(NodeId.of("node1"));
        assertThat(Ring.empty().replicasFor(Partitioner.SHA1, new byte[] {1})).isEmpty();
    }

    @Test
    void digestTellsRingsApart() {
        assertThat(ring(3, 4, 2).digest()).isEqualTo(ring(3, 4, 2).digest());
        assertThat(ring(3, 4, 2).digest()).isNotEqualTo(ring(4, 4, 2).digest());
    }
}
