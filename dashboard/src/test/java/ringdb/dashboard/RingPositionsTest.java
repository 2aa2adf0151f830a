package ringdb.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RingPositionsTest {
    @Test
    void theRingRunsClockwiseFromTheSmallestToken() {
        assertThat(RingPositions.position(Long.MIN_VALUE)).isEqualTo(0.0);
        assertThat(RingPositions.position(0)).isEqualTo(0.5);
        assertThat(RingPositions.position(Long.MAX_VALUE)).isLessThan(1.0).isCloseTo(1.0, within(1e-9));
        assertThat(RingPositions.position(Long.MIN_VALUE / 2)).isEqualTo(0.25);
        assertThat(RingPositions.position(-(1L << 20))).isLessThan(RingPositions.position(1L << 20));
    }
}
