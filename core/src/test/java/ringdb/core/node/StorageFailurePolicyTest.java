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
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.Cell;
import ringdb.core.health.CommitFailurePolicy;
import ringdb.core.health.DiskFailurePolicy;
import ringdb.core.health.StorageHealth;
import ringdb.core.message.Envelope;
import ringdb.core.message.Message;
import ringdb.core.message.MessageCodec;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.StorageKeys;
import ringdb.core.store.LocalStore;
import ringdb.core.store.StoreFailure;
import ringdb.core.testing.InMemoryStore;
import ringdb.core.testing.ManualTime;

/**
 * Three nodes (RF 3) on simulated time whose stores fail as a full or broken disk does, reporting
 * the failure as the storage engine does: each policy does what a Cassandra operator expects.
 */
class StorageFailurePolicyTest {
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");
    private static final NodeId C = NodeId.of("c");
    private static final long SECOND = 1_000_000L;
    private static final byte[] KEY = "k".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OTHER = "other".getBytes(StandardCharsets.UTF_8);

    private final ManualTime time = new ManualTime(1_700_000_000_000_000L);
    private final Map<NodeId, Node> nodes = new TreeMap<>();
    private final Map<NodeId, FailingStore> stores = new HashMap<>();
    private final List<NodeEvent> events = new ArrayList<>();

    /**
     * Delegates to an {@link InMemoryStore}; when told, its commit log fails every write, or a read
     * fails on a table (which quarantine takes away, with the data it held).
     */
    private static final class FailingStore implements LocalStore {
        private InMemoryStore delegate = new InMemoryStore();
        private Consumer<StoreFailure> listener = failure -> { };
        private boolean commitLogFailed;
        private String unreadableTable;
        private final List<String> quarantined = new ArrayList<>();

        @Override
        public void apply(byte[] key, Cell cell, Consumer<Throwable> onDurable) {
            if (commitLogFailed) {
                onDurable.accept(new IOException("No space left on device"));
                listener.accept(new StoreFailure(StoreFailure.Kind.COMMIT_LOG, null, "No space left on device"));
            } else {
                delegate.apply(key, cell, onDurable);
            }
        }

