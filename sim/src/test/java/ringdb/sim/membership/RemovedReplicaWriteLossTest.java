package ringdb.sim.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.Cell;
import ringdb.core.node.NodeConfig;
import ringdb.core.ring.StorageKeys;
import ringdb.sim.SimCluster;
import ringdb.sim.check.ConsistencyChecker;
import ringdb.sim.check.DurableCopies;
import ringdb.sim.check.History;
import ringdb.sim.check.KeyModel;
import ringdb.sim.check.Operation;
import ringdb.sim.run.ClusterState;
import ringdb.core.ring.Partitioner;

/**
 * A delete acknowledged at ONE by its coordinator's own replica alone, whose coordinator then
 * dies and is removed with removenode: removenode copies the dead node's ranges from the
 * surviving replicas, so the delete is gone, as Cassandra loses it too. The final-state check
 * allows exactly that loss and still flags a ONE write a surviving member held. Simulated time only.
 */
class RemovedReplicaWriteLossTest {
    private static final long SECOND = WriteLoad.SECOND;
    private static final long SEED = 7;
    private static final ConsistencyLevel ONE = ConsistencyLevel.ONE;

    private final History history = new History();
    private final DurableCopies copies = new DurableCopies();

    @Test
    void aDeleteOnlyTheRemovedCoordinatorHeldIsAnAllowedLoss() {
        try (SimCluster cluster = cluster()) {
            Scenario scenario = Scenario.start(cluster, copies);
            write(cluster, scenario.coordinator, scenario.key, "old", ConsistencyLevel.QUORUM);
            // the delete reaches no other replica, and its coordinator dies before its write
            // timeout, so it stores no hint either
            cluster.network().partition(Set.of(scenario.coordinator), Set.copyOf(scenario.others));
            Operation delete = delete(cluster, scenario.coordinator, scenario.key);
            cluster.fail(scenario.coordinator);
            cluster.network().heal();
            removeAndSettle(cluster, scenario);

            assertThat(copies.holders(scenario.key, KeyModel.cellOf(delete))).containsExactly(scenario.coordinator);
            Map<String, Map<NodeId, Cell>> cells = ClusterState.replicaCells(cluster, scenario.via, List.of());
            assertThat(ConsistencyChecker.checkFinalState(history, cells, true)).singleElement().asString()
                    .startsWith("deleted key resurrected or delete lost: " + delete);
            assertThat(ConsistencyChecker.checkFinalState(history, cells, true,
                    copies.lostWithRemovedNodes(cluster::wasRemoved))).isEmpty();
        }
    }

    @Test
    void aDeleteASurvivingReplicaAlsoHeldIsNeverExcused() {
        try (SimCluster cluster = cluster()) {
            Scenario scenario = Scenario.start(cluster, copies);
            write(cluster, scenario.coordinator, scenario.key, "old", ConsistencyLevel.QUORUM);
            NodeId survivor = scenario.others.get(0);
            // the delete reaches one other replica, which may well make it durable after the answer
            cluster.network().partition(Set.of(scenario.coordinator), Set.of(scenario.others.get(1)));
            Operation delete = delete(cluster, scenario.coordinator, scenario.key);
            Cell tombstone = KeyModel.cellOf(delete);
            assertThat(cluster.runUntil(() -> tombstone.equals(cluster.store(survivor).read(StorageKeys.kv(
                    scenario.key.getBytes(StandardCharsets.UTF_8)))), SECOND)).isTrue();
            cluster.fail(scenario.coordinator);
            cluster.network().heal();
            removeAndSettle(cluster, scenario);

            assertThat(copies.holders(scenario.key, tombstone)).contains(scenario.coordinator, survivor);
            // were the survivor's copy lost too, the check must report it
            Map<NodeId, Cell> oldEverywhere = new LinkedHashMap<>();
            for (NodeId replica : scenario.others) {
                oldEverywhere.put(replica, KeyModel.cellOf(history.operations().get(0)));
            }
            assertThat(ConsistencyChecker.checkFinalState(history, Map.of(scenario.key, oldEverywhere), true,
                    copies.lostWithRemovedNodes(cluster::wasRemoved))).singleElement().asString()
                    .startsWith("deleted key resurrected or delete lost: " + delete);
        }
    }

    private static SimCluster cluster() {
        return SimCluster.builder().seed(SEED).nodes(4).nodeConfig(config -> config.replicationFactor(3)).build();
    }

    /** A key, its replicas (the coordinator first) and the live node that runs removenode. */
    private record Scenario(String key, NodeId coordinator, List<NodeId> others, NodeId via) {
        static Scenario start(SimCluster cluster, DurableCopies copies) {
            cluster.addListener(copies);
            cluster.runFor(5 * SECOND);
            NodeId coordinator = NodeId.of("node1");
            for (int i = 0; ; i++) {
                String key = "key" + i;
                List<NodeId> replicas =
                        cluster.node(coordinator).ring().replicasFor(Partitioner.SHA1,
                                key.getBytes(StandardCharsets.UTF_8));
                if (replicas.contains(coordinator)) {
                    List<NodeId> others = replicas.stream().filter(id -> !id.equals(coordinator)).toList();
                    NodeId via = cluster.nodeIds().stream().filter(id -> !replicas.contains(id))
                            .findFirst().orElseThrow();
                    return new Scenario(key, coordinator, others, via);
                }
            }
        }
    }

    private void write(SimCluster cluster, NodeId coordinator, String key, String value, ConsistencyLevel cl) {
        Operation put = history.invoke(Operation.Kind.PUT, key, value, cl, coordinator, 1, cluster.nowMicros());
        ClientResult result = cluster.runUntil(cluster.put(coordinator, key, value, cl), SECOND);
        history.complete(put, result, cluster.nowMicros());
        assertThat(result).as("seed %d: %s", SEED, put).isInstanceOf(ClientResult.Written.class);
        cluster.runFor(SECOND / 10); // every replica's copy lands
    }

    private Operation delete(SimCluster cluster, NodeId coordinator, String key) {
        Operation delete = history.invoke(Operation.Kind.DELETE, key, null, ONE, coordinator, 1, cluster.nowMicros());
        ClientResult result = cluster.runUntil(cluster.delete(coordinator, key, ONE), SECOND);
        history.complete(delete, result, cluster.nowMicros());
        assertThat(result).as("seed %d: %s", SEED, delete).isInstanceOf(ClientResult.Written.class);
        return delete;
    }

    private static void removeAndSettle(SimCluster cluster, Scenario scenario) {
        NodeConfig config = cluster.config();
        assertThat(cluster.runUntil(() -> !cluster.node(scenario.via).isAlive(scenario.coordinator), 30 * SECOND))
                .as("seed %d: %s never seen down", SEED, scenario.coordinator).isTrue();
        ClientResult removed = cluster.runUntil(cluster.removeNode(scenario.coordinator, scenario.via),
                3 * config.ringDelayMicros() + 60 * SECOND);
        assertThat(removed).as("seed %d", SEED).isInstanceOf(ClientResult.Completed.class);
        assertThat(cluster.wasRemoved(scenario.coordinator)).isTrue();
        assertThat(cluster.runUntil(() -> ClusterState.settled(cluster), 60 * SECOND))
                .as("seed %d: %s", SEED, ClusterState.unsettled(cluster)).isTrue();
        assertThat(cluster.unhandledExceptions()).isEmpty();
    }
}
