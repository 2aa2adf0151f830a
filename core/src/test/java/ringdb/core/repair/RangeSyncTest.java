package ringdb.core.repair;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import ringdb.core.NodeId;
import ringdb.core.ring.TokenRange;

class RangeSyncTest {
    @Provide
    Arbitrary<Long> tokens() {
        return Arbitraries.oneOf(Arbitraries.longs(),
                Arbitraries.of(Long.MIN_VALUE, Long.MIN_VALUE + 1, -1L, 0L, 1L, Long.MAX_VALUE - 1, Long.MAX_VALUE));
    }

    @Property(tries = 2000)
    void unwrappingKeepsExactlyTheSameTokensInPlainOrder(@ForAll("tokens") long start, @ForAll("tokens") long end,
                                                         @ForAll("tokens") long probe) {
        TokenRange range = new TokenRange(start, end, List.of(NodeId.of("a")));
        List<TokenRange> parts = RangeSync.unwrapped(range);
        long holding = parts.stream().filter(part -> part.contains(probe)).count();
        assertThat(holding).isEqualTo(range.contains(probe) ? 1 : 0);
        for (TokenRange part : parts) {
            // every part is walked from its start upwards without passing MAX: either plain, or (MAX, end]
            assertThat(part.startTokenExclusive() < part.endTokenInclusive()
                    || part.startTokenExclusive() == Long.MAX_VALUE).isTrue();
        }
    }
}
