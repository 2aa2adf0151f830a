package ringdb.core.message;

import java.util.Objects;
import ringdb.core.NodeId;

/** What a node knows of one endpoint: its generation and the highest version it has seen. */
public record GossipDigest(NodeId node, long generation, long maxVersion) {
    public GossipDigest {
        Objects.requireNonNull(node, "node");
    }
}
