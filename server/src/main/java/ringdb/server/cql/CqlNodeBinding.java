package ringdb.server.cql;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import ringdb.core.NodeId;
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
 * system.peers from the node's status and ring, events from the node's events (a peer up or down:
 * STATUS_CHANGE; a node joined or left the ring: TOPOLOGY_CHANGE) and the query handler the
 * composition root chose.
 *
 * <p>Threading: {@link #onNodeEvent} on the node's thread; the rest on any thread.
 */
public final class CqlNodeBinding implements AutoCloseable {
    /** Gossip application state holding a node's CQL address ("host:port"). */
    public static final String CQL_STATE = "cql";

    /** What the query handler of a node may use: its system tables, events, schema, node and access control. */
    public record Context(SystemTables systemTables, CqlEvents events, CqlSchemaSource schema, Node node,
                          NodeThread nodeThread, AccessControl access) {
    }

    private final Node node;
    private final NodeThread nodeThread;
    private final CqlEvents events;
    private final CqlServer server;

    private CqlNodeBinding(Node node, NodeThread nodeThread, CqlEvents events, CqlServer server) {
        this.node = node;
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
        Supplier<CqlClusterView> view = () -> onNodeThread(nodeThread, () -> view(node, clusterName, schema));
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
        return new CqlNodeBinding(node, nodeThread, events, server);
    }

    /**
     * The node's own statements (no connection, no access checks): what the node uses to read and write
     * its replicated system tables such as system_auth's.
     */
    public static CqlQueryHandler internalStatements(Node node, NodeThread nodeThread, CqlSchemaSource schema) {
        Supplier<CqlClusterView> view = () -> onNodeThread(nodeThread, () -> view(node, "", schema));
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
    static CqlClusterView view(Node node, String clusterName, CqlSchemaSource schema) {
        NodeStatus status = node.status();
        Ring ring = node.ring();
        InetSocketAddress selfCql = cqlAddress(status.applicationStates().get(CQL_STATE));
        CqlClusterView.Node self = new CqlClusterView.Node(hostOf(status.id()),
                selfCql == null ? new InetSocketAddress(hostOf(status.id()), 0) : selfCql,
                CqlClusterView.hostId(status.id().id()), tokens(ring, status.id()), schema.version(),
                status.generation(), HostPort.parse(status.id().id()).port());
        List<CqlClusterView.Node> peers = new ArrayList<>();
        for (PeerStatus peer : status.peers()) {
            InetSocketAddress cql = cqlAddress(peer.applicationStates().get(CQL_STATE));
            if (cql == null || !ring.members().contains(peer.id())) {
                continue; // no CQL listener, or not (or no longer) in the ring
            }
            peers.add(new CqlClusterView.Node(hostOf(peer.id()), cql, CqlClusterView.hostId(peer.id().id()),
                    tokens(ring, peer.id()), schema.version(), peer.generation(),
                    HostPort.parse(peer.id().id()).port()));
        }
        return new CqlClusterView(clusterName, node.config().partitioner().className(), self, peers);
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
     * A node event: pushes the matching protocol event to registered connections. Called on the
     * node's thread from the node's listener; the node is read after the listener returns.
     */
    public void onNodeEvent(NodeEvent event) {
        if (event.subject() == null || event.subject().equals(node.id())) {
            return;
        }
        NodeEvent.Kind kind = event.kind();
        if (kind != NodeEvent.Kind.PEER_UP && kind != NodeEvent.Kind.PEER_DOWN && kind != NodeEvent.Kind.JOINED
                && kind != NodeEvent.Kind.LEFT && kind != NodeEvent.Kind.REMOVED) {
            return;
        }
        nodeThread.execute(() -> publish(event));
    }

    private void publish(NodeEvent event) {
        InetSocketAddress address = null;
        for (PeerStatus peer : node.status().peers()) {
            if (peer.id().equals(event.subject())) {
                address = cqlAddress(peer.applicationStates().get(CQL_STATE));
            }
        }
        if (address == null) {
            return;
        }
        switch (event.kind()) {
            case PEER_UP -> events.statusChanged(address, true);
            case PEER_DOWN -> events.statusChanged(address, false);
            case JOINED -> events.topologyChanged(address, true);
            default -> events.topologyChanged(address, false);
        }
    }

    /** Stops accepting connections and waits up to {@code waitMillis} for requests read to be answered. */
    public int drain(long waitMillis) {
        return server.drain(waitMillis);
    }

    @Override
    public void close() {
        server.close();
    }
}
