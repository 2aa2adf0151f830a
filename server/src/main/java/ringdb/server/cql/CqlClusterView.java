package ringdb.server.cql;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The cluster as a driver sees it through system.local, system.peers and system.peers_v2: a snapshot of this node
 * and its peers. Data center and rack are the single ones ringdb has today.
 */
public record CqlClusterView(String clusterName, String partitioner, Node local, List<Node> peers) {
    public static final String DATA_CENTER = "datacenter1";
    public static final String RACK = "rack1";
    /** The Cassandra release drivers are told: the Java driver keeps protocol v5 only with a 4.0 or later. */
    public static final String RELEASE_VERSION = "4.0.17";

    public CqlClusterView {
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(partitioner, "partitioner");
        Objects.requireNonNull(local, "local");
        peers = List.copyOf(peers);
    }

    /**
     * One node: its internode (listen) address, the address and port its CQL clients use, its host
     * id, tokens, the schema version it reports (null: not known yet), gossip generation and internode
     * port (null: not known).
     */
    public record Node(InetAddress listenAddress, InetSocketAddress cqlAddress, UUID hostId, List<Long> tokens,
                       UUID schemaVersion, long generation, Integer listenPort) {
        public Node {
            Objects.requireNonNull(listenAddress, "listenAddress");
            Objects.requireNonNull(cqlAddress, "cqlAddress");
            Objects.requireNonNull(hostId, "hostId");
            tokens = List.copyOf(tokens);
        }

        /** A node whose internode port is not known. */
        public Node(InetAddress listenAddress, InetSocketAddress cqlAddress, UUID hostId, List<Long> tokens,
                    UUID schemaVersion, long generation) {
            this(listenAddress, cqlAddress, hostId, tokens, schemaVersion, generation, null);
        }
    }

    /** A node's host id, derived from its ringdb node id so it is the same on every node and across restarts. */
    public static UUID hostId(String nodeId) {
        return UUID.nameUUIDFromBytes(("ringdb host\0" + nodeId).getBytes(StandardCharsets.UTF_8));
    }
}
