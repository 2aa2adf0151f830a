package ringdb.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.Cell;
import ringdb.core.message.ReadRequest;
import ringdb.core.message.ReadResponse;

/**
 * The replica-set check of acknowledged QUORUM operations: a read answered by replicas none of which
 * held an earlier acknowledged write is named with both sets; one that met a copy (on a replica of
 * the write, or on a node the copy was streamed to) passes.
 */
class QuorumIntersectionTest {
    private static final NodeId N1 = NodeId.of("node1");
    private static final NodeId N2 = NodeId.of("node2");
    private static final NodeId N3 = NodeId.of("node3");
    private static final NodeId N4 = NodeId.of("node4");
    private static final byte[] KEY = "k".getBytes(StandardCharsets.UTF_8);

    private long now;
    private final History history = new History();
    private final QuorumIntersection quorums = new QuorumIntersection(() -> now);

    /** node2 coordinates a write acknowledged by node2 and node3 at timestamp 100. */
    private void writeAcknowledgedByNode2AndNode3() {
        now = 10;
        Operation put = history.invoke(Operation.Kind.PUT, "k", "v", ConsistencyLevel.QUORUM, N2, 0, now);
        Cell cell = Cell.value("v".getBytes(StandardCharsets.UTF_8), 100);
        quorums.onDurableWrite(now, N2, KEY, cell);
        quorums.onDurableWrite(now, N3, KEY, cell);
        now = 20;
        history.complete(put, new ClientResult.Written(100, 2, List.of(N2, N3)), now);
    }

    /** node4 coordinates a read answered by itself and node1 (request 7). */
    private void readThroughNode4AnsweredByNode1(ClientResult result) {
        now = 30;
        Operation get = history.invoke(Operation.Kind.GET, "k", null, ConsistencyLevel.QUORUM, N4, 0, now);
        quorums.onDelivered(N4, N1, new ReadRequest(7, KEY, 1));
        now = 31;
        quorums.onDelivered(N1, N4, new ReadResponse(7, null));
        now = 32;
        history.complete(get, result, now);
    }

    @Test
    void aReadWhoseReplicasHoldNoCopyOfAnEarlierWriteIsAViolationNamingBothSets() {
        writeAcknowledgedByNode2AndNode3();
        readThroughNode4AnsweredByNode1(new ClientResult.NotFound());
        List<String> violations = quorums.check(history);
        assertThat(violations).hasSize(1);
        assertThat(violations.get(0)).contains("answered by [node1, node4]").contains("acknowledged by [node2, node3]")
                .contains("held by [node2, node3]");
    }

    @Test
    void aReadThatMetACopyStreamedToANewReplicaPasses() {
        writeAcknowledgedByNode2AndNode3();
        now = 25;
        quorums.onDurableWrite(now, N1, KEY, Cell.value("v".getBytes(StandardCharsets.UTF_8), 100));
        readThroughNode4AnsweredByNode1(new ClientResult.Found("v".getBytes(StandardCharsets.UTF_8), 100));
        assertThat(quorums.check(history)).isEmpty();
    }

    @Test
    void aReadInvokedBeforeTheWriteWasAcknowledgedIsNotBoundByIt() {
        now = 5;
        Operation get = history.invoke(Operation.Kind.GET, "k", null, ConsistencyLevel.QUORUM, N4, 0, now);
        writeAcknowledgedByNode2AndNode3();
        now = 40;
        history.complete(get, new ClientResult.NotFound(), now);
        assertThat(quorums.check(history)).isEmpty();
    }
}
