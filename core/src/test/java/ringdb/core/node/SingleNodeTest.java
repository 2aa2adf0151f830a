package ringdb.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.Limits;
import ringdb.core.message.Message;
import ringdb.core.testing.InMemoryStore;
import ringdb.core.testing.ManualTime;

/** One node alone (RF 1): coordinator stamping, validation, local reads, status. */
class SingleNodeTest {
    private final ManualTime time = new ManualTime(1_000_000_000L);
    private final List<Message> sent = new ArrayList<>();
    private final List<NodeEvent> events = new ArrayList<>();
    private final InMemoryStore data = new InMemoryStore();
    private final InMemoryStore hintsStore = new InMemoryStore();

    private Node startNode() {
        Node node = new Node(NodeId.of("solo"), NodeConfig.builder().replicationFactor(1).build(), time, time,
                (to, message) -> sent.add(message), new Random(7), data, hintsStore, events::add);
        node.start();
        return node;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static ClientResult call(Consumer<Consumer<ClientResult>> request) {
        ClientResult[] result = new ClientResult[1];
        request.accept(answer -> {
            assertThat(result[0]).as("answered twice").isNull();
            result[0] = answer;
        });
        assertThat(result[0]).as("answered").isNotNull();
        return result[0];
    }

    @Property(tries = 50)
    void coordinatorTimestampsStrictlyIncreaseWhateverTheClockDoes(
            @ForAll @Size(min = 1, max = 40) List<@LongRange(min = -5_000_000, max = 5_000_000) Long> clockJumps) {
        Node node = startNode();
        long last = Long.MIN_VALUE;
        for (long jump : clockJumps) {
            time.setNow(time.nowMicros() + jump);
            ClientResult result = call(done -> node.put(utf8("k"), utf8("v"), ConsistencyLevel.ONE,
                    Node.COORDINATOR_TIMESTAMP, done));
            long stamped = ((ClientResult.Written) result).timestampMicros();
            assertThat(stamped).isGreaterThan(last).isGreaterThanOrEqualTo(time.nowMicros());
            last = stamped;
        }
    }

    @Test
    void writesReadBackAndDeletesReadAsNotFound() {
        Node node = startNode();
        assertThat(call(done -> node.put(utf8("k"), utf8("v1"), ConsistencyLevel.ALL, 10, done)))
                .isEqualTo(new ClientResult.Written(10, 1, List.of(NodeId.of("solo"))));
        assertThat(call(done -> node.get(utf8("k"), ConsistencyLevel.ONE, done)))
                .isEqualTo(new ClientResult.Found(utf8("v1"), 10));
        // an older client timestamp loses against the newer value
        call(done -> node.put(utf8("k"), utf8("old"), ConsistencyLevel.ONE, 5, done));
        assertThat(call(done -> node.get(utf8("k"), ConsistencyLevel.ONE, done)))
                .isEqualTo(new ClientResult.Found(utf8("v1"), 10));
        call(done -> node.delete(utf8("k"), ConsistencyLevel.ONE, 11, done));
        assertThat(call(done -> node.get(utf8("k"), ConsistencyLevel.ONE, done)))
                .isEqualTo(new ClientResult.NotFound());
        assertThat(call(done -> node.get(utf8("never"), ConsistencyLevel.QUORUM, done)))
                .isEqualTo(new ClientResult.NotFound());
    }

    @Test
    void badRequestsAreRefusedWithAClearMessageAndWriteNothing() {
        Node node = startNode();
        ClientResult empty = call(done -> node.put(new byte[0], utf8("v"), ConsistencyLevel.ONE, 1, done));
        assertThat(empty).isEqualTo(new ClientResult.Invalid("key must not be empty"));
        ClientResult big = call(done -> node.put(utf8("k"), new byte[Limits.VALUE_SIZE_BYTES_DEFAULT + 1],
                ConsistencyLevel.ONE, 1, done));
        assertThat(((ClientResult.Invalid) big).message()).contains("limit is 1048576 bytes");
        ClientResult bigKey = call(done -> node.get(new byte[Limits.KEY_SIZE_BYTES_MAX + 1], ConsistencyLevel.ONE,
                done));
        assertThat(bigKey).isInstanceOf(ClientResult.Invalid.class);
        assertThat(data.applyCount()).isZero();
    }

    @Test
    void clientTimestampsTooFarAheadOfTheClockAreRefused() {
        Node node = startNode();
        long day = 24L * 3600 * 1_000_000L;
        ClientResult nearMax = call(done -> node.put(utf8("k"), utf8("v"), ConsistencyLevel.ONE,
                Long.MAX_VALUE - 1, done));
        assertThat(nearMax).isInstanceOfSatisfying(ClientResult.Invalid.class, invalid -> assertThat(invalid.message())
                .contains("timestamp " + (Long.MAX_VALUE - 1) + " is more than " + day + " microseconds ahead"));
        ClientResult deleteAhead = call(done -> node.delete(utf8("k"), ConsistencyLevel.ONE,
                time.nowMicros() + day + 1, done));
        assertThat(deleteAhead).isInstanceOf(ClientResult.Invalid.class);
        assertThat(data.applyCount()).isZero();
        // up to the bound ahead, and anything in the past, is accepted
        assertThat(call(done -> node.put(utf8("k"), utf8("v"), ConsistencyLevel.ONE, time.nowMicros() + day, done)))
                .isInstanceOf(ClientResult.Written.class);
        assertThat(call(done -> node.put(utf8("k2"), utf8("v"), ConsistencyLevel.ONE, Long.MIN_VALUE + 1, done)))
                .isInstanceOf(ClientResult.Written.class);
    }

    @Test
    void aStoppedNodeRefusesRequestsAndAnnouncesItsStop() {
        Node node = startNode();
        node.stop();
        assertThat(call(done -> node.get(utf8("k"), ConsistencyLevel.ONE, done)))
                .isInstanceOf(ClientResult.Failed.class);
        assertThat(events).extracting(NodeEvent::kind).contains(NodeEvent.Kind.STARTED, NodeEvent.Kind.STOPPED);
        assertThat(node.status().state()).isEqualTo(NodeState.DOWN);
    }

    @Test
    void aRestartGetsAStrictlyGreaterGenerationEvenWithTheClockBehind() {
        Node first = startNode();
        long generation = first.generation();
        first.stop();
        time.setNow(time.nowMicros() - 60_000_000L);
        Node second = new Node(NodeId.of("solo"), NodeConfig.builder().replicationFactor(1).build(), time, time,
                (to, message) -> sent.add(message), new Random(8), data, hintsStore, events::add);
        second.start();
        assertThat(second.generation()).isGreaterThan(generation);
    }

    @Test
    void aLoneNodeFinishesRecoveryAndReportsStatus() {
        Node node = startNode();
        node.setLocalApplicationState("http", "127.0.0.1:8080");
        time.advance(NodeConfig.defaults().recoveryDelayMicros() + 1);
        NodeStatus status = node.status();
        assertThat(status.recoveryDone()).isTrue();
        assertThat(status.state()).isEqualTo(NodeState.NORMAL);
        assertThat(status.tokens()).hasSize(16);
        assertThat(status.applicationStates()).containsEntry("http", "127.0.0.1:8080")
                .containsEntry("STATUS", "NORMAL");
        assertThat(node.ring().members()).containsExactly(NodeId.of("solo"));
        assertThat(events).extracting(NodeEvent::kind).contains(NodeEvent.Kind.RECOVERY_DONE);
    }
}
