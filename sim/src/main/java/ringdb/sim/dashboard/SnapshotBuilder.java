package ringdb.sim.dashboard;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import ringdb.core.NodeId;
import ringdb.core.node.NodeState;
import ringdb.core.node.NodeStatus;
import ringdb.core.node.PeerStatus;
import ringdb.core.ring.Ring;
import ringdb.dashboard.ClusterViews;
import ringdb.dashboard.OperationMetrics;
import ringdb.dashboard.model.ActionView;
import ringdb.dashboard.model.DashboardState;
import ringdb.dashboard.model.FaultsView;
import ringdb.dashboard.model.GossipView;
import ringdb.dashboard.model.LinkView;
import ringdb.dashboard.model.MessageView;
import ringdb.dashboard.model.NetworkView;
import ringdb.dashboard.model.NodeView;
import ringdb.dashboard.model.PartitionView;
import ringdb.dashboard.model.SimulationView;
import ringdb.sim.Link;
import ringdb.sim.LinkStats;
import ringdb.sim.NetworkStats;
import ringdb.sim.Partition;
import ringdb.sim.SimCluster;
import ringdb.sim.SimNetwork;

/**
 * Builds {@link DashboardState} snapshots of a {@link SimCluster}. Threading: simulation thread only.
 */
final class SnapshotBuilder {
    /**
     * Message events per snapshot: those since the previous snapshot (the page accumulates them), at
     * least {@value #MESSAGES_PER_SNAPSHOT_MIN}, at most {@value #MESSAGES_PER_SNAPSHOT_MAX}; beyond that
     * the diagram shows a gap rather than the page receiving every message.
     */
    static final int MESSAGES_PER_SNAPSHOT_MAX = 1_500;
    static final int MESSAGES_PER_SNAPSHOT_MIN = 300;
    static final int TIMELINE_PER_SNAPSHOT_MAX = 200;

    private final SimCluster cluster;
    private final EventRecorder recorder;
    private final OperationMetrics metrics;
    private Ring lastRing = Ring.empty();
    private long version;
    private long lastMessageSequence = -1;

    SnapshotBuilder(SimCluster cluster, EventRecorder recorder, OperationMetrics metrics) {
        this.cluster = cluster;
        this.recorder = recorder;
        this.metrics = metrics;
    }

    DashboardState build(SimulationView simulation, List<ActionView> actions) {
        Map<NodeId, NodeStatus> statuses = new TreeMap<>();
        Map<NodeId, String> broken = new TreeMap<>();
        for (NodeId id : cluster.nodeIds()) {
            if (cluster.isAlive(id)) {
                try {
                    statuses.put(id, cluster.node(id).status());
                    lastRing = cluster.node(id).ring();
                } catch (RuntimeException e) {
                    broken.put(id, "status unavailable: " + e.getMessage());
                }
            }
        }
        Map<NodeId, Double> ownership = lastRing.ownership();
        List<NodeView> nodes = new ArrayList<>();
        List<GossipView> gossip = new ArrayList<>();
        for (NodeId id : cluster.nodeIds()) {
            NodeStatus status = statuses.get(id);
            if (status != null) {
                nodes.add(ClusterViews.fromStatus(status, true, ownership));
                gossip.add(ClusterViews.gossip(status));
            } else {
                NodeView down = ClusterViews.unreachable(id, stoppedState(id, statuses.values()),
                        lastRing.tokensOf(id).length, ownership);
                nodes.add(broken.containsKey(id) ? withNote(down, broken.get(id)) : down);
            }
        }
        List<MessageView> messages = recorder.messagesAfter(lastMessageSequence, MESSAGES_PER_SNAPSHOT_MIN,
                MESSAGES_PER_SNAPSHOT_MAX);
        if (!messages.isEmpty()) {
            lastMessageSequence = messages.get(messages.size() - 1).sequence();
        }
        return new DashboardState("simulated", cluster.seed(), ++version, cluster.nowMicros(), simulation,
                cluster.config().replicationFactor(), ClusterViews.ringAgreement(statuses.values()), nodes,
                ClusterViews.tokens(lastRing), network(), gossip, recorder.latestTimeline(TIMELINE_PER_SNAPSHOT_MAX),
                messages, metrics.points(cluster.nowMicros()), actions, movesInProgress(statuses.values()));
    }

    /**
     * A stopped node that is no longer a ring member has left it (decommissioned or removed); one that
     * still holds its tokens is merely DOWN (crashed), or LEFT when the live nodes' gossip says so.
     */
    private NodeState stoppedState(NodeId id, Collection<NodeStatus> statuses) {
        if (!lastRing.members().contains(id)) {
            return NodeState.LEFT;
        }
        for (NodeStatus status : statuses) {
            for (PeerStatus peer : status.peers()) {
                if (peer.id().equals(id) && peer.state() == NodeState.LEFT) {
                    return NodeState.LEFT;
                }
            }
        }
        return NodeState.DOWN;
    }

    private static List<String> movesInProgress(Collection<NodeStatus> statuses) {
        TreeSet<String> moves = new TreeSet<>();
        for (NodeStatus status : statuses) {
            moves.addAll(status.movesInProgress());
        }
        return List.copyOf(moves);
    }

    /** The ring as the cluster last showed it (for key lookups while every node is down). */
    Ring ring() {
        for (NodeId id : cluster.nodeIds()) {
            if (cluster.isAlive(id)) {
                try {
                    lastRing = cluster.node(id).ring();
                    break;
                } catch (RuntimeException e) {
                    // a node that cannot answer: try the next one
                }
            }
        }
        return lastRing;
    }

    private static NodeView withNote(NodeView view, String note) {
        return new NodeView(view.id(), "STARTING", true, view.ownership(), view.tokenCount(), view.generation(),
                view.heartbeatVersion(), view.keys(), view.loadBytes(), view.memtableBytes(), view.tableCount(),
                view.commitLogBytes(), view.hintsPending(), note, view.httpAddress(), -1);
    }

    private NetworkView network() {
        SimNetwork network = cluster.network();
        NetworkStats stats = network.stats();
        Map<String, Long> dropped = new TreeMap<>();
        stats.droppedByCause().forEach((cause, count) -> dropped.put(cause.name(), count));
        List<LinkView> links = new ArrayList<>();
        for (Map.Entry<Link, LinkStats> entry : stats.perLink().entrySet()) {
            LinkStats link = entry.getValue();
            links.add(new LinkView(entry.getKey().from().id(), entry.getKey().to().id(), link.sent(),
                    link.delivered(), link.dropped(), link.duplicated()));
        }
        List<PartitionView> partitions = new ArrayList<>();
        for (Partition partition : network.partitions()) {
            partitions.add(new PartitionView(sorted(partition.sideA()), sorted(partition.sideB()), partition.oneWay()));
        }
        FaultsView faults = new FaultsView(network.dropProbability(), network.duplicateProbability(),
                network.delayMinMicros(), network.delayMaxMicros());
        return new NetworkView(stats.sent(), stats.delivered(), dropped, stats.duplicated(), stats.inFlight(),
                links, partitions, faults);
    }

    private static List<String> sorted(Set<NodeId> ids) {
        return ids.stream().sorted().map(NodeId::id).toList();
    }
}
