package ringdb.server.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ringdb.core.NodeId;
import ringdb.core.health.CommitFailurePolicy;
import ringdb.core.health.DiskFailurePolicy;
import ringdb.core.membership.TokenAllocation;
import ringdb.core.node.Node;
import ringdb.core.node.NodeConfig;
import ringdb.core.catalog.Schema;
import ringdb.core.catalog.SchemaChange;
import ringdb.core.node.NodeEvent;
import ringdb.core.node.NodeListener;
import ringdb.core.store.LocalStore;
import ringdb.core.ring.Partitioner;
import ringdb.server.api.ClientOperations;
import ringdb.server.api.ClientTimeouts;
import ringdb.server.api.ConnectionLimits;
import ringdb.server.api.RequestBytesBudget;
import ringdb.server.api.RequestObserver;
import ringdb.server.api.http.CrossSiteGuard;
import ringdb.server.audit.AuditLog;
import ringdb.server.audit.FileAuditLog;
import ringdb.server.api.http.HttpServer;
import ringdb.server.config.ConfigKeys;
import ringdb.server.config.ServerConfig;
import ringdb.server.auth.AuthService;
import ringdb.server.auth.AuthSettings;
import ringdb.server.cql.CqlNodeBinding;
import ringdb.server.cql.CqlQueryHandler;
import ringdb.server.cql.CqlEvents;
import ringdb.server.cql.NodeSchema;
import ringdb.server.cql.NodeStatements;
import ringdb.server.metrics.ServerMetrics;
import ringdb.server.tls.ClientTls;
import ringdb.server.tls.ReloadingTls;
import ringdb.server.transport.DepartedPeers;
import ringdb.server.transport.InboundMessageHandler;
import ringdb.server.transport.InternodeTls;
import ringdb.server.transport.InternodeTransport;
import ringdb.server.transport.SocketTransport;
import ringdb.server.transport.TransportStats;
import ringdb.storage.rows.SchemaTombstoneKinds;

/**
 * One real ringdb node: the composition root that wires the core {@link Node} to a Netty transport,
 * a node thread, storage engines on disk, metrics and the HTTP API. The protocol logic is entirely
 * the core's (the same classes the simulator runs); this class only provides clock, timers,
 * network and storage, and moves events onto the node's thread.
 */
