package ringdb.core.hints;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.RequestRegistry;
import ringdb.core.data.Cell;
import ringdb.core.gossip.Liveness;
import ringdb.core.message.Message;
import ringdb.core.message.MutationRequest;
import ringdb.core.message.MutationResponse;
import ringdb.core.message.Response;
import ringdb.core.message.RingEpochMismatch;
import ringdb.core.node.NodeConfig;
import ringdb.core.testing.InMemoryStore;
import ringdb.core.testing.ManualTime;

/**
 * Hints placed on the ring: deliveries carry the ring epoch, a target holding another ring refuses
 * and the replay is planned again, a hint whose target no longer replicates its key goes to the key's
 * current replicas, and a former member's hints are handed over to the new owners (or dropped, counted).
 */
class HintsPlacementTest {
    private static final NodeId SELF = NodeId.of("self");
    private static final NodeId OLD = NodeId.of("old");
    private static final NodeId NEW_A = NodeId.of("newA");
    private static final NodeId NEW_B = NodeId.of("newB");
    private static final long EPOCH = 0x1234;
    private static final byte[] KEY = "k".getBytes(StandardCharsets.UTF_8);
    private static final Cell CELL = Cell.value(new byte[] {7}, 5);

    private final ManualTime time = new ManualTime(1_000_000);
    private final RequestRegistry requests = new RequestRegistry(1);
    private final InMemoryStore store = new InMemoryStore();
    private final List<Sent> sent = new ArrayList<>();
    private final Set<NodeId> up = new HashSet<>(Set.of(OLD, NEW_A, NEW_B));
    private final Map<NodeId, Long> downSince = new HashMap<>();
    private final Set<NodeId> members = new HashSet<>(Set.of(SELF, OLD, NEW_A, NEW_B));
    private List<NodeId> writeTargets = List.of(OLD, NEW_A);
    private final List<Cell> appliedHere = new ArrayList<>();

    private record Sent(NodeId to, MutationRequest request) {
    }

    private final Liveness liveness = new Liveness() {
        @Override
        public boolean isAlive(NodeId node) {
            return node.equals(SELF) || up.contains(node);
        }

        @Override
        public long downSinceMicros(NodeId node) {
            return downSince.getOrDefault(node, -1L);
        }

        @Override
        public List<NodeId> livePeers() {
            return List.copyOf(up);
        }
    };

    private final HintsContext.Placement placement = new HintsContext.Placement() {
        @Override
        public long ringEpoch() {
            return EPOCH;
        }

        @Override
        public boolean isMember(NodeId node) {
            return members.contains(node);
        }

        @Override
        public List<NodeId> writeTargets(byte[] key) {
            return writeTargets;
        }

        @Override
        public void applyLocally(byte[] key, Cell cell) {
            appliedHere.add(cell);
        }
    };

    private final Hints hints = new Hints(new HintsContext(SELF, NodeConfig.defaults(), time, time,
            (to, message) -> sent.add(new Sent(to, (MutationRequest) message)), requests, store, liveness,
            () -> true, () -> 7, (kind, subject, detail) -> { }, placement));

    private void answer(Sent delivery, Message response) {
        requests.dispatch(delivery.to(), delivery.request().requestId(), (Response) response);
    }

    @Test
    void aDeliveryCarriesTheRingEpochAndARefusalPlansTheReplayAgain() {
        assertThat(hints.store(OLD, KEY, CELL)).isTrue();
        hints.replay(OLD);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).request().ringEpoch()).isEqualTo(EPOCH);

        answer(sent.get(0), new RingEpochMismatch(sent.get(0).request().requestId(), 0x9999));
        assertThat(hints.ringRefusalCount()).isEqualTo(1);
        assertThat(hints.pendingFor(OLD)).isEqualTo(1); // kept: it was not delivered

        // the gossip exchange taught this node that OLD no longer replicates the key: the retry hands it over
        writeTargets = List.of(NEW_A, NEW_B);
        time.advance(NodeConfig.defaults().gossipIntervalMicros());
        assertThat(hints.pendingFor(OLD)).isZero();
        assertThat(hints.pendingFor(NEW_A)).isEqualTo(1);
        assertThat(hints.pendingFor(NEW_B)).isEqualTo(1);
        assertThat(hints.handedOverCount()).isEqualTo(1);

        hints.replayToLiveTargets();
        List<Sent> toNewOwners = sent.subList(1, sent.size());
        assertThat(toNewOwners).extracting(Sent::to).containsExactlyInAnyOrder(NEW_A, NEW_B);
        for (Sent delivery : List.copyOf(toNewOwners)) {
            assertThat(delivery.request().cell()).isEqualTo(CELL);
            answer(delivery, MutationResponse.ok(delivery.request().requestId()));
        }
        assertThat(hints.pendingCount()).isZero();
        assertThat(hints.deliveredCount()).isEqualTo(2);
    }

    @Test
    void aFormerMembersHintsGoToTheNewOwnersOfTheKeyAndThisNodeAppliesItsShare() {
        assertThat(hints.store(OLD, KEY, CELL)).isTrue();
        members.remove(OLD); // it left the ring
        writeTargets = List.of(SELF, NEW_B);

        Hints.HandOver result = hints.handOver(OLD);

        assertThat(result).isEqualTo(new Hints.HandOver(1, 0));
        assertThat(hints.pendingFor(OLD)).isZero();
        assertThat(appliedHere).containsExactly(CELL);
        assertThat(hints.pendingFor(NEW_B)).isEqualTo(1);
        assertThat(hints.handedOverCount()).isEqualTo(1);
        assertThat(hints.droppedCount()).isZero();
    }

    @Test
    void aFormerMembersHintNoNewOwnerCanTakeIsDroppedAndCounted() {
        assertThat(hints.store(OLD, KEY, CELL)).isTrue();
        members.remove(OLD);
        writeTargets = List.of(NEW_A);
        up.remove(NEW_A);
        downSince.put(NEW_A, time.monotonicMicros());
        time.advance(NodeConfig.defaults().hintWindowMicros() + 1); // down longer than the hint window

        Hints.HandOver result = hints.handOver(OLD);

        assertThat(result).isEqualTo(new Hints.HandOver(0, 1));
        assertThat(hints.pendingCount()).isZero();
        assertThat(hints.droppedCount()).isEqualTo(1);
    }

    @Test
    void aTargetThatStillReplicatesTheKeyGetsTheHintItself() {
        assertThat(hints.store(OLD, KEY, CELL)).isTrue();
        writeTargets = List.of(NEW_A, OLD);
        hints.replay(OLD);
        assertThat(sent).extracting(Sent::to).containsExactly(OLD);
        assertThat(hints.handedOverCount()).isZero();
    }
}
