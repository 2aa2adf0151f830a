package ringdb.server.dashboard;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.Cell;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.data.Limits;
import ringdb.core.node.Node;
import ringdb.core.node.NodeEvent;
import ringdb.core.node.NodeStatus;
import ringdb.core.node.PeerStatus;
import ringdb.core.ring.StorageKeys;
import ringdb.dashboard.ClusterViews;
import ringdb.dashboard.DashboardActions;
import ringdb.dashboard.DashboardSource;
import ringdb.dashboard.OperationMetrics;
import ringdb.dashboard.model.ActionResult;
import ringdb.dashboard.model.ActionView;
import ringdb.dashboard.model.DashboardState;
import ringdb.dashboard.model.KeyLookup;
import ringdb.dashboard.model.NetworkView;
import ringdb.dashboard.model.ReplicaValue;
import ringdb.dashboard.model.TimelineEntry;
import ringdb.server.api.RequestObserver;
import ringdb.server.runtime.ServerNodeView;
import ringdb.server.transport.TransportStats;

/**
 * The dashboard's view of a real cluster, as the node serving the page sees it: its own status,
 * its peers through gossip, its ring, its transport counters, its recent events and the client
 * operations it coordinated. Snapshots are rebuilt on the node's thread at most every
 * {@link #REBUILD_MILLIS}; callers get the latest one without waiting. Put, get and delete act
 * through this node as coordinator; fault injection is the simulator's and is not offered here.
 */
public final class RealDashboardSource implements DashboardSource, RequestObserver {
    static final long REBUILD_MILLIS = 250;
    private static final long FIRST_SNAPSHOT_WAIT_MILLIS = 2_000;
    private static final long METRICS_WINDOW_MICROS = 60_000_000L;
    private static final String FAULTS_REASON = "fault injection exists only in the simulator";

    private final ServerNodeView view;
    private final TransportStats transport;
    private final OperationMetrics operations = new OperationMetrics(METRICS_WINDOW_MICROS, 120);
    private final AtomicReference<DashboardState> latest = new AtomicReference<>();
    private final AtomicBoolean rebuilding = new AtomicBoolean();
    private final AtomicLong version = new AtomicLong();
    private volatile long builtAtNanos;

    public RealDashboardSource(ServerNodeView view, TransportStats transport) {
        this.view = view;
        this.transport = transport;
    }

    @Override
    public void onRequest(String operation, String outcome, long latencyNanos) {
        if (operation.equals("put") || operation.equals("get") || operation.equals("delete")) {
            boolean ok = outcome.equals("ok") || outcome.equals("not_found");
            operations.record(nowMicros(), Math.max(1, latencyNanos / 1_000), ok);
        }
    }

    private static long nowMicros() {
        return TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
    }

    @Override
    public DashboardState snapshot() {
        DashboardState current = latest.get();
        boolean stale = current == null
                || System.nanoTime() - builtAtNanos > TimeUnit.MILLISECONDS.toNanos(REBUILD_MILLIS);
        if (stale && view.nodeThread().isNodeThread()) {
            // The dashboard's HTTP connections are served on the node thread: build here, as waiting
            // for a task on this very thread would never end.
            DashboardState built = build();
            remember(built);
            return built;
        }
        if (stale) {
            CompletableFuture<DashboardState> next = rebuild();
            if (current == null) {
                return next.orTimeout(FIRST_SNAPSHOT_WAIT_MILLIS, TimeUnit.MILLISECONDS).join();
            }
        }
        return current;
    }

    private CompletableFuture<DashboardState> rebuild() {
        if (!rebuilding.compareAndSet(false, true)) {
            DashboardState current = latest.get();
            return current != null ? CompletableFuture.completedFuture(current)
                    : view.nodeThread().call(this::build).whenComplete((s, e) -> { });
        }
        return view.nodeThread().call(this::build).whenComplete((state, failure) -> {
            if (state != null) {
                remember(state);
            }
            rebuilding.set(false);
        });
    }

    private void remember(DashboardState state) {
        latest.set(state);
        builtAtNanos = System.nanoTime();
    }

