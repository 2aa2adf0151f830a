package ringdb.core.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.gossip.EndpointState;
import ringdb.core.hints.Hints;
import ringdb.core.membership.Member;
import ringdb.core.membership.MembershipView;
import ringdb.core.node.NodeConfig;
import ringdb.core.node.NodeEvent;
import ringdb.core.node.NodeState;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;
import ringdb.core.streaming.StreamSession;
import ringdb.core.system.SystemStore;
import ringdb.core.testing.InMemoryStore;
import ringdb.core.testing.ManualTime;

/**
 * A node as the topology state machines see it, without gossip, hints or streams: its state, its
 * tokens and its ring view are set by the test; events and announcements are recorded.
 */
final class FakeTopologyContext implements TopologyContext {
    final NodeId id;
    final ManualTime time = new ManualTime(1_000_000);
    final InMemoryStore systemStore = new InMemoryStore();
    final SystemStore system = new SystemStore(systemStore);
    final List<NodeEvent> events = new ArrayList<>();
    final List<String> announcements = new ArrayList<>();
    NodeState state = NodeState.STARTING;
    long[] tokens = new long[0];
    MembershipView view = MembershipView.empty(NodeConfig.defaults().replicationFactor());
    Predicate<DecoratedKey> purged;
    ToIntFunction<byte[]> keyFactors = key -> config().replicationFactor();
    long purgeResult;
    boolean running = true;

    FakeTopologyContext(NodeId id) {
        this.id = id;
    }

    /** Makes the view a ring of {@code members}, all NORMAL with tokens derived from their ids. */
    void ring(List<Member> members) {
        view = MembershipView.of(members, config().replicationFactor(), 1);
    }

    @Override
    public NodeId id() {
        return id;
    }

    @Override
    public NodeConfig config() {
        return NodeConfig.defaults();
    }

    @Override
    public long generation() {
        return 7;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public NodeState state() {
        return state;
    }

    @Override
    public long[] tokens() {
        return tokens.clone();
    }

    @Override
    public void announceMembership(NodeState newState, long[] newTokens, NodeId replacing) {
        state = newState;
        tokens = newTokens.clone();
        announcements.add(newState + (replacing == null ? "" : " replacing " + replacing));
    }

    @Override
    public void markRecovered() {
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public MembershipView membershipView() {
        return view;
    }

    @Override
    public List<Integer> replicationFactors() {
        return List.of(config().replicationFactor());
    }

    @Override
    public ToIntFunction<byte[]> keyFactors() {
        return keyFactors;
    }

    @Override
    public void emit(NodeEvent.Kind kind, NodeId subject, String detail) {
        events.add(new NodeEvent(time.nowMicros(), id, kind, subject, detail));
    }

    @Override
    public long nowMicros() {
        return time.nowMicros();
    }

    @Override
    public long monotonicMicros() {
        return time.monotonicMicros();
    }

    @Override
    public Timers timers() {
        return time;
    }

    @Override
    public Random random() {
        return new Random(1);
    }

    @Override
    public EndpointState gossipState(NodeId node) {
        return null;
    }

    @Override
    public boolean isAlive(NodeId node) {
        return false;
    }

    @Override
    public boolean hasLivePeers() {
        return false;
    }

    @Override
    public void publishMovesDone(String moveIds) {
    }

    @Override
    public void publishMovesSeen(String moveIds) {
    }

    @Override
    public void publishJoinStep(String step) {
    }

    @Override
    public void setRemoteStatus(NodeId node, NodeState status) {
    }

    @Override
    public void setRemoteJoinStep(NodeId node, String step) {
    }

    @Override
    public void setRemovalRunner(NodeId node, NodeId runner) {
    }

    @Override
    public SystemStore system() {
        return system;
    }

    @Override
    public void purgeData(Predicate<DecoratedKey> keep, LocalStore.Completion<Long> done) {
        purged = keep;
        done.done(purgeResult, null);
    }

    @Override
    public StreamSession.Host streamHost() {
        throw new UnsupportedOperationException("no streams in this fake");
    }

    @Override
    public List<NodeId> hintTargets() {
        return List.of();
    }

    @Override
    public Hints.HandOver handOverHints(NodeId target) {
        return new Hints.HandOver(0, 0);
    }

    @Override
    public long hintsPendingFor(NodeId target) {
        return 0;
    }

    @Override
    public long hintsPending() {
        return 0;
    }

    @Override
    public void replayHintsToLiveTargets() {
    }
}
