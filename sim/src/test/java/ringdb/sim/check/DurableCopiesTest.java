package ringdb.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.Cell;

class DurableCopiesTest {
    private static final NodeId N1 = NodeId.of("node1");
    private static final NodeId N2 = NodeId.of("node2");
    private static final NodeId N3 = NodeId.of("node3");
    private static final byte[] KEY = "k".getBytes(StandardCharsets.UTF_8);

    private final History history = new History();
    private final DurableCopies copies = new DurableCopies();

    private Operation deleteAtOne(NodeId coordinator, long timestamp) {
        return deleteAtOne(coordinator, timestamp, coordinator);
    }

    private Operation deleteAtOne(NodeId coordinator, long timestamp, NodeId acknowledgedBy) {
        Operation delete = history.invoke(Operation.Kind.DELETE, "k", null, ConsistencyLevel.ONE, coordinator, 1, 0);
        history.complete(delete, new ClientResult.Written(timestamp, 1, List.of(acknowledgedBy)), 10);
        return delete;
    }

    @Test
    void recordsEveryNodeThatHeldAVersionOnce() {
        copies.onDurableWrite(1, N2, KEY, Cell.tombstone(100));
        copies.onDurableWrite(2, N1, KEY, Cell.tombstone(100));
        copies.onDurableWrite(3, N2, KEY, Cell.tombstone(100));
        copies.onDurableWrite(4, N3, KEY, Cell.tombstone(101));

        assertThat(copies.holders("k", Cell.tombstone(100))).containsExactlyInAnyOrder(N1, N2);
        assertThat(copies.holders("k", Cell.value(new byte[] {1}, 100))).isEmpty();
        assertThat(copies.holders("other", Cell.tombstone(100))).isEmpty();
    }

    @Test
    void aLossIsAllowedOnlyWhenEveryHolderAndTheCoordinatorWereRemoved() {
        Predicate<Operation> allowed = copies.lostWithRemovedNodes(Set.of(N1, N2)::contains);
        Operation onlyOnRemoved = deleteAtOne(N1, 100);
        copies.onDurableWrite(1, N1, KEY, Cell.tombstone(100));
        copies.onDurableWrite(2, N2, KEY, Cell.tombstone(100));
        Operation alsoOnAMember = deleteAtOne(N1, 200);
        copies.onDurableWrite(3, N1, KEY, Cell.tombstone(200));
        copies.onDurableWrite(4, N3, KEY, Cell.tombstone(200));
        Operation coordinatorStayed = deleteAtOne(N3, 300);
        copies.onDurableWrite(5, N1, KEY, Cell.tombstone(300));
        Operation neverSeenDurable = deleteAtOne(N1, 400);
        Operation acknowledgedByAMember = deleteAtOne(N1, 500, N3);
        copies.onDurableWrite(6, N1, KEY, Cell.tombstone(500));
        Operation acknowledgersUnknown =
                history.invoke(Operation.Kind.DELETE, "k", null, ConsistencyLevel.ONE, N1, 1, 0);
        history.complete(acknowledgersUnknown, new ClientResult.Written(600, 1), 10);
        copies.onDurableWrite(7, N1, KEY, Cell.tombstone(600));

        assertThat(allowed.test(onlyOnRemoved)).isTrue();
        assertThat(allowed.test(alsoOnAMember)).isFalse();
        assertThat(allowed.test(coordinatorStayed)).as("its hints may have been on the coordinator").isFalse();
        assertThat(allowed.test(neverSeenDurable)).isFalse();
        assertThat(allowed.test(acknowledgedByAMember)).as("a member acknowledged it without keeping it").isFalse();
        assertThat(allowed.test(acknowledgersUnknown)).isFalse();
    }
}
