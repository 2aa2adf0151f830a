package ringdb.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.Cell;

class ConsistencyCheckerTest {
    private static final NodeId N1 = NodeId.of("node1");
    private static final NodeId N2 = NodeId.of("node2");
    private static final ConsistencyLevel QUORUM = ConsistencyLevel.QUORUM;
    private static final ConsistencyLevel ONE = ConsistencyLevel.ONE;

    private final History history = new History();

    private Operation put(String key, String value, ConsistencyLevel cl, long invoke, long complete, long timestamp) {
        Operation op = history.invoke(Operation.Kind.PUT, key, value, cl, N1, 1, invoke);
        history.complete(op, new ClientResult.Written(timestamp, 2), complete);
        return op;
    }

    private Operation delete(String key, ConsistencyLevel cl, long invoke, long complete, long timestamp) {
        Operation op = history.invoke(Operation.Kind.DELETE, key, null, cl, N1, 1, invoke);
        history.complete(op, new ClientResult.Written(timestamp, 2), complete);
        return op;
    }

    private void get(String key, ConsistencyLevel cl, long invoke, long complete, ClientResult result) {
        Operation op = history.invoke(Operation.Kind.GET, key, null, cl, N2, 1, invoke);
        history.complete(op, result, complete);
    }

    private static ClientResult.Found found(String value, long timestamp) {
        return new ClientResult.Found(value.getBytes(StandardCharsets.UTF_8), timestamp);
    }

    private static Cell cell(String value, long timestamp) {
        return Cell.value(value.getBytes(StandardCharsets.UTF_8), timestamp);
    }

    private static Map<String, Map<NodeId, Cell>> replicas(String key, Cell first, Cell second) {
        Map<NodeId, Cell> cells = new LinkedHashMap<>();
        cells.put(N1, first);
        cells.put(N2, second);
        return Map.of(key, cells);
    }

    @Test
    void aCorrectHistoryHasNoViolations() {
        put("k", "v1", QUORUM, 0, 10, 100);
        get("k", QUORUM, 20, 30, found("v1", 100));
        put("k", "v2", QUORUM, 40, 50, 200);
        get("k", ONE, 60, 70, found("v1", 100)); // a stale read at ONE is allowed
        delete("k", QUORUM, 80, 90, 300);
        get("k", QUORUM, 100, 110, new ClientResult.NotFound());

        assertThat(ConsistencyChecker.checkHistory(history)).isEmpty();
        assertThat(ConsistencyChecker.checkFinalState(history, replicas("k", Cell.tombstone(300), Cell.tombstone(300))))
                .isEmpty();
    }

    @Test
    void findsAValueNoClientWrote() {
        put("k", "v1", ONE, 0, 10, 100);
        get("k", ONE, 20, 30, found("ghost", 150));

        assertThat(ConsistencyChecker.checkHistory(history)).singleElement().asString().startsWith("invented value");
    }

    @Test
    void findsAValueReadWithAnotherTimestampThanItWasWrittenWith() {
        put("k", "v1", ONE, 0, 10, 100);
        get("k", ONE, 20, 30, found("v1", 101));

        assertThat(ConsistencyChecker.checkHistory(history)).singleElement().asString().startsWith("wrong timestamp");
    }

    @Test
    void findsAStaleQuorumReadAfterAnAcknowledgedQuorumWrite() {
        put("k", "v1", QUORUM, 0, 10, 100);
        put("k", "v2", QUORUM, 20, 30, 200);
        get("k", QUORUM, 40, 50, found("v1", 100));

        assertThat(ConsistencyChecker.checkHistory(history)).singleElement().asString().startsWith("stale quorum read");
    }

    @Test
    void aQuorumReadConcurrentWithTheWriteMayMissIt() {
        put("k", "v1", QUORUM, 0, 10, 100);
        put("k", "v2", QUORUM, 20, 45, 200);
        get("k", QUORUM, 40, 50, found("v1", 100));

        assertThat(ConsistencyChecker.checkHistory(history)).isEmpty();
    }

    @Test
    void findsAQuorumReadMissingAWriteThatNoDeleteHid() {
        put("k", "v1", QUORUM, 0, 10, 100);
        get("k", QUORUM, 20, 30, new ClientResult.NotFound());

        assertThat(ConsistencyChecker.checkHistory(history)).singleElement().asString().startsWith("stale quorum read");
    }

    @Test
    void findsCoordinatorTimestampsGoingBackwards() {
        put("a", "v1", ONE, 0, 10, 500);
        put("b", "v2", ONE, 20, 30, 400);

        assertThat(ConsistencyChecker.checkHistory(history)).singleElement().asString()
                .startsWith("timestamps went backwards on node1");
    }

    @Test
    void findsALostAcknowledgedWrite() {
        put("k", "v1", QUORUM, 0, 10, 100);
        put("k", "v2", QUORUM, 20, 30, 200);

        assertThat(ConsistencyChecker.checkFinalState(history, replicas("k", cell("v1", 100), cell("v1", 100))))
                .singleElement().asString().startsWith("acknowledged write lost");
    }

    @Test
    void findsAResurrectedDelete() {
        put("k", "v1", QUORUM, 0, 10, 100);
        delete("k", QUORUM, 20, 30, 200);

        assertThat(ConsistencyChecker.checkFinalState(history, replicas("k", cell("v1", 100), cell("v1", 100))))
                .singleElement().asString().startsWith("deleted key resurrected");
    }

    @Test
    void findsDivergedReplicasAndKeysNoClientWrote() {
        put("k", "v1", ONE, 0, 10, 100);
        put("k", "v2", ONE, 20, 30, 200);
        Map<String, Map<NodeId, Cell>> cells = new LinkedHashMap<>(replicas("k", cell("v2", 200), cell("v1", 100)));
        cells.putAll(replicas("stranger", cell("x", 5), cell("x", 5)));

        assertThat(ConsistencyChecker.checkFinalState(history, cells))
                .anyMatch(v -> v.startsWith("replicas diverged on k"))
                .anyMatch(v -> v.startsWith("invented key: replicas hold stranger"));
    }

    @Test
    void anAllowedLossExcusesOnlyTheOneWritesItNames() {
        Operation quorum = put("k", "v1", QUORUM, 0, 10, 100);
        Operation one = put("k", "v2", ONE, 20, 30, 200);
        Operation otherOne = put("k", "v3", ONE, 40, 50, 300);
        Map<String, Map<NodeId, Cell>> cells = replicas("k", null, null);
        List<Operation> asked = new ArrayList<>();

        assertThat(ConsistencyChecker.checkFinalState(history, cells, true, write -> {
            asked.add(write);
            return write == one || write == quorum;
        })).hasSize(2).anyMatch(v -> v.contains(quorum.toString())).anyMatch(v -> v.contains(otherOne.toString()));
        assertThat(asked).containsExactly(one, otherOne);
    }

    @Test
    void onlyQuorumWritesCountWhenAskedTo() {
        put("k", "v1", QUORUM, 0, 10, 100);
        put("k", "v2", ONE, 20, 30, 200);
        Map<String, Map<NodeId, Cell>> cells = replicas("k", cell("v1", 100), cell("v1", 100));

        assertThat(ConsistencyChecker.checkFinalState(history, cells, false)).isEmpty();
        assertThat(ConsistencyChecker.checkFinalState(history, cells, true)).hasSize(1);
    }
}
