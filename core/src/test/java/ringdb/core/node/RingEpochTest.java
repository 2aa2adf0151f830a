package ringdb.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.Cell;
import ringdb.core.message.Envelope;
import ringdb.core.message.Message;
import ringdb.core.message.MessageCodec;
import ringdb.core.message.MutationRequest;
import ringdb.core.message.RangeDigestRequest;
import ringdb.core.message.RangeDigestResponse;
import ringdb.core.message.RangeSyncRequest;
import ringdb.core.message.RangeSyncResponse;
import ringdb.core.message.ReadRequest;
import ringdb.core.message.RingEpochMismatch;
import ringdb.core.ring.Partitioner;
import ringdb.core.ring.StorageKeys;
import ringdb.core.testing.InMemoryStore;
import ringdb.core.testing.ManualTime;

/**
 * Ring epochs on real nodes over a hand-driven network: every request carries the epoch of the
 * ring its coordinator planned it with; a replica holding another ring refuses it and opens a
 * gossip exchange; the coordinator learns the change and plans the request again, counting no
 * acknowledgement given under the other ring.
 */
class RingEpochTest {
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");
    private static final NodeId C = NodeId.of("c");
    private static final NodeId D = NodeId.of("d");
    private static final long SECOND = 1_000_000L;
    private static final long MILLI = 1_000L;

    private final ManualTime time = new ManualTime(1_700_000_000_000_000L);
    private final Map<NodeId, Node> nodes = new TreeMap<>();
    private final Map<NodeId, InMemoryStore> stores = new TreeMap<>();
    private final List<Message> delivered = new ArrayList<>();
    private long seed = 11;

    private NodeConfig config(boolean bootstrap) {
        return NodeConfig.builder().replicationFactor(3).numTokens(4).seeds(List.of(A)).autoBootstrap(bootstrap)
                .ringDelayMicros(2 * SECOND).build();
    }

    private void add(NodeId id, boolean bootstrap) {
        InMemoryStore store = new InMemoryStore();
        stores.put(id, store);
        Node node = new Node(id, config(bootstrap), time, time, (to, message) -> deliver(id, to, message),
                new Random(seed++), store, new InMemoryStore(), event -> { });
        nodes.put(id, node);
        node.start();
    }

    private void deliver(NodeId from, NodeId to, Message message) {
        byte[] frame = MessageCodec.encodeFrame(from, message);
        Envelope envelope = MessageCodec.decodeFrame(ByteBuffer.wrap(frame, 4, frame.length - 4));
        time.schedule(500, () -> {
            delivered.add(envelope.message());
            Node target = nodes.get(to);
            if (target != null) {
                target.receive(envelope.from(), envelope.message());
            }
        });
    }

    private void startThree() {
        for (NodeId id : List.of(A, B, C)) {
            add(id, false);
        }
        time.advance(10 * SECOND);
        assertThat(nodes.get(A).ringEpoch()).isEqualTo(nodes.get(B).ringEpoch()).isEqualTo(nodes.get(C).ringEpoch());
    }

    /**
     * Starts d's bootstrap and steps time until exactly one of a, b, c has not learned of it yet
     * (its ring epoch is the one before); returns {stale, aware}: the stale one and one that knows.
     */
    private NodeId[] joinSeenByOnlySome() {
        long before = nodes.get(A).ringEpoch();
        add(D, true);
        for (int step = 0; step < 20_000; step++) {
            time.advance(MILLI);
            NodeId stale = null;
            NodeId aware = null;
            int staleCount = 0;
            for (NodeId id : List.of(A, B, C)) {
                if (nodes.get(id).ringEpoch() == before) {
                    stale = id;
                    staleCount++;
                } else {
                    aware = id;
                }
            }
            if (staleCount == 1) {
                return new NodeId[] {stale, aware};
            }
        }
        throw new AssertionError("no moment found where all but one node knew of the join");
    }

    /** A key whose replicas the join changes (d is a pending replica of it in the aware node's ring). */
    private byte[] keyGainedByD(NodeId aware) {
        for (int i = 0; i < 10_000; i++) {
            byte[] key = ("key" + i).getBytes(StandardCharsets.UTF_8);
            if (nodes.get(aware).membershipView().pendingReplicasForToken(Partitioner.SHA1.token(key)).contains(D)) {
                return key;
            }
        }
        throw new AssertionError("no key gained by " + D);
    }

    @Test
    void aCoordinatorThatMissedAJoinIsRefusedLearnsItAndWritesToThePendingReplicaToo() {
        startThree();
        NodeId[] pair = joinSeenByOnlySome();
        Node stale = nodes.get(pair[0]);
        byte[] key = keyGainedByD(pair[1]);
        List<ClientResult> answers = new ArrayList<>();
        stale.put(key, "v".getBytes(StandardCharsets.UTF_8), ConsistencyLevel.QUORUM, 5_000, answers::add);
        time.advance(200 * MILLI);

        assertThat(answers).singleElement().isInstanceOfSatisfying(ClientResult.Written.class, written -> {
            // planned again on the ring with the join: QUORUM plus one acknowledgement for the pending replica
            assertThat(written.acks()).isGreaterThanOrEqualTo(3);
        });
        assertThat(stale.ringReplans()).isPositive();
        assertThat(stale.ringEpoch()).isEqualTo(nodes.get(pair[1]).ringEpoch());
        assertThat(stores.get(D).read(StorageKeys.kv(key))).as("the pending replica got the write").isNotNull();
        assertThat(delivered).anyMatch(message -> message instanceof RingEpochMismatch);
    }

