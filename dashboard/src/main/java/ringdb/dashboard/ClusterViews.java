package ringdb.dashboard;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import ringdb.core.NodeId;
import ringdb.core.data.Cell;
import ringdb.core.node.NodeEvent;
import ringdb.core.node.NodeState;
import ringdb.core.node.NodeStatus;
import ringdb.core.node.PeerStatus;
import ringdb.core.ring.Partitioner;
import ringdb.core.ring.Ring;
import ringdb.core.store.LocalStore;
import ringdb.core.streaming.StreamProgress;
import ringdb.dashboard.model.ActionView;
import ringdb.dashboard.model.DashboardState;
import ringdb.dashboard.model.GossipView;
import ringdb.dashboard.model.KeyLookup;
import ringdb.dashboard.model.MetricsPoint;
import ringdb.dashboard.model.NetworkView;
import ringdb.dashboard.model.NodeView;
import ringdb.dashboard.model.PeerView;
import ringdb.dashboard.model.ReplicaValue;
import ringdb.dashboard.model.TimelineEntry;
import ringdb.dashboard.model.TokenView;

/**
 * Turns the node's own status types into the dashboard's view records. Used by the simulated
 * source and by a real node's source alike, so both show the same things the same way.
 * Stateless; thread-safe.
 */
public final class ClusterViews {
    /** Application state under which a node advertises its HTTP address ("host:port"). */
    public static final String HTTP_APPLICATION_STATE = "http";
    /** Application state a node may use to advertise streaming progress text. */
    public static final String STREAMING_APPLICATION_STATE = "streaming";
    /** Shown for a figure the viewer cannot know (a peer's memtable, seen through gossip). */
    public static final long UNKNOWN = -1;

    private ClusterViews() {
    }

    /** Every token of {@code ring} in ring order, with its owner. */
    public static List<TokenView> tokens(Ring ring) {
        List<Map.Entry<Long, NodeId>> placed = new ArrayList<>();
        ring.tokensByNode().forEach((node, tokens) -> {
            for (long token : tokens) {
                placed.add(Map.entry(token, node));
            }
        });
        placed.sort(Map.Entry.comparingByKey());
        List<TokenView> out = new ArrayList<>(placed.size());
        for (Map.Entry<Long, NodeId> entry : placed) {
            out.add(new TokenView(Long.toString(entry.getKey()), RingPositions.position(entry.getKey()),
                    entry.getValue().id()));
        }
        return out;
    }

    /** A node seen from inside: its own status with full storage figures. */
    public static NodeView fromStatus(NodeStatus status, boolean up, Map<NodeId, Double> ownership) {
        LocalStore.Stats stats = status.storeStats();
        NodeState state = up ? status.state() : NodeState.DOWN;
        return new NodeView(status.id().id(), state.name(), up, ownership.getOrDefault(status.id(), 0.0),
                status.tokens().size(), status.generation(), status.heartbeatVersion(),
                stats == null ? UNKNOWN : stats.keysEstimate(), stats == null ? UNKNOWN : stats.liveBytes(),
                stats == null ? UNKNOWN : stats.memtableBytes(), stats == null ? -1 : stats.tableCount(),
                stats == null ? UNKNOWN : stats.commitLogBytes(), status.hintsPending(),
                streamingText(status), status.applicationStates().getOrDefault(HTTP_APPLICATION_STATE, ""),
                streamingProgress(status.streams()));
    }

    /** The node's running (or waiting) stream sessions in words; "" when none runs. */
    static String streamingText(NodeStatus status) {
        List<String> active = new ArrayList<>();
        for (StreamProgress stream : status.streams()) {
            if (isActive(stream)) {
                active.add(stream.describe());
            }
        }
        return active.isEmpty() ? status.applicationStates().getOrDefault(STREAMING_APPLICATION_STATE, "")
                : String.join("; ", active);
    }

    /** Ranges done over ranges to do across the running sessions, 0..1; -1 when none runs. */
    static double streamingProgress(List<StreamProgress> streams) {
        long total = 0;
        long done = 0;
        for (StreamProgress stream : streams) {
            if (isActive(stream)) {
                total += stream.rangesTotal();
                done += stream.rangesDone();
            }
        }
        return total == 0 ? -1 : (double) done / total;
    }

    private static boolean isActive(StreamProgress stream) {
        return !stream.state().equals("DONE") && !stream.state().equals("FAILED");
    }

    /**
     * A node seen through gossip only (a real peer): storage details other than load are unknown. A peer
     * that is down shows DOWN, unless it left or was removed from the ring (gone for good).
     */
    public static NodeView fromPeer(PeerStatus peer, Map<NodeId, Double> ownership) {
        boolean gone = peer.state() == NodeState.LEFT || peer.state() == NodeState.REMOVED;
        NodeState state = peer.up() || gone ? peer.state() : NodeState.DOWN;
        return new NodeView(peer.id().id(), state.name(), peer.up(), ownership.getOrDefault(peer.id(), 0.0),
                peer.tokenCount(), peer.generation(), peer.heartbeatVersion(), UNKNOWN, peer.loadBytes(),
                UNKNOWN, -1, UNKNOWN, UNKNOWN,
                peer.applicationStates().getOrDefault(STREAMING_APPLICATION_STATE, ""),
                peer.applicationStates().getOrDefault(HTTP_APPLICATION_STATE, ""), -1);
    }

