package ringdb.sim.dashboard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import ringdb.core.NodeId;
import ringdb.core.node.NodeEvent;
import ringdb.dashboard.model.MessageView;
import ringdb.dashboard.model.TimelineEntry;
import ringdb.sim.MessageEvent;
import ringdb.sim.SimListener;

/**
 * Keeps bounded ring buffers of what the simulation did: the timeline (node events, operator
 * actions) and the message events of the space-time diagram. Repetitive events (hints stored,
 * stream progress, repeated errors) are coalesced to one entry per subject per 5 simulated seconds
 * so a flood cannot push the failures and recoveries out of the timeline.
 *
 * <p>Threading: simulation thread only (the driver thread).
 */
final class EventRecorder implements SimListener {
    static final int TIMELINE_ENTRIES_MAX = 2_000;
    static final int MESSAGE_EVENTS_MAX = 50_000;
    static final long COALESCE_WINDOW_MICROS = 5_000_000;

    private final LongSupplier simulatedMicros;
    private final ArrayDeque<TimelineEntry> timeline = new ArrayDeque<>();
    private final ArrayDeque<MessageView> messages = new ArrayDeque<>();
    private final Map<String, Coalesced> coalesced = new HashMap<>();
    private long timelineSequence;
    private long messageSequence;

    private static final class Coalesced {
        long lastEmittedMicros = Long.MIN_VALUE;
        int suppressed;
    }

    EventRecorder(LongSupplier simulatedMicros) {
        this.simulatedMicros = simulatedMicros;
    }

    @Override
    public void onNodeEvent(NodeEvent event) {
        String subject = event.subject() == null ? "" : event.subject().id();
        boolean repetitive = event.kind() == NodeEvent.Kind.HINT_STORED
                || event.kind() == NodeEvent.Kind.STREAM_PROGRESS || event.kind() == NodeEvent.Kind.ERROR;
        String detail = event.detail();
        if (repetitive) {
            detail = coalesce(event.node().id() + "|" + event.kind() + "|" + subject, detail);
            if (detail == null) {
                return;
            }
        }
        record(event.node().id(), event.kind().name(), subject, detail);
    }

    @Override
    public void onMessage(MessageEvent event) {
        if (event.outcome() == MessageEvent.Outcome.SENT) {
            return; // the diagram draws each message once, when its fate is known
        }
        messages.addLast(new MessageView(messageSequence++, event.sentMicros(), event.atMicros(),
                event.from().id(), event.to().id(), event.type(), event.outcome().name()));
        if (messages.size() > MESSAGE_EVENTS_MAX) {
            messages.removeFirst();
        }
    }

    @Override
    public void onClockSkew(long atMicros, NodeId ahead, NodeId behind, long skewMicros) {
        record(ahead.id(), "CLOCK_SKEW", behind.id(), "clock ahead by " + skewMicros + " µs");
    }

    @Override
    public void onUnhandledException(long atMicros, NodeId node, Throwable error) {
        String detail = coalesce(node.id() + "|UNHANDLED|" + error.getClass().getName(), String.valueOf(error));
        if (detail != null) {
            record(node.id(), "ERROR", "", "unhandled: " + detail);
        }
    }

    /** Adds an entry at the current simulated time (operator actions, cluster-wide events). */
    void record(String node, String kind, String subject, String detail) {
        timeline.addLast(new TimelineEntry(timelineSequence++, simulatedMicros.getAsLong(), node, kind, subject,
                detail));
        if (timeline.size() > TIMELINE_ENTRIES_MAX) {
            timeline.removeFirst();
        }
    }

    /** The detail to record now (with how many similar ones were skipped), or null to skip this one. */
    private String coalesce(String key, String detail) {
        Coalesced state = coalesced.computeIfAbsent(key, k -> new Coalesced());
        long now = simulatedMicros.getAsLong();
        if (state.lastEmittedMicros != Long.MIN_VALUE && now - state.lastEmittedMicros < COALESCE_WINDOW_MICROS) {
            state.suppressed++;
            return null;
        }
        String out = state.suppressed > 0 ? detail + " (+" + state.suppressed + " similar)" : detail;
        state.lastEmittedMicros = now;
        state.suppressed = 0;
        return out;
    }

    /** The newest {@code count} timeline entries, oldest first. */
    List<TimelineEntry> latestTimeline(int count) {
        return latest(timeline, count);
    }

    /**
     * Message events newer than {@code afterSequence}, oldest first: at least the newest {@code countMin}
     * (so a page that just opened has something to draw) and at most the newest {@code countMax}.
     */
    List<MessageView> messagesAfter(long afterSequence, int countMin, int countMax) {
        long fresh = messageSequence - 1 - afterSequence;
        int count = (int) Math.max(countMin, Math.min(countMax, fresh));
        return latest(messages, count);
    }

    private static <T> List<T> latest(ArrayDeque<T> buffer, int count) {
        List<T> out = new ArrayList<>(Math.min(count, buffer.size()));
        Iterator<T> newestFirst = buffer.descendingIterator();
        while (newestFirst.hasNext() && out.size() < count) {
            out.add(newestFirst.next());
        }
        Collections.reverse(out);
        return out;
    }
}
