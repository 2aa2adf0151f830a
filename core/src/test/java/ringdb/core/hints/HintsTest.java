package ringdb.core.hints;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.RequestRegistry;
import ringdb.core.data.Cell;
import ringdb.core.gossip.Liveness;
import ringdb.core.message.MutationRequest;
import ringdb.core.message.MutationResponse;
import ringdb.core.node.NodeConfig;
import ringdb.core.node.NodeEvent;
import ringdb.core.testing.InMemoryStore;
import ringdb.core.testing.ManualTime;

/** The hints engine alone, built from its context: no Node, no gossip, no network. */
class HintsTest {
    private static final NodeId SELF = NodeId.of("self");
    private static final NodeId PEER = NodeId.of("peer");

    private final ManualTime time = new ManualTime(1_000_000);
    private final RequestRegistry requests = new RequestRegistry(1);
    private final InMemoryStore store = new InMemoryStore();
    private final List<MutationRequest> sent = new ArrayList<>();
    private final List<NodeEvent.Kind> events = new ArrayList<>();
    private final Set<NodeId> up = new HashSet<>();
    private final Liveness liveness = new Liveness() {
        @Override
        public boolean isAlive(NodeId node) {
            return node.equals(SELF) || up.contains(node);
        }

        @Override
        public long downSinceMicros(NodeId node) {
            return up.contains(node) ? -1 : 0;
        }

        @Override
        public List<NodeId> livePeers() {
            return List.copyOf(up);
        }
    };
    private final Hints hints = new Hints(new HintsContext(SELF, NodeConfig.defaults(), time, time,
            (to, message) -> sent.add((MutationRequest) message), requests, store, liveness, () -> true, () -> 7,
            (kind, subject, detail) -> events.add(kind)));

    @Test
    void aHintForADownPeerIsReplayedWhenItComesUpAndDeletedOnceAcknowledged() {
        byte[] key = "k".getBytes(StandardCharsets.UTF_8);
        assertThat(hints.store(PEER, key, Cell.value(new byte[] {1}, 5))).isTrue();
        assertThat(hints.pendingFor(PEER)).isEqualTo(1);
        hints.replayToLiveTargets();
        assertThat(sent).isEmpty(); // still down

        up.add(PEER);
        hints.replay(PEER);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).key()).isEqualTo(key);
        requests.dispatch(PEER, sent.get(0).requestId(), MutationResponse.ok(sent.get(0).requestId()));

        assertThat(hints.pendingCount()).isZero();
        assertThat(hints.deliveredCount()).isEqualTo(1);
        assertThat(events).containsExactly(NodeEvent.Kind.HINT_STORED, NodeEvent.Kind.HINTS_DELIVERED);
    }

    @Test
    void anExpiringCellIsHintedWithItsTtlAndExpiry() {
        byte[] key = "k".getBytes(StandardCharsets.UTF_8);
        Cell expiring = Cell.expiring(new byte[] {1, 2}, 5, 30, 1_800_000_030L);
        assertThat(hints.store(PEER, key, expiring)).isTrue();
        up.add(PEER);
        hints.replay(PEER);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).cell()).isEqualTo(expiring);
    }

    @Test
    void noHintIsStoredForAPeerDownLongerThanTheHintWindow() {
        time.advance(NodeConfig.defaults().hintWindowMicros() + 1);
        assertThat(hints.store(PEER, new byte[] {1}, Cell.value(new byte[] {1}, 5))).isFalse();
        assertThat(hints.pendingCount()).isZero();
        assertThat(hints.droppedCount()).isEqualTo(1);
    }
}