    @Test
    void aCoordinatorThatMissedAJoinReadsAfterLearningIt() {
        startThree();
        List<ClientResult> put = new ArrayList<>();
        byte[] key = "read-me".getBytes(StandardCharsets.UTF_8);
        nodes.get(A).put(key, "v".getBytes(StandardCharsets.UTF_8), ConsistencyLevel.ALL, 5_000, put::add);
        time.advance(100 * MILLI);
        assertThat(put).singleElement().isInstanceOf(ClientResult.Written.class);

        NodeId[] pair = joinSeenByOnlySome();
        Node stale = nodes.get(pair[0]);
        List<ClientResult> answers = new ArrayList<>();
        stale.get(key, ConsistencyLevel.ALL, answers::add);
        time.advance(200 * MILLI);

        assertThat(answers).singleElement().isInstanceOfSatisfying(ClientResult.Found.class,
                found -> assertThat(found.timestampMicros()).isEqualTo(5_000L));
        assertThat(stale.ringReplans()).isPositive();
        assertThat(stale.ringEpoch()).isEqualTo(nodes.get(pair[1]).ringEpoch());
    }

    @Test
    void aReplicaAppliesNothingPlannedOnAnotherRingAndTellsItsEpoch() {
        startThree();
        byte[] key = StorageKeys.kv("k".getBytes(StandardCharsets.UTF_8));
        long epoch = nodes.get(B).ringEpoch();
        deliver(A, B, new MutationRequest(77, key, Cell.value(new byte[] {1}, 9_000), epoch + 1));
        deliver(A, B, new ReadRequest(78, key, epoch + 1));
        time.advance(10 * MILLI);
        assertThat(stores.get(B).read(key)).isNull();
        assertThat(nodes.get(B).ringEpochRefusals()).isEqualTo(2);
        assertThat(delivered).contains(new RingEpochMismatch(77, epoch), new RingEpochMismatch(78, epoch));

        deliver(A, B, new MutationRequest(79, key, Cell.value(new byte[] {1}, 9_000), epoch));
        deliver(A, B, new MutationRequest(0, key, Cell.value(new byte[] {2}, 9_001), MutationRequest.NO_RING_CHECK));
        time.advance(10 * MILLI);
        assertThat(stores.get(B).read(key).timestampMicros()).as("same epoch, then an unchecked hint")
                .isEqualTo(9_001L);
        assertThat(nodes.get(B).ringEpochRefusals()).isEqualTo(2);
    }

    @Test
    void aReplicaServesRangeSyncsAndDigestsOnlyPlannedOnItsRing() {
        startThree();
        long epoch = nodes.get(B).ringEpoch();
        deliver(A, B, new RangeSyncRequest(80, Long.MIN_VALUE, Long.MAX_VALUE, null, 10, epoch + 1));
        deliver(A, B, new RangeDigestRequest(new RangeSyncRequest(81, Long.MIN_VALUE, Long.MAX_VALUE, null, 10,
                epoch + 1)));
        time.advance(10 * MILLI);
        assertThat(delivered).contains(new RingEpochMismatch(80, epoch), new RingEpochMismatch(81, epoch));
        assertThat(delivered).noneMatch(m -> m instanceof RangeSyncResponse r && r.requestId() == 80
                || m instanceof RangeDigestResponse d && d.requestId() == 81);

        deliver(A, B, new RangeSyncRequest(82, Long.MIN_VALUE, Long.MAX_VALUE, null, 10, epoch));
        deliver(A, B, new RangeDigestRequest(new RangeSyncRequest(83, Long.MIN_VALUE, Long.MAX_VALUE, null, 10,
                MutationRequest.NO_RING_CHECK)));
        time.advance(10 * MILLI);
        assertThat(delivered).anyMatch(m -> m instanceof RangeSyncResponse r && r.requestId() == 82);
        assertThat(delivered).anyMatch(m -> m instanceof RangeDigestResponse r && r.requestId() == 83);
        assertThat(nodes.get(B).ringEpochRefusals()).isEqualTo(2);
    }

    @Test
    void aRepairByANodeThatMissedAJoinIsRefusedLearnsTheRingAndCompletes() {
        startThree();
        NodeId[] pair = joinSeenByOnlySome();
        Node stale = nodes.get(pair[0]);
        long refusalsBefore = refusalsOfOthers(stale);
        List<ClientResult> answers = new ArrayList<>();
        stale.repair(answers::add);
        for (int i = 0; i < 600 && answers.isEmpty(); i++) {
            time.advance(100 * MILLI);
        }
        assertThat(answers).singleElement().isInstanceOf(ClientResult.Repaired.class);
        assertThat(delivered).anyMatch(m -> m instanceof RangeSyncRequest r && r.ringEpoch() != 0
                || m instanceof RangeDigestRequest d && d.chunk().ringEpoch() != 0);
        assertThat(refusalsOfOthers(stale)).as("a peer refused a chunk planned on the ring without the join")
                .isGreaterThan(refusalsBefore);
    }

    private long refusalsOfOthers(Node except) {
        return nodes.values().stream().filter(node -> node != except).mapToLong(Node::ringEpochRefusals).sum();
    }
}
