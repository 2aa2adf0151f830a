package ringdb.server.cql;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import ringdb.core.NodeId;
import ringdb.core.gossip.ApplicationState;
import ringdb.core.node.Node;
import ringdb.core.node.NodeEvent;
import ringdb.core.node.NodeStatus;
import ringdb.core.node.PeerStatus;
import ringdb.core.ring.Ring;
import ringdb.server.api.ClientTimeouts;
import ringdb.server.api.ConnectionLimits;
import ringdb.server.api.RequestObserver;
import ringdb.server.audit.AuditLog;
import ringdb.server.config.ConfigKeys;
import ringdb.server.config.HostPort;
import ringdb.server.config.ServerConfig;
import ringdb.server.runtime.NodeThread;
import ringdb.server.tls.ClientTls;

/**
 * A real node's CQL listener and what connects it to the node: the node's CQL address in gossip
 * (application state {@value #CQL_STATE}, so peers list it in system.peers), system.local and
 * system.peers from the node's status and ring, events (a listed peer up or down: STATUS_CHANGE; a
 * node entered or left system.peers: TOPOLOGY_CHANGE) and the query handler the composition root
 * chose.
 *
 * <p>Drivers learn of nodes from system.peers and refresh it when told of a new node, so a node is
 * announced (NEW_NODE) only once it is listed there, that is once it is a member of this node's ring
 * with a CQL address, exactly as the refresh will read it; a joining node is not (its UP is not
 * pushed either, as Cassandra delays it until the node is normal). The listing is compared every
 * {@value #PEERS_CHECK_MILLIS} ms on the node's thread, since a peer's ring membership arrives by gossip
 * without an event on this node.
 *
 * <p>Threading: {@link #onNodeEvent} on the node's thread; the rest on any thread.
 */
public final class CqlNodeBinding implements AutoCloseable {
    /** Gossip application state holding a node's CQL address ("host:port"). */
    public static final String CQL_STATE = "cql";
    /** How often the peers listed in system.peers are compared with those already announced. */
    static final long PEERS_CHECK_MILLIS = 200;

    /** What the query handler of a node may use: its system tables, events, schema, node and access control. */
    public record Context(SystemTables systemTables, CqlEvents events, CqlSchemaSource schema, Node node,
                          NodeThread nodeThread, AccessControl access) {
    }

    private final Node node;
    private final NodeThread nodeThread;
    private final CqlEvents events;
    private final CqlServer server;
    /** The CQL address each ring member last gossiped, by id: see {@link #listedAddress}. */
    private final Map<NodeId, InetSocketAddress> gossipedAddresses;
    /** The peers announced to drivers as in system.peers, by id (node's thread only; null until first read). */
    private Map<NodeId, InetSocketAddress> announced;
    private volatile boolean closed;

    private CqlNodeBinding(Node node, NodeThread nodeThread, CqlEvents events, CqlServer server,
                           Map<NodeId, InetSocketAddress> gossipedAddresses) {
        this.node = node;
        this.gossipedAddresses = gossipedAddresses;
        this.nodeThread = nodeThread;
        this.events = events;
        this.server = server;
    }