    /** Runs on the node's thread. */
    private DashboardState build() {
        Node node = view.node();
        NodeStatus status = node.status();
        List<NodeEvent> events = view.events().snapshot();
        List<TimelineEntry> timeline = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            timeline.add(ClusterViews.timelineEntry(i, events.get(i)));
        }
        NetworkView network = new NetworkView(transport.framesSent.sum(), transport.framesReceived.sum(),
                Map.of("send_queue_full", transport.droppedQueueFull.sum(),
                        "peer_unreachable", transport.droppedUnreachable.sum(),
                        "inbound_backlog_full", transport.droppedInboundBacklog.sum(),
                        "bad_frame", transport.badFrames.sum()),
                0, 0, List.of(), List.of(), null);
        return ClusterViews.realCluster(version.incrementAndGet(), status, node.ring(), network, timeline,
                operations.points(nowMicros()), actions());
    }

    private static List<ActionView> actions() {
        List<ActionView> actions = new ArrayList<>();
        for (String name : List.of(DashboardActions.PUT, DashboardActions.GET, DashboardActions.DELETE)) {
            actions.add(ActionView.enabled(name));
        }
        for (String name : List.of(DashboardActions.FAIL, DashboardActions.RECOVER, DashboardActions.PARTITION,
                DashboardActions.HEAL, DashboardActions.NETWORK)) {
            actions.add(ActionView.disabled(name, FAULTS_REASON));
        }
        return actions;
    }

    @Override
    public CompletableFuture<KeyLookup> lookup(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        try {
            Limits.checkKey(bytes);
        } catch (InvalidRequestException e) {
            return CompletableFuture.failedFuture(e);
        }
        return view.nodeThread().call(() -> {
            Node node = view.node();
            NodeStatus status = node.status();
            List<ReplicaValue> replicas = new ArrayList<>();
            for (NodeId replica : node.ring().replicasFor(node.config().partitioner(), bytes)) {
                if (replica.equals(status.id())) {
                    Cell cell = view.data().read(StorageKeys.kv(bytes));
                    replicas.add(ClusterViews.replicaValue(replica, true, cell));
                } else {
                    boolean up = status.peers().stream().anyMatch(p -> p.id().equals(replica) && p.up());
                    replicas.add(up
                            ? new ReplicaValue(replica.id(), true, "remote (read it with ringdb get --host "
                                    + httpOf(status, replica) + ")", null, 0, 0)
                            : ClusterViews.replicaValue(replica, false, null));
                }
            }
            return ClusterViews.keyLookup(key, node.config().partitioner(), replicas);
        });
    }

    private static String httpOf(NodeStatus status, NodeId peer) {
        return status.peers().stream().filter(p -> p.id().equals(peer)).findFirst()
                .map(PeerStatus::applicationStates)
                .map(states -> states.getOrDefault(ClusterViews.HTTP_APPLICATION_STATE, "?"))
                .orElse("?");
    }

    @Override
    public CompletableFuture<ActionResult> act(String action, Map<String, String> params) {
        try {
            return switch (action) {
                case DashboardActions.PUT, DashboardActions.GET, DashboardActions.DELETE -> client(action, params);
                case DashboardActions.FAIL, DashboardActions.RECOVER, DashboardActions.PARTITION, DashboardActions.HEAL,
                        DashboardActions.NETWORK -> throw new InvalidRequestException(
                                "action '" + action + "' is not available on a real cluster: " + FAULTS_REASON);
                default -> throw new InvalidRequestException("unknown action '" + action + "'");
            };
        } catch (InvalidRequestException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<ActionResult> client(String action, Map<String, String> params) {
        byte[] key = DashboardActions.required(params, "key").getBytes(StandardCharsets.UTF_8);
        Limits.checkKey(key);
        ConsistencyLevel cl = ConsistencyLevel.parse(params.getOrDefault("cl", "ONE"));
        byte[] value = action.equals(DashboardActions.PUT)
                ? DashboardActions.required(params, "value").getBytes(StandardCharsets.UTF_8) : null;
        CompletableFuture<ClientResult> result = new CompletableFuture<>();
        long start = System.nanoTime();
        view.nodeThread().execute(() -> {
            Node node = view.node();
            switch (action) {
                case DashboardActions.PUT -> node.put(key, value, cl, Node.COORDINATOR_TIMESTAMP, result::complete);
                case DashboardActions.GET -> node.get(key, cl, result::complete);
                default -> node.delete(key, cl, Node.COORDINATOR_TIMESTAMP, result::complete);
            }
        });
        return result.thenApply(r -> {
            onRequest(action, r instanceof ClientResult.Written || r instanceof ClientResult.Found
                    || r instanceof ClientResult.NotFound ? "ok" : "failed", System.nanoTime() - start);
            return describe(r);
        });
    }

    private static ActionResult describe(ClientResult result) {
        if (result instanceof ClientResult.Written written) {
            return ActionResult.ok("written at " + written.timestampMicros() + " by " + written.acks() + " replica(s)");
        }
        if (result instanceof ClientResult.Found found) {
            return ActionResult.ok("found '" + new String(found.value(), StandardCharsets.UTF_8) + "' written at "
                    + found.timestampMicros());
        }
        if (result instanceof ClientResult.NotFound) {
            return ActionResult.ok("not found");
        }
        return ActionResult.failed(String.valueOf(result));
    }
}
