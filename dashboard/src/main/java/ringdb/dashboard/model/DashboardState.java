package ringdb.dashboard.model;

import java.util.List;

/**
 * One snapshot of everything the page shows. Immutable; built by a {@link ringdb.dashboard.DashboardSource}
 * at most a few times per second and shared by every viewer.
 *
 * @param kind             "simulated" or "real"
 * @param seed             the simulator's seed (null for a real cluster)
 * @param version          increases with every new snapshot (lets the page skip repeats)
 * @param nowMicros        the cluster's time: simulated microseconds, or wall-clock microseconds
 * @param simulation       pause/speed state of a simulated cluster (null for a real cluster)
 * @param replicationFactor replicas per key
 * @param ringAgreement    true when every live node has the same ring view
 * @param nodes            one entry per known node, ordered by id
 * @param tokens           every token (vnode) on the ring in ring order
 * @param network          message statistics and faults in force
 * @param gossip           each live node's gossip and failure-detector view
 * @param timeline         recent events, oldest first
 * @param messages         recent message events for the space-time diagram, oldest first
 * @param metrics          recent operations-per-second and latency points, oldest first
 * @param actions          what the cluster lets an operator do, with reasons for what it does not
 * @param movesInProgress  membership changes under way ("node6 joining"), as the nodes see them
 */
public record DashboardState(
        String kind,
        Long seed,
        long version,
        long nowMicros,
        SimulationView simulation,
        int replicationFactor,
        boolean ringAgreement,
        List<NodeView> nodes,
        List<TokenView> tokens,
        NetworkView network,
        List<GossipView> gossip,
        List<TimelineEntry> timeline,
        List<MessageView> messages,
        List<MetricsPoint> metrics,
        List<ActionView> actions,
        List<String> movesInProgress) {
    public DashboardState {
        nodes = List.copyOf(nodes);
        tokens = List.copyOf(tokens);
        gossip = List.copyOf(gossip);
        timeline = List.copyOf(timeline);
        messages = List.copyOf(messages);
        metrics = List.copyOf(metrics);
        actions = List.copyOf(actions);
        movesInProgress = List.copyOf(movesInProgress);
    }
}
