package ringdb.storage.disk.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compaction throttle on a clock that only the pauses move. */
class ByteRateLimiterTest {
    private static final long MIB = 1L << 20;
    private long nowNanos = 5_000_000_000L;
    private final List<Long> pauses = new ArrayList<>();
    private final ByteRateLimiter limiter = new ByteRateLimiter(() -> nowNanos, nanos -> {
        pauses.add(nanos);
        nowNanos += nanos;
    });

    @Test
    void writersArePausedUntilTheRateCoversWhatTheyWrote() {
        limiter.setRate(4 * MIB);
        long started = nowNanos;
        for (int i = 0; i < 40; i++) {
            limiter.written(256 * 1024); // 10 MiB in all
        }
        // 10 MiB at 4 MiB/s is 2.5 s; the writer may run at most the slack ahead.
        assertThat(nowNanos - started).isBetween(2_500_000_000L - ByteRateLimiter.SLACK_NANOS, 2_500_000_000L);
        assertThat(pauses).hasSizeBetween(39, 40);
    }

    @Test
    void smallReportsPauseOnlyOnceTheSlackIsUsedUp() {
        limiter.setRate(64 * MIB);
        for (int i = 0; i < 16; i++) {
            limiter.written(4096); // 64 KiB: about 0.98 ms at 64 MiB/s, inside the 1 ms slack
        }
        assertThat(pauses).isEmpty();
        for (int i = 0; i < 1000; i++) {
            limiter.written(4096);
        }
        assertThat(pauses).isNotEmpty().hasSizeLessThan(100); // never one pause per block
    }

    @Test
    void idleTimeIsNotSavedUpAsCredit() {
        limiter.setRate(MIB);
        limiter.written(MIB);
        nowNanos += 60_000_000_000L; // a minute without compactions
        long started = nowNanos;
        limiter.written(MIB);
        assertThat(nowNanos - started).isGreaterThanOrEqualTo(1_000_000_000L - ByteRateLimiter.SLACK_NANOS);
    }

    @Test
    void rateZeroLetsEverythingThroughAndANewRateAppliesToLaterBytes() {
        limiter.setRate(0);
        limiter.written(1L << 40);
        assertThat(pauses).isEmpty();
        limiter.setRate(2 * MIB);
        long started = nowNanos;
        limiter.written(MIB);
        assertThat(nowNanos - started).isBetween(500_000_000L - ByteRateLimiter.SLACK_NANOS, 500_000_000L);
        assertThatThrownBy(() -> limiter.setRate(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be negative");
    }

    @Test
    void anInterruptedWriterIsNotHeldUp() {
        limiter.setRate(MIB);
        Thread.currentThread().interrupt();
        try {
            limiter.written(100 * MIB);
            assertThat(pauses).isEmpty();
        } finally {
            assertThat(Thread.interrupted()).isTrue();
        }
    }
}