    /**
     * Starts the CQL listener of {@code node} (null when native_transport_port is 0) and announces its
     * address in gossip. With {@code tls} (null: plaintext) it speaks the client ports' TLS; logins and
     * schema, role and permission statements go to {@code audit}. Call on any thread but the node's.
     */
    public static CqlNodeBinding start(ServerConfig config, Node node, NodeThread nodeThread, ConnectionLimits limits,
                                       ClientTimeouts timeouts, RequestObserver observer, CqlSchemaSource schema,
                                       Function<Context, CqlQueryHandler> handlers, Authenticator authenticator,
                                       AccessControl access, ClientTls tls, AuditLog audit) {
        int port = config.integer(ConfigKeys.NATIVE_TRANSPORT_PORT);
        if (port == 0) {
            return null;
        }
        String host = config.text(ConfigKeys.NATIVE_TRANSPORT_ADDRESS);
        String listen = config.text(ConfigKeys.LISTEN_ADDRESS);
        HostPort bind = new HostPort(host.isEmpty() ? listen : host, port);
        CqlEvents events = new CqlEvents();
        String clusterName = config.text(ConfigKeys.CLUSTER_NAME);
        Map<NodeId, InetSocketAddress> gossipedAddresses = new ConcurrentHashMap<>();
        Supplier<CqlClusterView> view = () -> onNodeThread(nodeThread,
                () -> view(node, clusterName, schema, gossipedAddresses));
        SystemTables systemTables = new SystemTables(view, schema);
        CqlQueryHandler handler = handlers.apply(new Context(systemTables, events, schema, node, nodeThread,
                access));
        CqlServer server = CqlServer.start(new CqlServer.Settings(bind, handler, authenticator, events,
                limits, timeouts, observer, config.integer(ConfigKeys.NATIVE_TRANSPORT_MAX_FRAME_SIZE_BYTES),
                PreparedCache.CAPACITY_DEFAULT), tls, audit, nodeThread.eventLoopGroup());
        boolean wildcard = bind.host().equals("0.0.0.0") || bind.host().equals("::");
        String advertised = new HostPort(wildcard ? listen : bind.host(), server.boundAddress().getPort()).toString();
        nodeThread.call(() -> {
            node.setLocalApplicationState(CQL_STATE, advertised);
            return null;
        }).join();
        CqlNodeBinding binding = new CqlNodeBinding(node, nodeThread, events, server, gossipedAddresses);
        nodeThread.execute(binding::checkPeers);
        return binding;
    }

    /**
     * The node's own statements (no connection, no access checks): what the node uses to read and write
     * its replicated system tables such as system_auth's.
     */
    public static CqlQueryHandler internalStatements(Node node, NodeThread nodeThread, CqlSchemaSource schema) {
        Map<NodeId, InetSocketAddress> gossipedAddresses = new ConcurrentHashMap<>();
        Supplier<CqlClusterView> view = () -> onNodeThread(nodeThread,
                () -> view(node, "", schema, gossipedAddresses));
        return new NodeStatements(new Context(new SystemTables(view, schema), new CqlEvents(), schema, node,
                nodeThread, AccessControl.OPEN));
    }

    private static <T> T onNodeThread(NodeThread nodeThread, Supplier<T> task) {
        if (nodeThread.eventLoopGroup().next().inEventLoop()) {
            return task.get();
        }
        return nodeThread.call(task::get).join();
    }

    public CqlServer server() {
        return server;
    }

    public CqlEvents events() {
        return events;
    }

    /**
     * The node's view for system.local and system.peers; on the node's thread. The partitioner is the
     * node's: with murmur3 Cassandra's Murmur3Partitioner, whose tokens drivers compute themselves and
     * so route each request to a replica; with sha1 a name drivers do not know, so they route to any
     * node and it forwards.
     */
    static CqlClusterView view(Node node, String clusterName, CqlSchemaSource schema,
                               Map<NodeId, InetSocketAddress> gossipedAddresses) {
        NodeStatus status = node.status();
        Ring ring = node.ring();
        InetSocketAddress selfCql = cqlAddress(status.applicationStates().get(CQL_STATE));
        CqlClusterView.Node self = new CqlClusterView.Node(hostOf(status.id()),
                selfCql == null ? new InetSocketAddress(hostOf(status.id()), 0) : selfCql,
                CqlClusterView.hostId(status.id().id()), tokens(ring, status.id()), schema.version(),
                status.generation(), HostPort.parse(status.id().id()).port());
        List<CqlClusterView.Node> peers = new ArrayList<>();
        for (PeerStatus peer : status.peers()) {
            InetSocketAddress cql = listedAddress(peer, ring, gossipedAddresses);
            if (cql == null) {
                continue;
            }
            // the peer's own schema version, from the digest it gossips: drivers compare it with system.local's
            // to know that a schema change reached every node; this node's until the peer has gossiped one
            UUID peerVersion = NodeSchema.versionOf(peer.applicationStates().get(ApplicationState.SCHEMA));
            peers.add(new CqlClusterView.Node(hostOf(peer.id()), cql, CqlClusterView.hostId(peer.id().id()),
                    tokens(ring, peer.id()), peerVersion == null ? schema.version() : peerVersion, peer.generation(),
                    HostPort.parse(peer.id().id()).port()));
        }
        return new CqlClusterView(clusterName, node.config().partitioner().className(), self, peers);
    }

