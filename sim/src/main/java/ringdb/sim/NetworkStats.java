package ringdb.sim;

import java.util.Map;
import java.util.SortedMap;

/**
 * A snapshot of the simulated network's counters since it was built. {@code sent} counts messages
 * nodes handed to the network; every sent message and every duplicate ends up delivered, dropped
 * (by cause) or still in flight: {@code sent + duplicated == delivered + dropped + inFlight}.
 */
public record NetworkStats(long sent, long delivered, Map<MessageEvent.Outcome, Long> droppedByCause,
                           long duplicated, long inFlight, SortedMap<Link, LinkStats> perLink) {

    /** Messages dropped for any cause. */
    public long dropped() {
        long total = 0;
        for (long count : droppedByCause.values()) {
            total += count;
        }
        return total;
    }

    public long dropped(MessageEvent.Outcome cause) {
        return droppedByCause.getOrDefault(cause, 0L);
    }
}
