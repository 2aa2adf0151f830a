package ringdb.core.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;

class FailureDetectorTest {
    private static final NodeId PEER = NodeId.of("peer");
    private static final long SECOND = 1_000_000;

    @Test
    void regularHeartbeatsKeepPhiLowAndSilenceRaisesIt() {
        FailureDetector detector = new FailureDetector(2 * SECOND, 4 * SECOND);
        long now = 0;
        for (int i = 0; i < 50; i++) {
            now += SECOND;
            detector.report(PEER, now);
        }
        assertThat(detector.phi(PEER, now + SECOND / 2)).isLessThan(1.0);
        // phi = t / mean / ln 10: with a 1 s mean, phi 8 is crossed after about 18.4 s of silence
        assertThat(detector.phi(PEER, now + 17 * SECOND)).isLessThan(8.0);
        assertThat(detector.phi(PEER, now + 19 * SECOND)).isGreaterThan(8.0);
    }

    @Property(tries = 100)
    void phiGrowsWithSilence(@ForAll @LongRange(min = 1, max = 100_000_000) long silenceMicros) {
        FailureDetector detector = new FailureDetector(2 * SECOND, 4 * SECOND);
        detector.report(PEER, 0);
        detector.report(PEER, SECOND);
        assertThat(detector.phi(PEER, SECOND + silenceMicros + 1))
                .isGreaterThan(detector.phi(PEER, SECOND + silenceMicros));
    }

    @Test
    void longPausesDoNotSlowDownLaterConvictions() {
        FailureDetector detector = new FailureDetector(2 * SECOND, 4 * SECOND);
        long now = 0;
        for (int i = 0; i < 20; i++) {
            now += SECOND;
            detector.report(PEER, now);
        }
        now += 60 * SECOND; // a partition: not recorded as an interval
        detector.report(PEER, now);
        assertThat(detector.meanIntervalMicros(PEER)).isLessThan(2.0 * SECOND);
    }

    @Test
    void unknownPeersHaveZeroPhiAndForgettingResets() {
        FailureDetector detector = new FailureDetector(2 * SECOND, 4 * SECOND);
        assertThat(detector.phi(PEER, 100 * SECOND)).isZero();
        detector.report(PEER, SECOND);
        assertThat(detector.lastArrivalMicros(PEER)).isEqualTo(SECOND);
        detector.remove(PEER);
        assertThat(detector.lastArrivalMicros(PEER)).isEqualTo(-1);
    }
}
