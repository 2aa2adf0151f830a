package ringdb.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.node.NodeEvent;
import ringdb.core.ring.StorageKeys;
import ringdb.core.ring.Partitioner;

class SimClusterTest {
    private static final long SECOND_MICROS = 1_000_000;
    private static final NodeId NODE1 = NodeId.of("node1");
    private static final NodeId NODE2 = NodeId.of("node2");
    private static final NodeId NODE3 = NodeId.of("node3");

    private static SimCluster settledCluster(long seed) {
        SimCluster cluster = SimCluster.builder().seed(seed).nodes(3).build();
        cluster.runFor(5 * SECOND_MICROS);
        return cluster;
    }

    @Test
    void aWriteAcknowledgedAtQuorumIsReadBackFromAnyCoordinator() {
        try (SimCluster cluster = settledCluster(11)) {
            ClientResult written = cluster.runUntil(cluster.put(NODE1, "apple", "red", ConsistencyLevel.QUORUM),
                    5 * SECOND_MICROS);
            assertThat(written).isInstanceOf(ClientResult.Written.class);

            for (NodeId coordinator : cluster.nodeIds()) {
                ClientResult read = cluster.runUntil(cluster.get(coordinator, "apple", ConsistencyLevel.QUORUM),
                        5 * SECOND_MICROS);
                assertThat(read).isInstanceOf(ClientResult.Found.class);
                assertThat(new String(((ClientResult.Found) read).value(), StandardCharsets.UTF_8)).isEqualTo("red");
            }
            assertThat(cluster.unhandledExceptions()).isEmpty();
        }
    }

    @Test
    void aCrashedNodeComesBackWithItsAcknowledgedWritesFromDisk() {
        try (SimCluster cluster = settledCluster(12)) {
            byte[] key = "banana".getBytes(StandardCharsets.UTF_8);
            cluster.runUntil(cluster.put(NODE1, "banana", "yellow", ConsistencyLevel.ALL), 5 * SECOND_MICROS);
            NodeId replica = cluster.node(NODE1).ring().replicasFor(Partitioner.SHA1, key).get(0);

            cluster.fail(replica);
            assertThat(cluster.isAlive(replica)).isFalse();
            assertThatThrownBy(() -> cluster.node(replica)).hasMessageContaining("is down");
            cluster.runFor(2 * SECOND_MICROS);
            cluster.recover(replica);

            assertThat(cluster.incarnation(replica)).isEqualTo(2);
            assertThat(cluster.store(replica).read(StorageKeys.kv(key))).as("replayed from the commit log").isNotNull();
            assertThat(cluster.unhandledExceptions()).isEmpty();
        }
    }

    @Test
    void requestsACrashedCoordinatorHeldCompleteAsFailed() {
        try (SimCluster cluster = settledCluster(13)) {
            SimFuture<ClientResult> put = cluster.put(NODE2, "cherry", "dark", ConsistencyLevel.ALL);
            cluster.fail(NODE2);

            assertThat(put.isDone()).isTrue();
            assertThat(put.get()).isInstanceOf(ClientResult.Failed.class);
            assertThat(((ClientResult.Failed) put.get()).message()).contains("node2 crashed");
            assertThat(cluster.put(NODE2, "x", "y", ConsistencyLevel.ONE).get())
                    .isInstanceOf(ClientResult.Failed.class);
        }
    }

    @Test
    void anInvalidRequestIsAnsweredAndNeverLeftPending() {
        try (SimCluster cluster = settledCluster(17)) {
            SimFuture<ClientResult> empty = cluster.put(NODE1, new byte[0], new byte[] {1}, ConsistencyLevel.ONE);
            ClientResult result = cluster.runUntil(empty, SECOND_MICROS);

            assertThat(result).isInstanceOfAny(ClientResult.Invalid.class, ClientResult.Failed.class);
            assertThat(cluster.runUntil(cluster.get(NODE1, "after", ConsistencyLevel.ONE), 5 * SECOND_MICROS))
                    .as("the node keeps serving").isInstanceOf(ClientResult.NotFound.class);
        }
    }

