package ringdb.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.batchlog.Batchlog;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.Cell;
import ringdb.core.message.BatchMutationRequest;
import ringdb.core.message.BatchlogStore;
import ringdb.core.message.Message;
import ringdb.core.message.MutationRequest;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;

/**
 * Logged batches on three real nodes (RF 3) over a hand-driven network that encodes every message:
 * the batch goes to the batch log of the two other nodes before its partitions are written, the
 * holders forget it once it was applied, and when the coordinator dies between the two they replay
 * it themselves, after a restart too.
 */
class LoggedBatchTest extends HandDrivenThreeNodes {
    private static final long WRITE_TIMEOUT = 2 * SECOND;

    private final List<Message> batchlogStores = new ArrayList<>();
    private boolean dropWritesFromA;

    @Override
    NodeConfig.Builder configure(NodeConfig.Builder settings) {
        return settings.writeTimeoutMicros(WRITE_TIMEOUT);
    }

    @Override
    boolean carries(NodeId from, NodeId to, Message message) {
        if (dropWritesFromA && from.equals(A)
                && (message instanceof BatchMutationRequest || message instanceof MutationRequest)) {
            return false;
        }
        if (message instanceof BatchlogStore) {
            batchlogStores.add(message);
        }
        return true;
    }

    private Batchlog.Result logged(NodeId coordinator, List<List<LocalStore.Entry>> partitions) {
        return logged(coordinator, partitions, ConsistencyLevel.QUORUM);
    }

    private Batchlog.Result logged(NodeId coordinator, List<List<LocalStore.Entry>> partitions,
                                   ConsistencyLevel cl) {
        Batchlog.Result[] result = new Batchlog.Result[1];
        nodes.get(coordinator).mutateLogged(partitions, cl, answer -> result[0] = answer);
        for (int i = 0; i < 10_000 && result[0] == null; i++) {
            time.advance(100);
        }
        assertThat(result[0]).as("answered").isNotNull();
        return result[0];
    }

    private static LocalStore.Entry entry(long token, String key, String value, long micros) {
        return new LocalStore.Entry(new DecoratedKey(token, key.getBytes(StandardCharsets.UTF_8)),
                Cell.value(value.getBytes(StandardCharsets.UTF_8), micros));
    }

    private static List<List<LocalStore.Entry>> twoPartitions() {
        return List.of(List.of(entry(111, "p1/a", "1", 10), entry(111, "p1/b", "2", 10)),
                List.of(entry(-222, "p2/a", "3", 10)));
    }

    private boolean holds(NodeId node, long token, String key) {
        Cell cell = stores.get(node).cells().get(new DecoratedKey(token, key.getBytes(StandardCharsets.UTF_8)));
        return cell != null && cell.timestampMicros() == 10;
    }

    private boolean holdsTheBatch(NodeId node) {
        return holds(node, 111, "p1/a") && holds(node, 111, "p1/b") && holds(node, -222, "p2/a");
    }

    private void advanceUntil(java.util.function.BooleanSupplier condition, long maxMicros) {
        for (long waited = 0; waited < maxMicros && !condition.getAsBoolean(); waited += 100_000) {
            time.advance(100_000);
        }
    }

    @Test
    void aLoggedBatchGoesToTheOtherNodesLogsFirstAndIsForgottenOnceApplied() {
        startThree();
        Batchlog.Result result = logged(A, twoPartitions());
        assertThat(result.logWritten()).isTrue();
        assertThat(result.result()).isInstanceOf(ClientResult.Written.class);
        assertThat(batchlogStores).hasSize(2);
        advanceUntil(() -> nodes.get(B).batchlogHeldCount() == 0 && nodes.get(C).batchlogHeldCount() == 0, SECOND);
        for (NodeId id : List.of(A, B, C)) {
            assertThat(nodes.get(id).batchlogHeldCount()).as("batches held by %s", id).isZero();
            assertThat(holdsTheBatch(id)).as("%s holds every partition", id).isTrue();
        }
        time.advance(3 * WRITE_TIMEOUT);
        assertThat(nodes.get(B).batchlogReplayedCount() + nodes.get(C).batchlogReplayedCount()).isZero();
        assertThat(nodes.get(A).batchlogFigures()).isEqualTo(new Batchlog.Figures(1, 0, 0, 0, 0, 0, 0));
        for (NodeId holder : List.of(B, C)) {
            assertThat(nodes.get(holder).batchlogFigures()).as("figures of %s", holder)
                    .isEqualTo(new Batchlog.Figures(0, 0, 0, 1, 0, 0, 0));
        }
    }