public final class ServerNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerNode.class);
    /** How long a graceful stop lets the shutdown announcement reach peers. */
    private static final long ANNOUNCE_MILLIS = 300;
    /** How long a graceful stop waits for client requests already read to be answered. */
    private static final long DRAIN_MILLIS = 5_000;
    /** The exit status of a process ended by disk_failure_policy or commit_failure_policy {@code die}. */
    public static final int DISK_FAILURE_EXIT_STATUS = 71;
    /** The exit status of a process whose node was removed from the ring (removenode) and refuses to serve. */
    public static final int REMOVED_EXIT_STATUS = 72;

    private final ServerConfig config;
    private final NodeThread nodeThread;
    private final InternodeTransport transport;
    private final StoreFactory stores;
    private final LocalStore data;
    private final LocalStore hints;
    private final Node node;
    private final ServerMetrics metrics;
    private final HttpServer http;
    private final RecentEvents events;
    private final DashboardMount dashboard;
    private final NodeTls tls;
    private final CqlNodeBinding cql;
    private final AuditLog audit;
    private final AuthService auth;
    private final ClientOperations operations;
    private boolean closed;

    private ServerNode(ServerConfig config, NodeThread nodeThread, InternodeTransport transport, StoreFactory stores,
                       LocalStore data, LocalStore hints, Node node, ServerMetrics metrics, HttpServer http,
                       RecentEvents events, DashboardMount dashboard, NodeTls tls,
                       CqlNodeBinding cql, AuditLog audit, AuthService auth, ClientOperations operations) {
        this.auth = auth;
        this.operations = operations;
        this.tls = tls;
        this.audit = audit;
        this.dashboard = dashboard;
        this.cql = cql;
        this.config = config;
        this.nodeThread = nodeThread;
        this.transport = transport;
        this.stores = stores;
        this.data = data;
        this.hints = hints;
        this.node = node;
        this.metrics = metrics;
        this.http = http;
        this.events = events;
        metrics.registerClientPort(http::connectionCount, () -> http.limits().refused(),
                () -> http.limits().requestBytes().inFlightBytes(), http::largestPendingOutboundBytes);
        metrics.registerClientReadDeadlines(http::readDeadlinesExpired);
        metrics.registerTls(tls.reloader().contexts(), tls.client() == null ? () -> 0 : tls.client()::failedHandshakes,
                tls.warnings().size());
    }

    /**
     * Opens storage (recovering from disk), binds the internode and HTTP ports, starts the node
     * (gossip, recovery catch-up) and returns once it serves. {@code dashboard} builds the
     * dashboard handler for this node (null = no dashboard).
     */
    public static ServerNode start(ServerConfig config, StoreFactory stores,
                                   Function<ServerNodeView, DashboardMount> dashboard) {
        return start(config, stores, dashboard, NodeStatements::new);
    }

    /** As above, serving CQL statements with the handler {@code cqlHandlers} makes (native_transport_port on). */
    public static ServerNode start(ServerConfig config, StoreFactory stores,
                                   Function<ServerNodeView, DashboardMount> dashboard,
                                   Function<CqlNodeBinding.Context, CqlQueryHandler> cqlHandlers) {
        Path dir = config.dataDirectory();
        AuditLog audit = FileAuditLog.fromConfig(config);
        AuthSettings authSettings = AuthSettings.from(config, System.getenv());
        NodeTls tls = tls(config, audit, authSettings);
        createDirectories(dir);
        PartitionerRecord.check(dir, partitioner(config));
        NodeThread nodeThread = new NodeThread("ringdb-node-" + config.nodeId());
        RecentEvents events = new RecentEvents(RecentEvents.CAPACITY);
        SystemClock clock = new SystemClock();
        AtomicReference<Schema> compactionSchema = new AtomicReference<>();
        LocalStore data = openData(stores, dir, clock, nodeThread, compactionSchema);
        LocalStore hints = new NodeThreadStore(stores.openHints(dir.resolve("hints"), clock, nodeThread), nodeThread);
        Node[] nodeHolder = new Node[1];
        AtomicReference<Consumer<NodeEvent>> cqlEvents = new AtomicReference<>(event -> { });
        AtomicReference<Consumer<SchemaChange>> cqlSchemaChanges = new AtomicReference<>(change -> { });
        InternodeTransport transport = startTransport(config, tls, audit, nodeThread, List.of(data, hints), stores);
        ServerMetrics metrics = new ServerMetrics(transport.stats(), stores.partitionCacheSizeBytes());
        DroppedTablePurge purge = new DroppedTablePurge(data, dir, compactionSchema::get);
        metrics.registerDroppedTablePurges(purge::completed, purge::failed, purge::entriesRemoved);
        transport.setSink(inboundSink(nodeThread, nodeHolder, transport.stats()));
        SecureRandom seeds = new SecureRandom();
        Node node = new Node(config.nodeId(), nodeConfig(config), clock, nodeThread, transport,
                new Random(seeds.nextLong()), data, hints, listener(metrics, events, cqlEvents, change -> {
                    published(nodeHolder[0].schema(), compactionSchema, purge);
                    cqlSchemaChanges.get().accept(change);
                }), seeds.nextLong());
        registerNodeMetrics(metrics, node);
        nodeHolder[0] = node;
        String httpAddress = config.advertisedHttpAddress().toString();
        nodeThread.call(() -> {
            node.start();
            published(node.schema(), compactionSchema, purge); // purges a drop learnt before a restart, if needed
            node.setLocalApplicationState(ClusterJson.HTTP_STATE, httpAddress);
            DepartedPeers.start(node, nodeThread, transport);
            return null;
        }).join();
        ServerNodeView view = new ServerNodeView(node, nodeThread, config, events, data, transport.stats());
        DashboardMount mount = dashboard == null ? null : dashboard.apply(view);
        NodeClientOperations operations = new NodeClientOperations(node, nodeThread, metrics,
                config.text(ConfigKeys.CLUSTER_NAME), config.integer(ConfigKeys.MAX_VALUE_SIZE_BYTES), data,
                dir.resolve("data"), tls, audit);
        RequestObserver observer = observer(metrics, mount);
        AuthService auth = startAuth(authSettings, node, nodeThread);
        HttpServer http = null;
        CqlNodeBinding cql;
        ConnectionLimits limits = clientPortLimits(config); // shared by the HTTP and CQL client ports
        try {
            http = HttpServer.start(config.httpAddress(), nodeThread.eventLoopGroup(), operations, observer,
                    clientTimeouts(config), mount == null ? path -> false : mount.serves(),
                    mount == null ? null : mount.handlers(),
                    limits, crossSiteGuard(config), tls.client(), auth);
            cql = CqlNodeBinding.start(config, node, nodeThread, limits, clientTimeouts(config), observer,
                    new NodeSchema(node::schema), cqlHandlers, auth.cqlAuthenticator(), auth, tls.client(), audit);
            if (cql != null) {
                cqlEvents.set(cql::onNodeEvent);
                CqlEvents pushed = cql.events();
                cqlSchemaChanges.set(change -> pushed.schemaChanged(NodeStatements.event(change)));
            }
        } catch (RuntimeException e) {
            tls.close();
            audit.close();
            auth.close();
            abandon(http, node, nodeThread, transport, List.of(data, hints), stores);
            throw e;
        }
        logServing(config, tls, cql);
        return new ServerNode(config, nodeThread, transport, stores, data, hints, node, metrics, http, events, mount,
                tls, cql, audit, auth, operations);
    }

    /** The node's own metrics: refusals, request placement, the batch log. */
    private static void registerNodeMetrics(ServerMetrics metrics, Node node) {
        metrics.registerRefusals(node::unexpectedResponseCount, node::refusedGossipStateCount);
        metrics.registerRequestPlacement(node::requestsAsReplicaCount, node::requestsForwardedCount);
        metrics.registerBatchlog(node::batchlogFigures);
    }

    /**
     * The node published {@code schema} (at start, then after each change): compactions read it, and the
     * data of the tables it knows as dropped and not purged yet is purged.
     */
    private static void published(Schema schema, AtomicReference<Schema> compactionSchema, DroppedTablePurge purge) {
        compactionSchema.set(schema);
        purge.check();
    }

    /**
     * The data store, whose compactions (on their own threads) read the schema the node last published:
     * they remove the entries of the tables it knows as dropped.
     */
    private static LocalStore openData(StoreFactory stores, Path dir, SystemClock clock, NodeThread nodeThread,
                                       AtomicReference<Schema> schema) {
        return new NodeThreadStore(stores.open(dir.resolve("data"), clock, nodeThread, new SchemaTombstoneKinds(id -> {
            Schema published = schema.get();
            return published == null ? null : published.table(id);
        }, id -> {
            Schema published = schema.get();
            return published != null && published.isDropped(id);
        })), nodeThread);
    }

    /** The node's TLS material; closes {@code audit} when the files cannot be read. */
    private static NodeTls tls(ServerConfig config, AuditLog audit, AuthSettings authSettings) {
        try {
            return NodeTls.fromConfig(config, audit, authSettings.passwordAuthentication());
        } catch (RuntimeException e) {
            audit.close();
            throw e;
        }
    }

    private static InternodeTransport startTransport(ServerConfig config, NodeTls tls, AuditLog audit,
                                                     NodeThread nodeThread, List<LocalStore> opened,
                                                     StoreFactory stores) {
        try {
            return InternodeTransport.start(transportSettings(config, tls.internode()), null,
                    nodeThread.eventLoopGroup());
        } catch (RuntimeException e) {
            tls.close();
            audit.close();
            opened.forEach(LocalStore::close);
            stores.close();
            nodeThread.shutdown(1000);
            throw e;
        }
    }

    /**
     * The node's authentication: with PasswordAuthenticator, the system_auth tables (created if absent)
     * and the first superuser, waited for a few seconds and retried in the background if the cluster
     * cannot take the write yet.
     */
    private static AuthService startAuth(AuthSettings settings, Node node, NodeThread nodeThread) {
        AuthService auth = new AuthService(settings, CqlNodeBinding.internalStatements(node, nodeThread,
                new NodeSchema(node::schema)));
        if (!settings.passwordAuthentication()) {
            return auth;
        }
        if (settings.superuserPassword() == null) {
            log.warn("authenticator is PasswordAuthenticator but no superuser password is set ({} or {}): "
                    + "no superuser role is created; log in with a role created before", AuthSettings
                    .SUPERUSER_PASSWORD_ENV, ConfigKeys.AUTH_SUPERUSER_PASSWORD);
        }
        AuthBootstrap.start(auth, node, nodeThread);
        return auth;
    }

    /** Where client requests are counted: the metrics, and the dashboard's observer when it is mounted. */
    private static RequestObserver observer(ServerMetrics metrics, DashboardMount mount) {
        return mount == null ? metrics : (operation, outcome, nanos) -> {
            metrics.onRequest(operation, outcome, nanos);
            mount.observer().onRequest(operation, outcome, nanos);
        };
    }

    /**
     * The node's listener: metrics and recent events, then the CQL listener's events; schema changes
     * go to {@code schemaChanges}.
     */
    private static NodeListener listener(ServerMetrics metrics, RecentEvents events,
                                         AtomicReference<Consumer<NodeEvent>> cqlEvents,
                                         Consumer<SchemaChange> schemaChanges) {
        return new NodeListener() {
            @Override
            public void onEvent(NodeEvent event) {
                ServerNode.onEvent(event, metrics, events);
                cqlEvents.get().accept(event);
            }

            @Override
            public void onSchemaChange(SchemaChange change) {
                schemaChanges.accept(change);
            }
        };
    }

    /** The node serves: its addresses, which of them are TLS, and loudly, what is exposed without protection. */
    private static void logServing(ServerConfig config, NodeTls tls, CqlNodeBinding cql) {
        String clientTls = tls.client() == null ? "" : tls.client().optional() ? " (TLS optional)" : " (TLS)";
        log.info("ringdb node {} serving: internode {}{}, HTTP {}{}, CQL {}, data {}, sockets {}", config.nodeId(),
                config.internodeAddress(), tls.internode() == null ? "" : " (TLS)", config.httpAddress(), clientTls,
                cql == null ? "off" : cql.server().boundAddress() + clientTls, config.dataDirectory().toAbsolutePath(),
                SocketTransport.name());
        tls.warnings().forEach(warning -> log.warn("INSECURE: {}", warning));
    }

    /** Undoes a start that failed once the node was running. */
    private static void abandon(HttpServer http, Node node, NodeThread nodeThread, InternodeTransport transport,
                                List<LocalStore> opened, StoreFactory stores) {
        if (http != null) {
            http.close();
        }
        nodeThread.call(() -> {
            node.stop();
            return null;
        }).join();
        transport.close();
        nodeThread.shutdown(1_000);
        opened.forEach(LocalStore::close);
        stores.close();
    }

    /** Host names accepted in HTTP requests: the node's own (as configured) and http_allowed_hosts. */
    private static CrossSiteGuard crossSiteGuard(ServerConfig config) {
        Set<String> names = new TreeSet<>(CrossSiteGuard.parseHosts(config.text(ConfigKeys.HTTP_ALLOWED_HOSTS)));
        names.add(config.httpAddress().host());
        names.add(config.advertisedHttpAddress().host());
        names.add(config.internodeAddress().host());
        return CrossSiteGuard.allowing(names);
    }

    private static InternodeTransport.Settings transportSettings(ServerConfig config, InternodeTls tls) {
        return new InternodeTransport.Settings(config.internodeAddress(),
                config.nodeId(), config.number(ConfigKeys.INTERNODE_SEND_QUEUE_BYTES_MAX),
                config.integer(ConfigKeys.INTERNODE_CONNECT_TIMEOUT_MS),
                config.number(ConfigKeys.INTERNODE_RECONNECT_BACKOFF_MAX_MS),
                config.number(ConfigKeys.INTERNODE_TCP_USER_TIMEOUT_MS),
                config.number(ConfigKeys.INTERNODE_RECEIVE_QUEUE_BYTES_MAX),
                config.text(ConfigKeys.CLUSTER_NAME), tls, partitioner(config));
    }

    /** Hands inbound messages to the node thread; a message's bytes count against the inbound bound until handled. */
    private static InboundMessageHandler.Sink inboundSink(NodeThread nodeThread, Node[] nodeHolder,
                                                         TransportStats stats) {
        return (envelope, processed) -> {
            Runnable receive = () -> {
                try {
                    nodeHolder[0].receive(envelope.from(), envelope.message());
                } finally {
                    processed.run();
                }
            };
            if (!nodeThread.offerInbound(receive)) {
                processed.run();
                stats.droppedInboundBacklog.increment();
            }
        };
    }

    /** Admission control of the client port: connection limits and the budget of request bytes in flight. */
    private static ConnectionLimits clientPortLimits(ServerConfig config) {
        return new ConnectionLimits(config.number(ConfigKeys.NATIVE_TRANSPORT_MAX_CONNECTIONS),
                config.number(ConfigKeys.NATIVE_TRANSPORT_MAX_CONNECTIONS_PER_IP), new RequestBytesBudget(
                config.number(ConfigKeys.NATIVE_TRANSPORT_MAX_REQUEST_DATA_IN_FLIGHT_BYTES)));
    }

    private static ClientTimeouts clientTimeouts(ServerConfig config) {
        return new ClientTimeouts(config.number(ConfigKeys.HTTP_IDLE_TIMEOUT_MS),
                config.number(ConfigKeys.NATIVE_TRANSPORT_IDLE_TIMEOUT_MS),
                config.number(ConfigKeys.CLIENT_REQUEST_READ_TIMEOUT_MS));
    }

    private static void onEvent(NodeEvent event, ServerMetrics metrics, RecentEvents events) {
        if (event.kind() == NodeEvent.Kind.DIE) {
            die(event.detail());
        }
        if (event.kind() == NodeEvent.Kind.REMOVED && event.node().equals(event.subject())) {
            refuseAsRemoved(event.detail());
        }
        metrics.onNodeEvent(event);
        events.add(event);
        if (event.kind() == NodeEvent.Kind.ERROR) {
            log.warn("{} {}{}", event.kind(), event.subject() == null ? "" : event.subject() + " ", event.detail());
        } else {
            log.info("{} {}{}", event.kind(), event.subject() == null ? "" : event.subject() + " ", event.detail());
        }
    }

    /**
     * The node was removed from the ring (removenode) while it was down, or its records say so: it
     * stopped serving; the process ends with {@link #REMOVED_EXIT_STATUS} through an orderly shutdown
     * (on another thread: the shutdown closes the node through its own thread), so it never serves or
     * rejoins under its id.
     */
    private static void refuseAsRemoved(String reason) {
        String line = "ringdb: this node was removed from the ring, exiting (status " + REMOVED_EXIT_STATUS + "): "
                + reason;
        log.error(line);
        System.err.println(line);
        System.err.flush();
        Thread exit = new Thread(() -> System.exit(REMOVED_EXIT_STATUS), "ringdb-removed-exit");
        exit.setDaemon(true);
        exit.start();
    }

    /**
     * A failure policy's {@code die}: ends the process at once with {@link #DISK_FAILURE_EXIT_STATUS}
     * (no flush, no goodbye: what is acknowledged is in the commit log; peers convict the node).
     */
    private static void die(String reason) {
        String line = "ringdb: storage failure with policy die, exiting (status " + DISK_FAILURE_EXIT_STATUS + "): "
                + reason;
        log.error(line);
        System.err.println(line);
        System.err.flush();
        Runtime.getRuntime().halt(DISK_FAILURE_EXIT_STATUS);
    }

    static NodeConfig nodeConfig(ServerConfig config) {
        return NodeConfig.builder()
                .replicationFactor(config.integer(ConfigKeys.REPLICATION_FACTOR))
                .numTokens(config.integer(ConfigKeys.NUM_TOKENS))
                .seeds(config.seeds())
                .writeTimeoutMicros(TimeUnit.MILLISECONDS.toMicros(config.number(ConfigKeys.WRITE_REQUEST_TIMEOUT_MS)))
                .readTimeoutMicros(TimeUnit.MILLISECONDS.toMicros(config.number(ConfigKeys.READ_REQUEST_TIMEOUT_MS)))
                .gossipIntervalMicros(TimeUnit.MILLISECONDS.toMicros(config.number(ConfigKeys.GOSSIP_INTERVAL_MS)))
                .phiConvictThreshold(config.decimal(ConfigKeys.PHI_CONVICT_THRESHOLD))
                .hintWindowMicros(
                        Math.max(1, TimeUnit.MILLISECONDS.toMicros(config.number(ConfigKeys.MAX_HINT_WINDOW_MS))))
                .hintsPerTargetBytesMax(config.number(ConfigKeys.MAX_HINTS_SIZE_PER_HOST))
                .hintsTotalBytesMax(config.number(ConfigKeys.MAX_HINTS_SIZE_TOTAL))
                .valueSizeBytesMax(config.integer(ConfigKeys.MAX_VALUE_SIZE_BYTES))
                .autoBootstrap(config.bool(ConfigKeys.AUTO_BOOTSTRAP))
                .replaceNode(config.text(ConfigKeys.REPLACE_NODE).isEmpty()
                        ? null : NodeId.of(config.text(ConfigKeys.REPLACE_NODE)))
                .tokenAllocation(
                        TokenAllocation.valueOf(config.text(ConfigKeys.TOKEN_ALLOCATION).toUpperCase(Locale.ROOT)))
                .ringDelayMicros(Math.max(1, TimeUnit.MILLISECONDS.toMicros(config.number(ConfigKeys.RING_DELAY_MS))))
                .removalResumeDelayMicros(
                        TimeUnit.MILLISECONDS.toMicros(config.number(ConfigKeys.REMOVAL_RESUME_DELAY_MS)))
                .schemaAgreementTimeoutMicros(
                        TimeUnit.MILLISECONDS.toMicros(config.number(ConfigKeys.SCHEMA_AGREEMENT_TIMEOUT_MS)))
                .streamThroughputBytesPerSecond(config.number(ConfigKeys.STREAM_THROUGHPUT_BYTES_PER_SECOND))
                .rangeSyncDigests(config.bool(ConfigKeys.RANGE_SYNC_DIGESTS))
                .clientTimestampAheadMaxMicros(
                        TimeUnit.MILLISECONDS.toMicros(config.number(ConfigKeys.MAX_CLIENT_TIMESTAMP_AHEAD_MS)))
                .diskFailurePolicy(DiskFailurePolicy.parse(config.text(ConfigKeys.DISK_FAILURE_POLICY)))
                .commitFailurePolicy(CommitFailurePolicy.parse(config.text(ConfigKeys.COMMIT_FAILURE_POLICY)))
                .partitioner(partitioner(config))
                .build();
    }

    /** The node's partitioner ({@code partitioner}). */
    public static Partitioner partitioner(ServerConfig config) {
        return Partitioner.parse(config.text(ConfigKeys.PARTITIONER));
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create data directory " + dir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    public Node node() {
        return node;
    }

    public NodeThread nodeThread() {
        return nodeThread;
    }

    /** What the node's client ports serve (HTTP, native protocol): each call runs on the node's thread. */
    public ClientOperations clientOperations() {
        return operations;
    }

    public ServerConfig config() {
        return config;
    }

    public InetSocketAddress httpAddress() {
        return http.boundAddress();
    }

    /** The address the CQL listener is bound to, or null when native_transport_port is 0. */
    public InetSocketAddress cqlAddress() {
        return cql == null ? null : cql.server().boundAddress();
    }

    /** The internode transport's counters (drops, dead peers, forgotten peers...). */
    public TransportStats transportStats() {
        return transport.stats();
    }

    /** The node's authentication and authorization (allow-all unless authenticator is PasswordAuthenticator). */
    public AuthService auth() {
        return auth;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    /**
     * TLS of the client ports ({@code client_encryption_*}), or null when it is off: a client listener
     * calls {@link ClientTls#install} on each new connection, so every client port shares the
     * certificates and their reloads.
     */
    public ClientTls clientTls() {
        return tls.client();
    }

    /** Reloads the certificates whose files changed (as {@code POST /v1/admin/reloadssl}); one outcome per port. */
    public List<ReloadingTls.Outcome> reloadTls() {
        return tls.reloader().reloadAll();
    }

    /** Where this node records audited events ({@link AuditLog#DISABLED} when audit_logging_enabled is false). */
    public AuditLog audit() {
        return audit;
    }

    /** Why this node is exposed (a client port reachable from other machines without protection); empty if not. */
    public List<String> securityWarnings() {
        return tls.warnings();
    }

    public RecentEvents events() {
        return events;
    }

    /**
     * Graceful stop: stop taking HTTP connections, drain the requests in flight, announce the shutdown through
     * gossip (peers mark this node down at once), flush the memtable, close files and sockets. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("ringdb node {} shutting down", config.nodeId());
        if (dashboard != null) {
            try {
                dashboard.closer().close();
            } catch (Exception e) {
                log.debug("closing the dashboard failed: {}", e.toString());
            }
        }
        int unanswered = http.drain(DRAIN_MILLIS) + (cql == null ? 0 : cql.drain(DRAIN_MILLIS));
        if (unanswered > 0) {
            log.warn("{} client requests still unanswered after {} ms of draining", unanswered, DRAIN_MILLIS);
        }
        http.close();
        if (cql != null) {
            cql.close();
        }
        try {
            nodeThread.call(() -> {
                node.stop();
                return null;
            }).get(5, TimeUnit.SECONDS);
            nodeThread.call(() -> null).get(ANNOUNCE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("node did not stop cleanly: {}", e.toString());
        }
        if (!transport.awaitFlushed(ANNOUNCE_MILLIS)) {
            log.warn("the shutdown announcement had not reached every peer's socket after {} ms", ANNOUNCE_MILLIS);
        }
        transport.close(); // its sockets run on the node thread: close them before stopping it
        nodeThread.shutdown(5_000);
        try {
            data.flush();
        } catch (RuntimeException e) {
            log.warn("flush at shutdown failed: {}", e.toString());
        }
        data.close();
        hints.close();
        stores.close();
        tls.close();
        audit.close();
        auth.close();
        log.info("ringdb node {} stopped", config.nodeId());
    }
}
