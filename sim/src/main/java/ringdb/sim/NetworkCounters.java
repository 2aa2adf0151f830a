package ringdb.sim;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The simulated network's statistics: totals per outcome, bytes sent, and the counters of every
 * directed link that carried a message (indexed by the endpoints' attachment order). Counting
 * draws no random numbers and schedules nothing. Simulation thread only.
 */
final class NetworkCounters {
    long sent;
    long bytesSent;
    long delivered;
    long duplicated;
    long inFlight;
    private final long[] droppedByCause = new long[MessageEvent.Outcome.values().length];
    private LinkCounters[][] links = new LinkCounters[0][0];

    /** Makes room for {@code endpoints} endpoints, keeping the counters so far. */
    void grow(int endpoints) {
        LinkCounters[][] grown = new LinkCounters[endpoints][endpoints];
        for (int i = 0; i < links.length; i++) {
            System.arraycopy(links[i], 0, grown[i], 0, links[i].length);
        }
        links = grown;
    }

    /** The counters of the link from {@code from} to {@code to}, created on first use. */
    LinkCounters link(NetworkEndpoint from, NetworkEndpoint to) {
        LinkCounters c = links[from.index][to.index];
        if (c == null) {
            c = new LinkCounters();
            links[from.index][to.index] = c;
        }
        return c;
    }

    /** Counts a message lost for {@code cause}, on {@code link} too when the link is known (else null). */
    void dropped(LinkCounters link, MessageEvent.Outcome cause) {
        droppedByCause[cause.ordinal()]++;
        if (link != null) {
            link.dropped++;
        }
    }

    /** A snapshot of the counters; per-link entries for the links among {@code endpoints} that carried any. */
    NetworkStats snapshot(List<NetworkEndpoint> endpoints) {
        Map<MessageEvent.Outcome, Long> dropped = new EnumMap<>(MessageEvent.Outcome.class);
        for (MessageEvent.Outcome cause : MessageEvent.Outcome.values()) {
            if (isDrop(cause)) {
                dropped.put(cause, droppedByCause[cause.ordinal()]);
            }
        }
        SortedMap<Link, LinkStats> perLink = new TreeMap<>();
        for (NetworkEndpoint from : endpoints) {
            for (NetworkEndpoint to : endpoints) {
                LinkCounters c = links[from.index][to.index];
                if (c != null) {
                    perLink.put(new Link(from.id, to.id), c.snapshot());
                }
            }
        }
        return new NetworkStats(sent, delivered, dropped, duplicated, inFlight, perLink);
    }

    private static boolean isDrop(MessageEvent.Outcome outcome) {
        return outcome == MessageEvent.Outcome.DROPPED_RANDOM || outcome == MessageEvent.Outcome.DROPPED_PARTITION
                || outcome == MessageEvent.Outcome.DROPPED_NODE_DOWN;
    }
}
