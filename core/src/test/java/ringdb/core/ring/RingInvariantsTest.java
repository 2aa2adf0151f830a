package ringdb.core.ring;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The ring lookup's assertion (the range found for a token holds it, with {@link TokenRange}'s
 * wrapping arithmetic) passes for right answers, wrapped ones included, and fires on a wrong one.
 */
class RingInvariantsTest {
    private static final long[] TOKENS = {-10, 20, 30};

    @Test
    void theRangeEndingAtOrAfterATokenHoldsIt() {
        assertThatCode(() -> Ring.checkRangeHolds(TOKENS, 1, 20)).doesNotThrowAnyException();
        assertThatCode(() -> Ring.checkRangeHolds(TOKENS, 2, 21)).doesNotThrowAnyException();
        assertThatCode(() -> Ring.checkRangeHolds(TOKENS, 0, 31)).as("past the last token wraps to the first range")
                .doesNotThrowAnyException();
        assertThatCode(() -> Ring.checkRangeHolds(TOKENS, 0, Long.MIN_VALUE)).doesNotThrowAnyException();
        assertThatCode(() -> Ring.checkRangeHolds(new long[] {7}, 0, 123)).as("one token: the whole ring")
                .doesNotThrowAnyException();
    }

    @Test
    void aRangeThatDoesNotHoldTheTokenIsCaught() {
        assertThatThrownBy(() -> Ring.checkRangeHolds(TOKENS, 1, 25)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("invariant violated: the ring range found for a token holds it");
        assertThatThrownBy(() -> Ring.checkRangeHolds(TOKENS, 1, 31)).as("a wrapped token is not in a middle range")
                .isInstanceOf(IllegalStateException.class);
    }
}
