package ringdb.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RefusalLogTest {
    @Test
    void aFloodOfRefusalsWritesOneLinePerIntervalCountingTheOnesLeftOut() {
        Logger logger = (Logger) LoggerFactory.getLogger("ringdb.server.transport.RefusalLogTest.flood");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        AtomicLong now = new AtomicLong(1_000);
        RefusalLog refusals = new RefusalLog(logger, now::get);

        refusals.warn("refusing internode connection from {}: {}", "a:1", "not a handshake");
        for (int i = 0; i < 500; i++) { // a scan: one connection a millisecond
            now.addAndGet(1_000_000);
            refusals.warn("refusing internode connection from {}: {}", "b:" + i, "not a handshake");
        }
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("refusing internode connection from a:1: not a handshake");

        now.addAndGet(RefusalLog.INTERVAL_NANOS);
        refusals.warn("closing internode connection from {}: bad frame: {}", "c:1", "too long");
        now.addAndGet(RefusalLog.INTERVAL_NANOS);
        refusals.warn("closing internode connection from {}: bad frame: {}", "d:1", "too long");
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "refusing internode connection from a:1: not a handshake",
                "closing internode connection from c:1: bad frame: too long (500 more refused since the last such"
                        + " line, not logged)",
                "closing internode connection from d:1: bad frame: too long");
        logger.detachAppender(lines);
    }
}
