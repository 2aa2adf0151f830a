package ringdb.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.data.Cell;
import ringdb.core.node.NodeEvent;
import ringdb.core.node.NodeState;
import ringdb.core.node.NodeStatus;
import ringdb.core.node.PeerStatus;
import ringdb.core.ring.Ring;
import ringdb.core.store.LocalStore;
import ringdb.core.streaming.StreamProgress;
import ringdb.dashboard.model.DashboardState;
import ringdb.dashboard.model.NodeView;
import ringdb.dashboard.model.TokenView;

class ClusterViewsTest {
    private static final NodeId A = NodeId.of("127.0.0.1:7001");
    private static final NodeId B = NodeId.of("127.0.0.1:7002");
    private final Ring ring = Ring.of(Map.of(A, Ring.tokensFor(A, 4), B, Ring.tokensFor(B, 4)), 2, 1);

    private NodeStatus local() {
        PeerStatus peer = new PeerStatus(B, NodeState.NORMAL, false, Double.POSITIVE_INFINITY, 7, 40, 9_000_000, 4,
                Map.of("http", "127.0.0.1:8082"), 5_000);
        return new NodeStatus(A, 3, 99, NodeState.NORMAL, List.of(1L, 2L, 3L, 4L), 12,
                new LocalStore.Stats(10, 2_000, 512, 2, 4_096, 1_500), List.of(peer), 5, ring.digest(), true,
                Map.of("http", "127.0.0.1:8081"), 1_700_000_000_000_000L,
                List.of(new StreamProgress("bootstrap of 127.0.0.1:7001", "m1", 40, 10, 0, 2048, 12, "RUNNING", 100),
                        new StreamProgress("earlier", "m0", 10, 10, 0, 99, 1, "DONE", 0)),
                List.of("127.0.0.1:7001 joining"));
    }

    @Test
    void aRealNodeShowsItselfInFullAndItsPeersAsGossipReportsThem() {
        DashboardState state = ClusterViews.realCluster(4, local(), ring, null, List.of(), List.of(), List.of());
        assertThat(state.kind()).isEqualTo("real");
        assertThat(state.seed()).isNull();
        assertThat(state.nodes()).extracting(NodeView::id).containsExactly(A.id(), B.id());
        NodeView self = state.nodes().get(0);
        assertThat(self.up()).isTrue();
        assertThat(self.memtableBytes()).isEqualTo(512);
        assertThat(self.hintsPending()).isEqualTo(12);
        assertThat(self.httpAddress()).isEqualTo("127.0.0.1:8081");
        assertThat(self.streamingProgress()).as("only the running session counts").isEqualTo(0.25);
        assertThat(self.streaming())
                .isEqualTo("bootstrap of 127.0.0.1:7001: 10 of 40 ranges, 2.0 KiB, 12 entries (RUNNING)");
        assertThat(state.movesInProgress()).containsExactly("127.0.0.1:7001 joining");
        NodeView peer = state.nodes().get(1);
        assertThat(peer.state()).as("its detector holds it down").isEqualTo("DOWN");
        assertThat(peer.loadBytes()).isEqualTo(5_000);
        assertThat(peer.memtableBytes()).as("not known through gossip").isEqualTo(ClusterViews.UNKNOWN);
        assertThat(state.nodes()).extracting(NodeView::ownership)
                .allSatisfy(share -> assertThat(share).isBetween(0.0, 1.0));
        assertThat(state.nodes().get(0).ownership() + state.nodes().get(1).ownership()).isCloseTo(1.0, within(1e-9));
        assertThat(state.gossip().get(0).peers().get(0).phi()).as("JSON has no infinity").isEqualTo(1_000_000);
    }

    @Test
    void aPeerThatLeftTheRingShowsLeftNotDown() {
        PeerStatus left = new PeerStatus(B, NodeState.LEFT, false, Double.POSITIVE_INFINITY, 7, 40, 9_000_000, 0,
                Map.of(), 0);
        PeerStatus crashed = new PeerStatus(B, NodeState.NORMAL, false, Double.POSITIVE_INFINITY, 7, 40, 9_000_000,
                4, Map.of(), 0);
        assertThat(ClusterViews.fromPeer(left, Map.of()).state()).isEqualTo("LEFT");
        assertThat(ClusterViews.fromPeer(crashed, Map.of()).state()).isEqualTo("DOWN");
    }

    @Test
    void tokensComeInRingOrderWithTheirOwners() {
        List<TokenView> tokens = ClusterViews.tokens(ring);
        assertThat(tokens).hasSize(8);
        for (int i = 1; i < tokens.size(); i++) {
            assertThat(Long.parseLong(tokens.get(i).token())).isGreaterThan(Long.parseLong(tokens.get(i - 1).token()));
            assertThat(tokens.get(i).position()).isGreaterThanOrEqualTo(tokens.get(i - 1).position());
        }
        assertThat(tokens).extracting(TokenView::node).containsOnly(A.id(), B.id());
    }

    @Test
    void replicaValuesSayWhatEachReplicaHolds() {
        assertThat(ClusterViews.replicaValue(A, true, Cell.value("hi".getBytes(), 5)).value()).isEqualTo("hi");
        assertThat(ClusterViews.replicaValue(A, true, Cell.tombstone(6)).state()).isEqualTo("tombstone");
        assertThat(ClusterViews.replicaValue(A, true, null).state()).isEqualTo("absent");
        assertThat(ClusterViews.replicaValue(A, false, null).state()).isEqualTo("unreachable");
        var event = new NodeEvent(5, A, NodeEvent.Kind.PEER_DOWN, B, "phi 9");
        assertThat(ClusterViews.timelineEntry(3, event).subject()).isEqualTo(B.id());
    }
}
