package ringdb.server.cql;

import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.response.Event;
import com.datastax.oss.protocol.internal.response.event.SchemaChangeEvent;
import com.datastax.oss.protocol.internal.response.event.StatusChangeEvent;
import com.datastax.oss.protocol.internal.response.event.TopologyChangeEvent;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connections registered for events (REGISTER) and the pushing of events to them on stream -1:
 * TOPOLOGY_CHANGE (NEW_NODE, REMOVED_NODE) and STATUS_CHANGE (UP, DOWN) naming a node by its CQL
 * address, and SCHEMA_CHANGE. A connection that is closed is forgotten.
 *
 * <p>Threading: any thread; each connection writes its events on its own event loop.
 */
public final class CqlEvents {
    /** Where a connection takes the events it registered for. */
    interface Listener {
        void push(Event event);
    }

    private final Map<Listener, Set<String>> listeners = new ConcurrentHashMap<>();

    /** The event types a client may register for. */
    static final Set<String> TYPES = Set.of(ProtocolConstants.EventType.TOPOLOGY_CHANGE,
            ProtocolConstants.EventType.STATUS_CHANGE, ProtocolConstants.EventType.SCHEMA_CHANGE);

    void register(Listener listener, List<String> types) {
        listeners.merge(listener, Set.copyOf(types), (old, added) -> {
            java.util.Set<String> both = new java.util.HashSet<>(old);
            both.addAll(added);
            return Set.copyOf(both);
        });
    }

    void unregister(Listener listener) {
        listeners.remove(listener);
    }

    /** Connections registered for at least one event type. */
    public int registeredCount() {
        return listeners.size();
    }

    /** A node came up ({@code up}) or went down, as this node's failure detector sees it. */
    public void statusChanged(InetSocketAddress node, boolean up) {
        publish(new StatusChangeEvent(up ? ProtocolConstants.StatusChangeType.UP
                : ProtocolConstants.StatusChangeType.DOWN, node));
    }

    /** A node joined the ring ({@code added}) or left it. */
    public void topologyChanged(InetSocketAddress node, boolean added) {
        publish(new TopologyChangeEvent(added ? ProtocolConstants.TopologyChangeType.NEW_NODE
                : ProtocolConstants.TopologyChangeType.REMOVED_NODE, node));
    }

    /** The schema changed. */
    public void schemaChanged(ringdb.server.cql.SchemaChangeEvent change) {
        publish(new SchemaChangeEvent(change.change().name(), change.target().name(), change.keyspace(),
                change.target() == ringdb.server.cql.SchemaChangeEvent.Target.KEYSPACE ? null : change.table(),
                null));
    }

    private void publish(Event event) {
        listeners.forEach((listener, types) -> {
            if (types.contains(event.type)) {
                listener.push(event);
            }
        });
    }
}