    @Test
    void aBatchWhoseReplicasAliveCannotMeetItsLevelIsRefusedBeforeAnythingIsLoggedOrWritten() {
        startThree();
        nodes.get(C).stop();
        advanceUntil(() -> !nodes.get(A).isAlive(C), 30 * SECOND);
        assertThat(nodes.get(A).isAlive(C)).isFalse();
        Batchlog.Result result = logged(A, twoPartitions(), ConsistencyLevel.ALL);
        assertThat(result.logWritten()).isFalse();
        assertThat(result.result()).isEqualTo(new ClientResult.Unavailable(ConsistencyLevel.ALL, 3, 2));
        assertThat(batchlogStores).as("no batch log write was sent").isEmpty();
        time.advance(3 * WRITE_TIMEOUT);
        for (NodeId id : List.of(A, B)) {
            assertThat(nodes.get(id).batchlogHeldCount()).as("batches held by %s", id).isZero();
            assertThat(holds(id, 111, "p1/a") || holds(id, -222, "p2/a")).as("%s holds a partition", id).isFalse();
        }
        assertThat(nodes.get(A).batchlogFigures().refused()).isEqualTo(1);
        assertThat(nodes.get(A).batchlogFigures().logged()).isZero();
        // the same batch at QUORUM goes through with one replica down
        Batchlog.Result quorum = logged(A, twoPartitions(), ConsistencyLevel.QUORUM);
        assertThat(quorum.logWritten()).isTrue();
        assertThat(quorum.result()).isInstanceOf(ClientResult.Written.class);
    }

    @Test
    void aBatchWhoseCoordinatorDiesAfterTheLogWriteIsReplayedByAHolderEvenAfterItRestarted() {
        startThree();
        dropWritesFromA = true;
        Batchlog.Result[] result = new Batchlog.Result[1];
        nodes.get(A).mutateLogged(twoPartitions(), ConsistencyLevel.QUORUM, answer -> result[0] = answer);
        advanceUntil(() -> nodes.get(B).batchlogHeldCount() == 1 && nodes.get(C).batchlogHeldCount() == 1, SECOND);
        assertThat(nodes.get(B).batchlogHeldCount()).isEqualTo(1);
        assertThat(nodes.get(C).batchlogHeldCount()).isEqualTo(1);
        // the coordinator dies before any partition reached a replica; c goes too; b restarts
        nodes.get(A).stop();
        nodes.get(C).stop();
        assertThat(holdsTheBatch(B)).isFalse();
        assertThat(holdsTheBatch(C)).isFalse();
        nodes.get(B).stop();
        add(B);
        assertThat(nodes.get(B).batchlogHeldCount()).as("the entry survived the restart").isEqualTo(1);
        advanceUntil(() -> nodes.get(B).batchlogReplayedCount() == 1, 10 * WRITE_TIMEOUT);
        assertThat(nodes.get(B).batchlogReplayedCount()).isEqualTo(1);
        assertThat(nodes.get(B).batchlogHeldCount()).isZero();
        assertThat(holdsTheBatch(B)).as("every statement of the batch applied").isTrue();
        assertThat(nodes.get(B).batchlogFigures().replayed()).isEqualTo(1);
        assertThat(nodes.get(B).batchlogFigures().held()).isZero();
    }

    @Test
    void withNoOtherNodeAliveTheBatchLogRefusesAndNothingIsWritten() {
        startThree();
        nodes.get(B).stop();
        nodes.get(C).stop();
        advanceUntil(() -> !nodes.get(A).isAlive(B) && !nodes.get(A).isAlive(C), 30 * SECOND);
        Batchlog.Result result = logged(A, twoPartitions());
        assertThat(result.logWritten()).isFalse();
        assertThat(result.result()).isEqualTo(new ClientResult.Unavailable(ConsistencyLevel.QUORUM, 2, 1));
        assertThat(holdsTheBatch(A)).isFalse();
        // at ONE the partitions could be written, but no other node is alive to hold the batch
        Batchlog.Result one = logged(A, twoPartitions(), ConsistencyLevel.ONE);
        assertThat(one.logWritten()).isFalse();
        assertThat(one.result()).isEqualTo(new ClientResult.Unavailable(ConsistencyLevel.ONE, 1, 0));
        assertThat(holdsTheBatch(A)).isFalse();
        assertThat(batchlogStores).isEmpty();
        assertThat(nodes.get(A).batchlogFigures().refused()).isEqualTo(2);
    }
}