        @Override
        public Cell read(byte[] key) {
            if (unreadableTable != null) {
                listener.accept(new StoreFailure(StoreFailure.Kind.DATA_READ, unreadableTable, "checksum mismatch"));
                throw new UncheckedIOException(new IOException(unreadableTable + " checksum mismatch"));
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

        @Override
        public void onFailure(Consumer<StoreFailure> failureListener) {
            this.listener = failureListener;
        }

        @Override
        public boolean quarantine(String table, String reason) {
            if (!table.equals(unreadableTable)) {
                return false;
            }
            quarantined.add(table);
            unreadableTable = null;
            delegate = new InMemoryStore(); // the quarantined table held everything
            return true;
        }

        @Override
        public List<String> quarantinedTables() {
            return List.copyOf(quarantined);
        }
    }

    private void startCluster(UnaryOperator<NodeConfig.Builder> policies) {
        NodeConfig config = policies.apply(NodeConfig.builder().replicationFactor(3).numTokens(4).seeds(List.of(A)))
                .build();
        long seed = 11;
        for (NodeId id : List.of(A, B, C)) {
            FailingStore store = new FailingStore();
            stores.put(id, store);
            nodes.put(id, new Node(id, config, time, time, (to, message) -> deliver(id, to, message),
                    new Random(seed++), store, new InMemoryStore(), events::add));
        }
        nodes.values().forEach(Node::start);
        time.advance(30 * SECOND);
        for (Node node : nodes.values()) {
            assertThat(node.state()).as("state of " + node.id()).isEqualTo(NodeState.NORMAL);
        }
        put(A, KEY, ConsistencyLevel.ALL);
    }

    private void deliver(NodeId from, NodeId to, Message message) {
        byte[] frame = MessageCodec.encodeFrame(from, message);
        Envelope envelope = MessageCodec.decodeFrame(ByteBuffer.wrap(frame, 4, frame.length - 4));
        time.schedule(500, () -> nodes.get(to).receive(envelope.from(), envelope.message()));
    }

    /** The one answer to a request, given within 10 ms of simulated time (nothing waited for a timeout). */
    private ClientResult answer(Consumer<Consumer<ClientResult>> request) {
        List<ClientResult> answers = new ArrayList<>();
        request.accept(answers::add);
        time.advance(10_000);
        assertThat(answers).as("answered within 10 ms").hasSize(1);
        return answers.get(0);
    }

    private ClientResult put(NodeId via, byte[] key, ConsistencyLevel cl) {
        ClientResult result = answer(done -> nodes.get(via).put(key, "v".getBytes(StandardCharsets.UTF_8), cl,
                Node.COORDINATOR_TIMESTAMP, done));
        return result;
    }

    private ClientResult get(NodeId via, ConsistencyLevel cl) {
        return answer(done -> nodes.get(via).get(KEY, cl, done));
    }

    /** A's commit log fails under a write A coordinates. */
    private void failCommitLogOfA() {
        stores.get(A).commitLogFailed = true;
        put(A, OTHER, ConsistencyLevel.ONE); // answered at once: Failed, or Written by the other replicas
    }

    @Test
    void underStopACommitLogFailureStopsTheNodeAndPeersMarkItDownAndHintIt() {
        startCluster(builder -> builder);
        failCommitLogOfA();
        Node a = nodes.get(A);
        assertThat(a.isRunning()).isFalse();
        assertThat(a.storageHealth().state()).isEqualTo(StorageHealth.State.STOPPED);
        assertThat(a.storageHealth().reason()).contains("commit log failure").contains("No space left on device");
        assertThat(put(A, KEY, ConsistencyLevel.ONE)).isInstanceOfSatisfying(ClientResult.Failed.class,
                failed -> assertThat(failed.message()).contains("stopped serving").contains("No space left"));
        assertThat(get(A, ConsistencyLevel.ONE)).isInstanceOfSatisfying(ClientResult.Failed.class,
                failed -> assertThat(failed.message()).contains("stopped serving"));
        // the shutdown was announced in gossip: peers hold A down within a second, long before conviction
        time.advance(SECOND);
        assertThat(nodes.get(B).isAlive(A)).isFalse();
        assertThat(nodes.get(C).isAlive(A)).isFalse();
        assertThat(put(B, KEY, ConsistencyLevel.QUORUM)).isInstanceOf(ClientResult.Written.class);
        assertThat(nodes.get(B).status().hintsPending()).as("a hint for the stopped node").isEqualTo(1);
        assertThat(a.status().storageHealth().state()).isEqualTo(StorageHealth.State.STOPPED);
    }

    @Test
    void underStopCommitWritesAreRefusedAndHintedButReadsServed() {
        startCluster(builder -> builder.commitFailurePolicy(CommitFailurePolicy.STOP_COMMIT));
        failCommitLogOfA();
        Node a = nodes.get(A);
        assertThat(a.isRunning()).isTrue();
        assertThat(a.storageHealth().state()).isEqualTo(StorageHealth.State.WRITES_REFUSED);
        assertThat(put(A, KEY, ConsistencyLevel.ONE)).isInstanceOfSatisfying(ClientResult.Failed.class,
                failed -> assertThat(failed.message()).contains("writes are refused").contains("stop_commit"));
        assertThat(get(A, ConsistencyLevel.ONE)).isInstanceOf(ClientResult.Found.class);
        stores.get(A).commitLogFailed = false; // A refuses on its own now, whatever its store would do
        assertThat(put(B, KEY, ConsistencyLevel.QUORUM)).isInstanceOf(ClientResult.Written.class);
        assertThat(nodes.get(B).status().hintsPending()).as("A answered the write with an error").isEqualTo(1);
        time.advance(10 * SECOND);
        assertThat(nodes.get(B).isAlive(A)).as("A stays up for reads").isTrue();
    }

    @Test
    void underDieTheNodeStopsAnsweringAndAsksItsRuntimeToEndIt() {
        startCluster(builder -> builder.commitFailurePolicy(CommitFailurePolicy.DIE));
        failCommitLogOfA();
        assertThat(events).anySatisfy(event -> {
            assertThat(event.kind()).isEqualTo(NodeEvent.Kind.DIE);
            assertThat(event.node()).isEqualTo(A);
            assertThat(event.detail()).contains("No space left on device");
        });
        assertThat(nodes.get(A).isRunning()).isFalse();
        assertThat(get(A, ConsistencyLevel.ONE)).isInstanceOf(ClientResult.Failed.class);
    }

    @Test
    void underIgnoreTheNodeLogsAndKeepsServingReads() {
        startCluster(builder -> builder.commitFailurePolicy(CommitFailurePolicy.IGNORE));
        failCommitLogOfA();
        assertThat(nodes.get(A).isRunning()).isTrue();
        assertThat(nodes.get(A).storageHealth().state()).isEqualTo(StorageHealth.State.SERVING);
        assertThat(events).anyMatch(event -> event.kind() == NodeEvent.Kind.ERROR
                && event.detail().contains("commit_failure_policy ignore"));
        assertThat(get(A, ConsistencyLevel.ONE)).isInstanceOf(ClientResult.Found.class);
    }

    @Test
    void underBestEffortAnUnreadableTableIsQuarantinedAndTheRangesRepaired() {
        startCluster(builder -> builder.diskFailurePolicy(DiskFailurePolicy.BEST_EFFORT));
        stores.get(A).unreadableTable = "/data/tables/t-7.db";
        assertThat(get(A, ConsistencyLevel.ALL)).as("the read that found the damage fails")
                .isInstanceOf(ClientResult.Failed.class);
        Node a = nodes.get(A);
        assertThat(a.isRunning()).isTrue();
        assertThat(a.storageHealth().quarantinedTables()).containsExactly("/data/tables/t-7.db");
        assertThat(stores.get(A).delegate.read(StorageKeys.kv(KEY))).as("the data went with the table").isNull();
        time.advance(30 * SECOND);
        assertThat(events).anyMatch(event -> event.node().equals(A)
                && event.detail().startsWith("repair after table /data/tables/t-7.db quarantined done"));
        assertThat(stores.get(A).delegate.read(StorageKeys.kv(KEY))).as("repaired from the other replicas").isNotNull();
        assertThat(get(A, ConsistencyLevel.ALL)).isInstanceOf(ClientResult.Found.class);
    }

    @Test
    void underDiskStopAnUnreadableTableStopsTheNode() {
        startCluster(builder -> builder);
        stores.get(A).unreadableTable = "/data/tables/t-7.db";
        assertThat(get(A, ConsistencyLevel.ALL)).isInstanceOf(ClientResult.Failed.class);
        assertThat(nodes.get(A).isRunning()).isFalse();
        assertThat(nodes.get(A).storageHealth().reason()).contains("t-7.db").contains("checksum mismatch");
        assertThat(stores.get(A).quarantined).as("stop does not quarantine").isEmpty();
    }
}
