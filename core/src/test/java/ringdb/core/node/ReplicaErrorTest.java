package ringdb.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.Cell;
import ringdb.core.message.Envelope;
import ringdb.core.message.Message;
import ringdb.core.message.MessageCodec;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.StorageKeys;
import ringdb.core.store.LocalStore;
import ringdb.core.testing.InMemoryStore;
import ringdb.core.testing.ManualTime;

/**
 * Three nodes (RF 3) on simulated time whose stores can be told to fail reads or writes: a replica
 * that cannot read or write is answered about at once, exactly once, and one that failed a write
 * gets a hint.
 */
class ReplicaErrorTest {
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");
    private static final NodeId C = NodeId.of("c");
    private static final long SECOND = 1_000_000L;
    private static final byte[] KEY = "k".getBytes(StandardCharsets.UTF_8);

    private final ManualTime time = new ManualTime(1_700_000_000_000_000L);
    private final Map<NodeId, Node> nodes = new TreeMap<>();
    private final Map<NodeId, FailingStore> stores = new HashMap<>();

    /** Delegates to an {@link InMemoryStore}, failing reads or writes when told to. */
    private static final class FailingStore implements LocalStore {
        private final InMemoryStore delegate = new InMemoryStore();
        private boolean failReads;
        private boolean failWrites;

        @Override
        public void apply(byte[] key, Cell cell, Consumer<Throwable> onDurable) {
            if (failWrites) {
                onDurable.accept(new IOException("simulated write error"));
            } else {
                delegate.apply(key, cell, onDurable);
            }
        }

        @Override
        public Cell read(byte[] key) {
            if (failReads) {
                throw new UncheckedIOException(new IOException("simulated read error"));
            }
            return delegate.read(key);
        }

        @Override
        public List<Entry> scan(long startTokenExclusive, long endTokenInclusive, DecoratedKey after, int maxEntries) {
            return delegate.scan(startTokenExclusive, endTokenInclusive, after, maxEntries);
        }

        @Override
        public Stats stats() {
            return delegate.stats();
        }

        @Override
        public void flush() {
            delegate.flush();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    private void startCluster() {
        NodeConfig config = NodeConfig.builder().replicationFactor(3).numTokens(4).seeds(List.of(A)).build();
        long seed = 5;
        for (NodeId id : List.of(A, B, C)) {
            FailingStore store = new FailingStore();
            stores.put(id, store);
            nodes.put(id, new Node(id, config, time, time, (to, message) -> deliver(id, to, message),
                    new Random(seed++), store, new InMemoryStore(), event -> { }));
        }
        nodes.values().forEach(Node::start);
        time.advance(30 * SECOND);
        for (Node node : nodes.values()) {
            assertThat(node.state()).as("state of " + node.id()).isEqualTo(NodeState.NORMAL);
        }
    }

    private void deliver(NodeId from, NodeId to, Message message) {
        byte[] frame = MessageCodec.encodeFrame(from, message);
        Envelope envelope = MessageCodec.decodeFrame(ByteBuffer.wrap(frame, 4, frame.length - 4));
        time.schedule(500, () -> nodes.get(to).receive(envelope.from(), envelope.message()));
    }

    /** The answers to one request: the first within 10 ms of simulated time, then any until well after timeouts. */
    private List<ClientResult> answers(Consumer<Consumer<ClientResult>> request) {
        List<ClientResult> answers = new ArrayList<>();
        request.accept(answers::add);
        time.advance(10_000);
        assertThat(answers).as("answered within 10 ms (no timeout waited for)").isNotEmpty();
        time.advance(60 * SECOND);
        return answers;
    }

    private void putEverywhere() {
        List<ClientResult> put = answers(done -> nodes.get(A).put(KEY, "v".getBytes(StandardCharsets.UTF_8),
                ConsistencyLevel.ALL, 1_000, done));
        assertThat(put).singleElement().isInstanceOf(ClientResult.Written.class);
    }

    @Test
    void aLocalReadErrorAnswersTheClientOnce() {
        startCluster();
        putEverywhere();
        stores.get(A).failReads = true;
        List<ClientResult> all = answers(done -> nodes.get(A).get(KEY, ConsistencyLevel.ALL, done));
        assertThat(all).singleElement().isInstanceOfSatisfying(ClientResult.Failed.class,
                failed -> assertThat(failed.message()).contains("simulated read error").contains(A.toString()));
        // at QUORUM the failing local replica is replaced by the third one
        List<ClientResult> quorum = answers(done -> nodes.get(A).get(KEY, ConsistencyLevel.QUORUM, done));
        assertThat(quorum).singleElement().isInstanceOf(ClientResult.Found.class);
    }

    @Test
    void aReplicasReadErrorIsAnsweredNotLeftToTimeOut() {
        startCluster();
        putEverywhere();
        stores.get(B).failReads = true;
        List<ClientResult> all = answers(done -> nodes.get(A).get(KEY, ConsistencyLevel.ALL, done));
        assertThat(all).singleElement().isInstanceOfSatisfying(ClientResult.Failed.class,
                failed -> assertThat(failed.message()).contains("simulated read error").contains(B.toString()));
        stores.get(C).failReads = true;
        List<ClientResult> quorum = answers(done -> nodes.get(A).get(KEY, ConsistencyLevel.QUORUM, done));
        assertThat(quorum).singleElement().isInstanceOf(ClientResult.Failed.class);
        List<ClientResult> one = answers(done -> nodes.get(A).get(KEY, ConsistencyLevel.ONE, done));
        assertThat(one).singleElement().isInstanceOf(ClientResult.Found.class);
    }

    @Test
    void aReplicaThatAnsweredAWriteWithAnErrorGetsAHint() {
        startCluster();
        stores.get(B).failWrites = true;
        List<ClientResult> put = new ArrayList<>();
        nodes.get(A).put(KEY, "v".getBytes(StandardCharsets.UTF_8), ConsistencyLevel.QUORUM, 2_000, put::add);
        time.advance(10_000);
        assertThat(put).singleElement().isInstanceOf(ClientResult.Written.class);
        assertThat(nodes.get(A).status().hintsPending()).as("hint for " + B).isEqualTo(1);
        // once B's disk works again the hint replay brings it the write
        stores.get(B).failWrites = false;
        time.advance(60 * SECOND);
        assertThat(nodes.get(A).status().hintsPending()).isZero();
        assertThat(stores.get(B).read(StorageKeys.kv(KEY)).timestampMicros()).isEqualTo(2_000L);
    }
}