    /**
     * A peer's CQL address when system.peers lists it; null when it is not in the ring or never gossiped
     * one. A ring member that restarted gossips its new generation before its CQL listener is up and
     * announces the address again: meanwhile it keeps the address it last gossiped (in {@code gossiped}),
     * so drivers are not told it was removed and added again (they would drop the node and its pool).
     */
    private static InetSocketAddress listedAddress(PeerStatus peer, Ring ring,
                                                   Map<NodeId, InetSocketAddress> gossiped) {
        if (!ring.members().contains(peer.id())) {
            gossiped.remove(peer.id());
            return null;
        }
        InetSocketAddress cql = cqlAddress(peer.applicationStates().get(CQL_STATE));
        if (cql == null) {
            return gossiped.get(peer.id());
        }
        gossiped.put(peer.id(), cql);
        return cql;
    }

    /** The peers system.peers lists now, by id. Node's thread. */
    private Map<NodeId, InetSocketAddress> listedPeers() {
        Ring ring = node.ring();
        Map<NodeId, InetSocketAddress> listed = new HashMap<>();
        for (PeerStatus peer : node.status().peers()) {
            InetSocketAddress cql = listedAddress(peer, ring, gossipedAddresses);
            if (cql != null) {
                listed.put(peer.id(), cql);
            }
        }
        return listed;
    }

    /**
     * Announces the peers that entered system.peers since the last check (NEW_NODE) and those
     * that left it (REMOVED_NODE), then checks again later. Node's thread.
     */
    private void checkPeers() {
        if (closed) {
            return;
        }
        Map<NodeId, InetSocketAddress> listed = listedPeers();
        if (announced != null) {
            announced.forEach((id, address) -> {
                if (!address.equals(listed.get(id))) {
                    events.topologyChanged(address, false);
                }
            });
            listed.forEach((id, address) -> {
                if (!address.equals(announced.get(id))) {
                    events.topologyChanged(address, true);
                }
            });
        }
        announced = listed;
        nodeThread.schedule(PEERS_CHECK_MILLIS * 1_000, this::checkPeers);
    }

    private static List<Long> tokens(Ring ring, NodeId id) {
        if (!ring.members().contains(id)) {
            return List.of();
        }
        return Arrays.stream(ring.tokensOf(id)).boxed().toList();
    }

    private static InetAddress hostOf(NodeId id) {
        return address(HostPort.parse(id.id()).host());
    }

    private static InetSocketAddress cqlAddress(String state) {
        if (state == null || state.isEmpty()) {
            return null;
        }
        try {
            HostPort hostPort = HostPort.parse(state);
            return new InetSocketAddress(address(hostPort.host()), hostPort.port());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static InetAddress address(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve " + host + ": " + e.getMessage(), e);
        }
    }

    /**
     * A node event: a listed peer up or down is pushed as STATUS_CHANGE to registered connections; a
     * peer entering or leaving the ring is found by the next check of system.peers. Called on the node's
     * thread from the node's listener; the node is read after the listener returns.
     */
    public void onNodeEvent(NodeEvent event) {
        if (event.subject() == null || event.subject().equals(node.id())) {
            return;
        }
        NodeEvent.Kind kind = event.kind();
        if (kind == NodeEvent.Kind.PEER_UP || kind == NodeEvent.Kind.PEER_DOWN) {
            nodeThread.execute(() -> publishStatus(event.subject(), kind == NodeEvent.Kind.PEER_UP));
        }
    }

    private void publishStatus(NodeId subject, boolean up) {
        Ring ring = node.ring();
        for (PeerStatus peer : node.status().peers()) {
            InetSocketAddress address = peer.id().equals(subject) ? listedAddress(peer, ring, gossipedAddresses) : null;
            if (address != null) {
                events.statusChanged(address, up);
            }
        }
    }

    /** Stops accepting connections and waits up to {@code waitMillis} for requests read to be answered. */
    public int drain(long waitMillis) {
        return server.drain(waitMillis);
    }

    @Override
    public void close() {
        closed = true; // the check scheduled last finds it and stops
        server.close();
    }
}
