package ringdb.server.runtime;

import java.util.ArrayDeque;
import java.util.List;
import ringdb.core.node.NodeEvent;

/** The last node events, for the dashboard's timeline. Bounded; thread-safe. */
public final class RecentEvents {
    public static final int CAPACITY = 500;

    private final int capacity;
    private final ArrayDeque<NodeEvent> events = new ArrayDeque<>();

    public RecentEvents(int capacity) {
        this.capacity = capacity;
    }

    public synchronized void add(NodeEvent event) {
        if (events.size() == capacity) {
            events.removeFirst();
        }
        events.addLast(event);
    }

    /** Oldest first. */
    public synchronized List<NodeEvent> snapshot() {
        return List.copyOf(events);
    }
}
