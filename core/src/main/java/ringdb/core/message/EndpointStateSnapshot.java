package ringdb.core.message;

import java.util.List;
import java.util.Objects;
import ringdb.core.NodeId;

/**
 * Part or all of an endpoint's gossip state as sent on the wire: its generation, heartbeat version
 * and the application states newer than what the receiver asked for.
 */
public record EndpointStateSnapshot(NodeId node, long generation, long heartbeatVersion,
                                    List<VersionedValue> states) {
    public EndpointStateSnapshot {
        Objects.requireNonNull(node, "node");
        states = List.copyOf(states);
    }
}