    @Test
    void anUnfinishedFutureCannotBeReadAndRunUntilGivesUpAtItsBound() {
        try (SimCluster cluster = settledCluster(14)) {
            cluster.network().partition(Set.of(NODE1), Set.of(NODE2, NODE3));
            cluster.runFor(30 * SECOND_MICROS);
            SimFuture<ClientResult> put = cluster.put(NODE1, "k", "v", ConsistencyLevel.ONE);
            if (!put.isDone()) {
                assertThatThrownBy(put::get).hasMessageContaining("not completed");
            }
            ClientResult result = cluster.runUntil(put, 10 * SECOND_MICROS);
            assertThat(result).isNotNull();
            long before = cluster.nowMicros();
            SimFuture<Object> never = new SimFuture<>();
            assertThatThrownBy(() -> cluster.runUntil(never, SECOND_MICROS)).hasMessageContaining("seed 14");
            assertThat(cluster.nowMicros()).isEqualTo(before + SECOND_MICROS);
        }
    }

    @Test
    void listenersSeeNodeEventsAndMessages() {
        List<NodeEvent> events = new ArrayList<>();
        List<MessageEvent> messages = new ArrayList<>();
        try (SimCluster cluster = SimCluster.builder().seed(15).nodes(3).build()) {
            cluster.addListener(new SimListener() {
                @Override
                public void onNodeEvent(NodeEvent event) {
                    events.add(event);
                }

                @Override
                public void onMessage(MessageEvent event) {
                    messages.add(event);
                }
            });
            cluster.runFor(5 * SECOND_MICROS);
            cluster.fail(NODE3);
            cluster.runFor(30 * SECOND_MICROS);
        }
        assertThat(messages).extracting(MessageEvent::outcome).contains(MessageEvent.Outcome.DELIVERED);
        assertThat(events).anyMatch(e -> e.kind() == NodeEvent.Kind.PEER_DOWN && NODE3.equals(e.subject()));
    }

    @Test
    void clockSkewBeyondTheBoundRaisesAnAlarmAndTimestampsStillIncrease() {
        try (SimCluster cluster = SimCluster.builder().seed(16).nodes(3).clockSkewBoundMicros(200_000).build()) {
            cluster.runFor(5 * SECOND_MICROS);
            ClientResult.Written first = (ClientResult.Written) cluster.runUntil(
                    cluster.put(NODE1, "k", "v1", ConsistencyLevel.ONE), 5 * SECOND_MICROS);
            cluster.clock(NODE1).jump(-3 * SECOND_MICROS);
            ClientResult.Written second = (ClientResult.Written) cluster.runUntil(
                    cluster.put(NODE1, "k", "v2", ConsistencyLevel.ONE), 5 * SECOND_MICROS);
            cluster.runFor(SECOND_MICROS);

            assertThat(second.timestampMicros()).isGreaterThan(first.timestampMicros());
            assertThat(cluster.clockSkewAlarms()).hasSize(1);
            assertThat(cluster.clockSkewAlarms().get(0).behind()).isEqualTo(NODE1);
            assertThat(cluster.clockSkewMicros()).isEqualTo(3 * SECOND_MICROS);
        }
    }

    @Test
    void theSameSeedReplaysTheSameRun() {
        assertThat(traceOf(21)).isEqualTo(traceOf(21)).isNotEqualTo(traceOf(22));
    }

    private static long traceOf(long seed) {
        try (SimCluster cluster = SimCluster.builder().seed(seed).nodes(4).build()) {
            cluster.network().setDropProbability(0.05);
            cluster.runFor(3 * SECOND_MICROS);
            for (int i = 0; i < 20; i++) {
                cluster.put(cluster.nodeIds().get(i % 4), "key" + i, "value" + i, ConsistencyLevel.QUORUM);
            }
            cluster.runFor(5 * SECOND_MICROS);
            return cluster.traceHash();
        }
    }
}
