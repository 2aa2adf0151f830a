package ringdb.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.message.Envelope;
import ringdb.core.message.Message;
import ringdb.core.message.MessageCodec;
import ringdb.core.message.MutationRequest;
import ringdb.core.message.MutationResponse;
import ringdb.core.testing.InMemoryStore;
import ringdb.core.testing.ManualTime;

/**
 * Three nodes (RF 3) on simulated time, one of which never gets the write: an acknowledgement that
 * names the request but comes from a node the request did not go to is ignored and counted, so it
 * cannot make a write at ALL succeed; request ids do not count up from a guessable start.
 */
class ForgedResponseTest {
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");
    private static final NodeId C = NodeId.of("c");
    private static final NodeId FORGER = NodeId.of("mallory");
    private static final long SECOND = 1_000_000L;
    private static final byte[] KEY = "k".getBytes(StandardCharsets.UTF_8);

    private final ManualTime time = new ManualTime(1_700_000_000_000_000L);
    private final Map<NodeId, Node> nodes = new TreeMap<>();
    private final List<Long> mutationIds = new ArrayList<>();

    private void startCluster() {
        NodeConfig config = NodeConfig.builder().replicationFactor(3).numTokens(4).seeds(List.of(A)).build();
        long seed = 5;
        for (NodeId id : List.of(A, B, C)) {
            nodes.put(id, new Node(id, config, time, time, (to, message) -> deliver(id, to, message),
                    new Random(seed++), new InMemoryStore(), new InMemoryStore(), event -> { }));
        }
        nodes.values().forEach(Node::start);
        time.advance(30 * SECOND);
    }

    private void deliver(NodeId from, NodeId to, Message message) {
        if (message instanceof MutationRequest request && from.equals(A)) {
            mutationIds.add(request.requestId());
            if (to.equals(C)) {
                return; // C never gets the write
            }
        }
        byte[] frame = MessageCodec.encodeFrame(from, message);
        Envelope envelope = MessageCodec.decodeFrame(ByteBuffer.wrap(frame, 4, frame.length - 4));
        time.schedule(500, () -> nodes.get(to).receive(envelope.from(), envelope.message()));
    }

    @Test
    void anAcknowledgementFromANodeTheWriteDidNotGoToIsIgnoredAndCounted() {
        startCluster();
        Node coordinator = nodes.get(A);
        List<ClientResult> put = new ArrayList<>();
        coordinator.put(KEY, "v".getBytes(StandardCharsets.UTF_8), ConsistencyLevel.ALL, 1_000, put::add);
        assertThat(mutationIds).as("the write went to B and C").hasSize(2);
        long id = mutationIds.get(0);
        coordinator.receive(FORGER, new MutationResponse(id, ""));
        coordinator.receive(FORGER, new MutationResponse(id, ""));
        time.advance(10_000);
        assertThat(put).as("B's acknowledgement and two forged ones do not make ALL").isEmpty();
        assertThat(coordinator.unexpectedResponseCount()).isEqualTo(2);
        time.advance(60 * SECOND);
        assertThat(put).singleElement().isEqualTo(new ClientResult.Timeout(ConsistencyLevel.ALL, 3, 2));
    }

    @Test
    void requestIdsAreNotACountFromOne() {
        startCluster();
        for (int i = 0; i < 20; i++) {
            nodes.get(A).put(("k" + i).getBytes(StandardCharsets.UTF_8), new byte[]{1}, ConsistencyLevel.ONE,
                    1_000 + i, result -> { });
        }
        Set<Long> distinct = new HashSet<>(mutationIds);
        assertThat(distinct).as("one id per write, sent to two replicas").hasSize(20).doesNotContain(0L);
        assertThat(distinct.stream().filter(id -> id > 0 && id < 1_000_000)).as("no small counter").isEmpty();
    }
}