    /** A node for which no status can be read at all (a crashed simulated node) as its peers last saw it. */
    public static NodeView unreachable(NodeId id, int tokenCount, Map<NodeId, Double> ownership) {
        return unreachable(id, NodeState.DOWN, tokenCount, ownership);
    }

    /** A node no status can be read from, in {@code state} (DOWN after a crash, LEFT once it left the ring). */
    public static NodeView unreachable(NodeId id, NodeState state, int tokenCount, Map<NodeId, Double> ownership) {
        return new NodeView(id.id(), state.name(), false, ownership.getOrDefault(id, 0.0), tokenCount,
                0, 0, UNKNOWN, UNKNOWN, UNKNOWN, -1, UNKNOWN, UNKNOWN, "", "", -1);
    }

    /** One node's gossip and failure-detector view of its peers. */
    public static GossipView gossip(NodeStatus status) {
        List<PeerView> peers = new ArrayList<>();
        for (PeerStatus peer : status.peers()) {
            peers.add(new PeerView(peer.id().id(), peer.state().name(), peer.up(), finite(peer.phi()),
                    peer.generation(), peer.heartbeatVersion(), peer.heartbeatAgeMicros()));
        }
        return new GossipView(status.id().id(), status.generation(), status.heartbeatVersion(),
                Long.toHexString(status.ringDigest()), peers);
    }

    /** True when all the given nodes have the same ring (equal digests). */
    public static boolean ringAgreement(Collection<NodeStatus> statuses) {
        return statuses.stream().map(NodeStatus::ringDigest).distinct().count() <= 1;
    }

    /**
     * The snapshot of a real cluster as one node sees it: the node itself with its full figures, its
     * peers as gossip reports them, and its own failure detector's view (other nodes' views are on their
     * own dashboards). {@code network} may be null when the transport keeps no counters.
     */
    public static DashboardState realCluster(long version, NodeStatus local, Ring ring, NetworkView network,
                                             List<TimelineEntry> timeline, List<MetricsPoint> metrics,
                                             List<ActionView> actions) {
        Map<NodeId, Double> ownership = ring.ownership();
        List<NodeView> nodes = new ArrayList<>();
        nodes.add(fromStatus(local, true, ownership));
        for (PeerStatus peer : local.peers()) {
            nodes.add(fromPeer(peer, ownership));
        }
        nodes.sort((a, b) -> a.id().compareTo(b.id()));
        NetworkView shown = network != null ? network
                : new NetworkView(0, 0, Map.of(), 0, 0, List.of(), List.of(), null);
        return new DashboardState("real", null, version, local.nowMicros(), null, ring.replicationFactor(), true,
                nodes, tokens(ring), shown, List.of(gossip(local)), timeline, List.of(), metrics, actions,
                local.movesInProgress());
    }

    /** A node event as a timeline entry. */
    public static TimelineEntry timelineEntry(long sequence, NodeEvent event) {
        return new TimelineEntry(sequence, event.atMicros(), event.node().id(), event.kind().name(),
                event.subject() == null ? "" : event.subject().id(), event.detail());
    }

    /** What one replica holds for a key: {@code cell} null = absent; {@code up} false = could not be asked. */
    public static ReplicaValue replicaValue(NodeId replica, boolean up, Cell cell) {
        if (!up) {
            return new ReplicaValue(replica.id(), false, "unreachable", null, 0, 0);
        }
        if (cell == null) {
            return new ReplicaValue(replica.id(), true, "absent", null, 0, 0);
        }
        if (cell.isTombstone()) {
            return new ReplicaValue(replica.id(), true, "tombstone", null, 0, cell.timestampMicros());
        }
        return new ReplicaValue(replica.id(), true, "value", new String(cell.value(), StandardCharsets.UTF_8),
                cell.value().length, cell.timestampMicros());
    }

    /** A key's lookup result: its token (SHA-1's), its place on the ring and what each replica holds. */
    public static KeyLookup keyLookup(String key, List<ReplicaValue> replicas) {
        return keyLookup(key, Partitioner.SHA1, replicas);
    }

    /** A key's lookup result: its token under {@code partitioner}, its place on the ring and each replica's value. */
    public static KeyLookup keyLookup(String key, Partitioner partitioner, List<ReplicaValue> replicas) {
        long token = partitioner.token(key.getBytes(StandardCharsets.UTF_8));
        return new KeyLookup(key, Long.toString(token), RingPositions.position(token), replicas);
    }

    /** JSON has no infinity: an unbounded suspicion is shown as a large number. */
    static double finite(double phi) {
        if (Double.isNaN(phi)) {
            return 0;
        }
        return Math.min(phi, 1_000_000);
    }
}
