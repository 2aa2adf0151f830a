package ringdb.core.message;

import java.util.List;
import java.util.Objects;
import ringdb.core.NodeId;

/**
 * Part or all of an endpoint's gossip state as sent on the wire: its generation, heartbeat version
 * and every application state with a version above {@code afterVersion} (0 = the whole state). A
 * receiver that knows less than {@code afterVersion} of this generation must not apply it: it
 * would miss the versions in between for good.
 */
public record EndpointStateSnapshot(NodeId node, long generation, long heartbeatVersion, long afterVersion,
                                    List<VersionedValue> states) {
    public EndpointStateSnapshot {
        Objects.requireNonNull(node, "node");
        states = List.copyOf(states);
    }
}
