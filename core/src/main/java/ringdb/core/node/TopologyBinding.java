package ringdb.core.node;

import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.gossip.ApplicationState;
import ringdb.core.gossip.EndpointState;
import ringdb.core.gossip.GossipService;
import ringdb.core.hints.Hints;
import ringdb.core.membership.MembershipView;
import ringdb.core.repair.Repair;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;
import ringdb.core.streaming.StreamSession;
import ringdb.core.system.SystemStore;
import ringdb.core.topology.TopologyContext;

/**
 * The node as the topology state machines see it ({@link TopologyContext}): the node's own state
 * (identity, generation, membership state, tokens) read through the node when asked, everything
 * else straight from the part that owns it. The gossiper is looked up at each call, as every start
 * replaces it. The node's thread only.
 */
final class TopologyBinding implements TopologyContext {
    private final Node node;
    private final GossipService gossip;
    private final Hints hints;
    private final SystemStore system;
    private final LocalStore data;
    private final StreamSession.Host streamHost;
    private final Repair repair;

    TopologyBinding(Node node, GossipService gossip, Hints hints, SystemStore system, LocalStore data,
                    StreamSession.Host streamHost, Repair repair) {
        this.node = node;
        this.gossip = gossip;
        this.hints = hints;
        this.system = system;
        this.data = data;
        this.streamHost = streamHost;
        this.repair = repair;
    }

    // ---- this node ----

    @Override
    public NodeId id() {
        return node.id();
    }

    @Override
    public NodeConfig config() {
        return node.config();
    }

    @Override
    public long generation() {
        return node.generation();
    }

    @Override
    public boolean isRunning() {
        return node.isRunning();
    }

    @Override
    public NodeState state() {
        return node.state();
    }

    @Override
    public long[] tokens() {
        return node.tokens();
    }

    @Override
    public void announceMembership(NodeState newState, long[] newTokens, NodeId replacing) {
        node.announceMembership(newState, newTokens, replacing);
    }

    @Override
    public void markRecovered() {
        repair.markRecovered();
    }

    @Override
    public void stop() {
        node.stop();
    }

    @Override
    public MembershipView membershipView() {
        return node.membershipView();
    }

    @Override
    public List<Integer> replicationFactors() {
        return node.placement().factors();
    }

    @Override
    public ToIntFunction<byte[]> keyFactors() {
        return node.placement().snapshot();
    }

    @Override
    public void emit(NodeEvent.Kind kind, NodeId subject, String detail) {
        node.emit(kind, subject, detail);
    }

    // ---- time and randomness ----

    @Override
    public long nowMicros() {
        return node.clock().nowMicros();
    }

    @Override
    public long monotonicMicros() {
        return node.clock().monotonicMicros();
    }

    @Override
    public Timers timers() {
        return node.timers();
    }

    @Override
    public Random random() {
        return node.random();
    }

    // ---- gossip ----

    @Override
    public EndpointState gossipState(NodeId peer) {
        return gossip.gossiper().state(peer);
    }

    @Override
    public boolean isAlive(NodeId peer) {
        return gossip.isAlive(peer);
    }

    @Override
    public boolean hasLivePeers() {
        return !gossip.livePeers().isEmpty();
    }

    @Override
    public void publishMovesDone(String moveIds) {
        gossip.gossiper().setLocal(ApplicationState.MOVES_DONE, moveIds);
    }

    @Override
    public void publishMovesSeen(String moveIds) {
        gossip.gossiper().setLocal(ApplicationState.MOVES_SEEN, moveIds);
    }

    @Override
    public void publishJoinStep(String step) {
        gossip.gossiper().setLocal(ApplicationState.JOIN_STEP, step);
    }

    @Override
    public void setRemoteStatus(NodeId peer, NodeState status) {
        gossip.gossiper().setRemote(peer, ApplicationState.STATUS, status.name());
    }

    @Override
    public void setRemoteJoinStep(NodeId peer, String step) {
        gossip.gossiper().setRemote(peer, ApplicationState.JOIN_STEP, step);
    }

    @Override
    public void setRemovalRunner(NodeId peer, NodeId runner) {
        gossip.gossiper().setRemote(peer, ApplicationState.REMOVAL_RUNNER, runner.id());
    }

    // ---- stores and streams ----

    @Override
    public SystemStore system() {
        return system;
    }

    @Override
    public void purgeData(Predicate<DecoratedKey> keep, LocalStore.Completion<Long> done) {
        data.purgeAsync(keep, done);
    }

    @Override
    public StreamSession.Host streamHost() {
        return streamHost;
    }

    // ---- hints this node holds ----

    @Override
    public List<NodeId> hintTargets() {
        return hints.targets();
    }

    @Override
    public Hints.HandOver handOverHints(NodeId target) {
        return hints.handOver(target);
    }

    @Override
    public long hintsPendingFor(NodeId target) {
        return hints.pendingFor(target);
    }

    @Override
    public long hintsPending() {
        return hints.pendingCount();
    }

    @Override
    public void replayHintsToLiveTargets() {
        hints.replayToLiveTargets();
    }
}
