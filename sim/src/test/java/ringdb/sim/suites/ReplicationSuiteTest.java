package ringdb.sim.suites;

import static org.assertj.core.api.Assertions.assertThat;
import static ringdb.sim.suites.Clusters.SECOND;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.Cell;
import ringdb.core.node.NodeConfig;
import ringdb.core.node.NodeEvent;
import ringdb.core.ring.StorageKeys;
import ringdb.sim.SimCluster;
import ringdb.sim.SimFuture;
import ringdb.sim.SimListener;
import ringdb.core.ring.Partitioner;

/** Replication, consistency levels, forwarding, hints and recovery in simulated clusters. */
class ReplicationSuiteTest {
    private static final long SEED = Long.getLong("ringdb.sim.seed", 77_001L);

    private static SimCluster converged(long seed, int nodes, UnaryOperator<NodeConfig.Builder> config) {
        SimCluster cluster = SimCluster.builder().seed(seed).nodes(nodes).nodeConfig(config).build();
        assertThat(cluster.runUntil(() -> Clusters.converged(cluster), 30 * SECOND))
                .as("cluster converges; " + Clusters.seedLine(cluster)).isTrue();
        // let the start-up catch-up finish so it does not interleave with the test
        cluster.runFor(5 * SECOND);
        return cluster;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Set<NodeId> holders(SimCluster cluster, byte[] key) {
        Set<NodeId> out = new HashSet<>();
        for (NodeId id : cluster.nodeIds()) {
            if (cluster.isAlive(id) && cluster.store(id).read(StorageKeys.kv(key)) != null) {
                out.add(id);
            }
        }
        return out;
    }

    private static ClientResult run(SimCluster cluster, SimFuture<ClientResult> future) {
        return cluster.runUntil(future, 30 * SECOND);
    }

    /** The first node that is not a replica of {@code key}. */
    private static NodeId nonReplica(SimCluster cluster, byte[] key) {
        List<NodeId> replicas = cluster.node(NodeId.of("node1")).ring().replicasFor(Partitioner.SHA1, key);
        return cluster.nodeIds().stream().filter(id -> !replicas.contains(id)).findFirst().orElseThrow();
    }

    private static void awaitDown(SimCluster cluster, NodeId victim) {
        assertThat(cluster.runUntil(() -> Clusters.othersSee(cluster, victim, false), 90 * SECOND))
                .as(victim + " convicted; " + Clusters.seedLine(cluster)).isTrue();
    }

    @Test
    void everyKeyLivesOnExactlyItsReplicas() {
        try (SimCluster cluster = converged(SEED, 7, UnaryOperator.identity())) {
            List<byte[]> keys = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                byte[] key = utf8("key-" + i);
                keys.add(key);
                NodeId coordinator = cluster.nodeIds().get(i % 7);
                ConsistencyLevel cl = ConsistencyLevel.values()[i % 3];
                assertThat(run(cluster, cluster.put(coordinator, key, utf8("v" + i), cl)))
                        .isInstanceOf(ClientResult.Written.class);
            }
            cluster.runFor(SECOND); // replication to the replicas the client did not wait for
            for (byte[] key : keys) {
                Set<NodeId> expected = new HashSet<>(
                        cluster.node(NodeId.of("node3")).ring().replicasFor(Partitioner.SHA1, key));
                assertThat(expected).hasSize(2);
                assertThat(holders(cluster, key)).as(Clusters.seedLine(cluster)).isEqualTo(expected);
            }
        }
    }

    @Test
    void consistencyLevelsWaitForTheNamedNumberOfReplicas() {
        try (SimCluster cluster = converged(SEED + 1, 5, config -> config.replicationFactor(3))) {
            byte[] key = utf8("cl-key");
            NodeId coordinator = nonReplica(cluster, key);
            assertThat(run(cluster, cluster.put(coordinator, key, utf8("a"), ConsistencyLevel.ONE)))
                    .isInstanceOfSatisfying(ClientResult.Written.class, w -> assertThat(w.acks()).isEqualTo(1));
            assertThat(run(cluster, cluster.put(coordinator, key, utf8("b"), ConsistencyLevel.QUORUM)))
                    .isInstanceOfSatisfying(ClientResult.Written.class, w -> assertThat(w.acks()).isEqualTo(2));
            assertThat(run(cluster, cluster.put(coordinator, key, utf8("c"), ConsistencyLevel.ALL)))
                    .isInstanceOfSatisfying(ClientResult.Written.class, w -> assertThat(w.acks()).isEqualTo(3));
            assertThat(run(cluster, cluster.get(coordinator, key, ConsistencyLevel.ALL)))
                    .isInstanceOfSatisfying(ClientResult.Found.class,
                            found -> assertThat(found.value()).isEqualTo(utf8("c")));

            List<NodeId> replicas = cluster.node(coordinator).ring().replicasFor(Partitioner.SHA1, key);
            cluster.fail(replicas.get(2));
            awaitDown(cluster, replicas.get(2));
            assertThat(run(cluster, cluster.put(coordinator, key, utf8("d"), ConsistencyLevel.ALL)))
                    .isEqualTo(new ClientResult.Unavailable(ConsistencyLevel.ALL, 3, 2));
            assertThat(run(cluster, cluster.put(coordinator, key, utf8("d"), ConsistencyLevel.QUORUM)))
                    .isInstanceOf(ClientResult.Written.class);
            assertThat(run(cluster, cluster.get(coordinator, key, ConsistencyLevel.ALL)))
                    .isEqualTo(new ClientResult.Unavailable(ConsistencyLevel.ALL, 3, 2));

            cluster.fail(replicas.get(1));
            awaitDown(cluster, replicas.get(1));
            assertThat(run(cluster, cluster.get(coordinator, key, ConsistencyLevel.QUORUM)))
                    .isEqualTo(new ClientResult.Unavailable(ConsistencyLevel.QUORUM, 2, 1));
            assertThat(run(cluster, cluster.get(coordinator, key, ConsistencyLevel.ONE)))
                    .isInstanceOfSatisfying(ClientResult.Found.class,
                            found -> assertThat(found.value()).isEqualTo(utf8("d")));
        }
    }

    @Test
    void twoAndThreeWaitForThatManyReplicasAndAreUnavailableWithFewerAlive() {
        try (SimCluster cluster = converged(SEED + 11, 5, config -> config.replicationFactor(3))) {
            byte[] key = utf8("two-three");
            NodeId coordinator = nonReplica(cluster, key);
            assertThat(run(cluster, cluster.put(coordinator, key, utf8("a"), ConsistencyLevel.TWO)))
                    .isInstanceOfSatisfying(ClientResult.Written.class, w -> assertThat(w.acks()).isEqualTo(2));
            assertThat(run(cluster, cluster.put(coordinator, key, utf8("b"), ConsistencyLevel.THREE)))
                    .isInstanceOfSatisfying(ClientResult.Written.class, w -> assertThat(w.acks()).isEqualTo(3));
            assertThat(run(cluster, cluster.get(coordinator, key, ConsistencyLevel.THREE)))
                    .isInstanceOfSatisfying(ClientResult.Found.class,
                            found -> assertThat(found.value()).isEqualTo(utf8("b")));
            List<NodeId> replicas = cluster.node(coordinator).ring().replicasFor(Partitioner.SHA1, key);
            cluster.fail(replicas.get(0));
            awaitDown(cluster, replicas.get(0));
            assertThat(run(cluster, cluster.put(coordinator, key, utf8("c"), ConsistencyLevel.THREE)))
                    .isEqualTo(new ClientResult.Unavailable(ConsistencyLevel.THREE, 3, 2));
            assertThat(run(cluster, cluster.get(coordinator, key, ConsistencyLevel.TWO)))
                    .isInstanceOfSatisfying(ClientResult.Found.class,
                            found -> assertThat(found.value()).isEqualTo(utf8("b")));
            cluster.fail(replicas.get(1));
            awaitDown(cluster, replicas.get(1));
            assertThat(run(cluster, cluster.get(coordinator, key, ConsistencyLevel.TWO)))
                    .isEqualTo(new ClientResult.Unavailable(ConsistencyLevel.TWO, 2, 1));
        }
        try (SimCluster cluster = converged(SEED + 12, 3, UnaryOperator.identity())) {
            // THREE asks for more replicas than the replication factor (2) gives: never available
            assertThat(run(cluster, cluster.put(NodeId.of("node1"), utf8("k"), utf8("v"), ConsistencyLevel.THREE)))
                    .isEqualTo(new ClientResult.Unavailable(ConsistencyLevel.THREE, 3, 2));
        }
    }

    @Test
    void withMurmur3EveryKeyLivesOnItsMurmur3ReplicasAndARestartedReplicaCatchesUp() {
        UnaryOperator<NodeConfig.Builder> murmur3 = config -> config.partitioner(Partitioner.MURMUR3)
                .hintWindowMicros(1).rangeSyncChunkEntries(7);
        try (SimCluster cluster = converged(SEED + 13, 5, murmur3)) {
            NodeId victim = NodeId.of("node2");
            cluster.fail(victim);
            awaitDown(cluster, victim);
            List<byte[]> keys = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                byte[] key = utf8("m3-" + i);
                keys.add(key);
                NodeId coordinator = NodeId.of(i % 2 == 0 ? "node1" : "node3");
                assertThat(run(cluster, cluster.put(coordinator, key, utf8("v" + i), ConsistencyLevel.ONE)))
                        .isInstanceOf(ClientResult.Written.class);
            }
            cluster.recover(victim);
            assertThat(cluster.runUntil(() -> cluster.node(victim).status().recoveryDone(), 120 * SECOND))
                    .as("the restarted node catches up; " + Clusters.seedLine(cluster)).isTrue();
            cluster.runFor(SECOND);
            int onVictim = 0;
            for (byte[] key : keys) {
                Set<NodeId> expected = new HashSet<>(
                        cluster.node(NodeId.of("node4")).ring().replicasFor(Partitioner.MURMUR3, key));
                onVictim += expected.contains(victim) ? 1 : 0;
                assertThat(holders(cluster, key)).as(Clusters.seedLine(cluster)).isEqualTo(expected);
            }
            assertThat(onVictim).isPositive();
        }
    }

    @Test
    void aReplicaThatIsUnreachableButNotYetConvictedGivesATimeoutAndAHint() {
        try (SimCluster cluster = converged(SEED + 2, 4, UnaryOperator.identity())) {
            byte[] key = utf8("slow-key");
            NodeId coordinator = nonReplica(cluster, key);
            List<NodeId> replicas = cluster.node(coordinator).ring().replicasFor(Partitioner.SHA1, key);
            cluster.network().partitionOneWay(coordinator, replicas.get(1));
            long start = cluster.nowMicros();
            ClientResult result = run(cluster, cluster.put(coordinator, key, utf8("v"), ConsistencyLevel.ALL));
            assertThat(result).isEqualTo(new ClientResult.Timeout(ConsistencyLevel.ALL, 2, 1));
            assertThat(cluster.nowMicros() - start).isEqualTo(cluster.config().writeTimeoutMicros());
            assertThat(cluster.node(coordinator).status().hintsPending()).isEqualTo(1);
            ClientResult read = run(cluster, cluster.get(coordinator, key, ConsistencyLevel.ALL));
            assertThat(read).isEqualTo(new ClientResult.Timeout(ConsistencyLevel.ALL, 2, 1));

            cluster.network().heal();
            boolean delivered = cluster.runUntil(() -> cluster.node(coordinator).status().hintsPending() == 0,
                    30 * SECOND);
            assertThat(delivered).as("hint replayed after healing; " + Clusters.seedLine(cluster)).isTrue();
            assertThat(cluster.store(replicas.get(1)).read(StorageKeys.kv(key))).isNotNull();
        }
    }

    @Test
    void hintsSurviveACoordinatorRestartAndRespectTheHintWindow() {
        long hintWindowMicros = 60 * SECOND;
        try (SimCluster cluster = converged(SEED + 7, 4, config -> config.hintWindowMicros(hintWindowMicros))) {
            byte[] key = utf8("hinted");
            NodeId coordinator = nonReplica(cluster, key);
            NodeId target = cluster.node(coordinator).ring().replicasFor(Partitioner.SHA1, key).get(1);
            cluster.fail(target);
            awaitDown(cluster, target);
            assertThat(run(cluster, cluster.put(coordinator, key, utf8("v1"), ConsistencyLevel.ONE)))
                    .isInstanceOf(ClientResult.Written.class);
            assertThat(cluster.node(coordinator).status().hintsPending()).isEqualTo(1);
            cluster.runFor(SECOND); // the hint is synced
            cluster.fail(coordinator);
            cluster.recover(coordinator);
            assertThat(cluster.node(coordinator).status().hintsPending()).as("hints are durable").isEqualTo(1);

            // past the window no more hints are taken for the dead node (the window counts from when
            // this coordinator saw it down, which after its own restart is when gossip told it)
            cluster.runFor(hintWindowMicros + 5 * SECOND);
            byte[] late = null;
            for (int i = 0; late == null; i++) {
                byte[] candidate = utf8("late-" + i);
                if (cluster.node(coordinator).ring().replicasFor(Partitioner.SHA1, candidate).contains(target)) {
                    late = candidate;
                }
            }
            assertThat(run(cluster, cluster.put(coordinator, late, utf8("v2"), ConsistencyLevel.ONE)))
                    .isInstanceOf(ClientResult.Written.class);
            assertThat(cluster.node(coordinator).status().hintsPending()).as("no hint past the window").isEqualTo(1);

            cluster.recover(target);
            boolean delivered = cluster.runUntil(() -> cluster.isAlive(coordinator)
                    && cluster.node(coordinator).status().hintsPending() == 0, 60 * SECOND);
            assertThat(delivered).as("hint replayed after the restart; " + Clusters.seedLine(cluster)).isTrue();
            assertThat(cluster.store(target).read(StorageKeys.kv(key)).value()).isEqualTo(utf8("v1"));
            assertThat(cluster.node(coordinator).hintsDeliveredCount()).isEqualTo(1);
        }
    }

    @Test
    void aReadAsksAnotherReplicaWhenTheFirstIsSilent() {
        try (SimCluster cluster = converged(SEED + 6, 4, UnaryOperator.identity())) {
            byte[] key = utf8("speculate");
            NodeId coordinator = nonReplica(cluster, key);
            assertThat(run(cluster, cluster.put(coordinator, key, utf8("v"), ConsistencyLevel.ALL)))
                    .isInstanceOf(ClientResult.Written.class);
            NodeId primary = cluster.node(coordinator).ring().replicasFor(Partitioner.SHA1, key).get(0);
            cluster.network().partitionOneWay(coordinator, primary); // silent, not yet convicted
            long start = cluster.nowMicros();
            assertThat(run(cluster, cluster.get(coordinator, key, ConsistencyLevel.ONE)))
                    .isInstanceOfSatisfying(ClientResult.Found.class,
                            found -> assertThat(found.value()).isEqualTo(utf8("v")));
            assertThat(cluster.nowMicros() - start).isLessThan(cluster.config().readTimeoutMicros());
            assertThat(cluster.node(coordinator).speculativeReadCount()).isEqualTo(1);
        }
    }

    @Test
    void writesAndReadsAreForwardedWhenThePrimaryIsDown() {
        try (SimCluster cluster = converged(SEED + 3, 5, UnaryOperator.identity())) {
            byte[] key = utf8("user:42");
            List<NodeId> replicas = cluster.node(NodeId.of("node1")).ring().replicasFor(Partitioner.SHA1, key);
            NodeId primary = replicas.get(0);
            cluster.fail(primary);
            awaitDown(cluster, primary);
            byte[] lastValue = null;
            for (NodeId coordinator : cluster.nodeIds()) {
                if (!cluster.isAlive(coordinator)) {
                    continue;
                }
                byte[] value = utf8("from-" + coordinator);
                lastValue = value;
                assertThat(run(cluster, cluster.put(coordinator, key, value, ConsistencyLevel.ONE)))
                        .as("write through " + coordinator).isInstanceOf(ClientResult.Written.class);
                for (NodeId reader : cluster.nodeIds()) {
                    if (cluster.isAlive(reader)) {
                        assertThat(run(cluster, cluster.get(reader, key, ConsistencyLevel.ONE)))
                                .isInstanceOfSatisfying(ClientResult.Found.class,
                                        found -> assertThat(found.value()).isEqualTo(value));
                    }
                }
            }
            cluster.recover(primary);
            // the recovered primary gets the writes it missed (hints and catch-up), then serves them
            byte[] expected = lastValue;
            boolean caughtUp = cluster.runUntil(() -> cluster.node(primary).status().recoveryDone()
                    && cluster.store(primary).read(StorageKeys.kv(key)) != null
                    && Arrays.equals(cluster.store(primary).read(StorageKeys.kv(key)).value(), expected), 60 * SECOND);
            assertThat(caughtUp).as(Clusters.seedLine(cluster)).isTrue();
            assertThat(run(cluster, cluster.get(primary, key, ConsistencyLevel.ALL)))
                    .isInstanceOfSatisfying(ClientResult.Found.class,
                            found -> assertThat(found.value()).isEqualTo(expected));
        }
    }

    @Test
    void readsReturnTheNewestVersionAndRepairStaleReplicas() {
        try (SimCluster cluster = converged(SEED + 4, 4, config -> config.replicationFactor(3))) {
            byte[] key = utf8("repair-me");
            NodeId coordinator = nonReplica(cluster, key);
            assertThat(run(cluster, cluster.put(coordinator, key, utf8("old"), ConsistencyLevel.ALL)))
                    .isInstanceOf(ClientResult.Written.class);
            List<NodeId> replicas = cluster.node(coordinator).ring().replicasFor(Partitioner.SHA1, key);
            // one replica alone takes a newer version (as if the others missed it)
            Cell newer = Cell.value(utf8("new"), cluster.node(coordinator).status().nowMicros() + 1_000_000);
            cluster.store(replicas.get(2)).apply(StorageKeys.kv(key), newer, error -> { });
            assertThat(run(cluster, cluster.get(coordinator, key, ConsistencyLevel.ALL)))
                    .isEqualTo(new ClientResult.Found(utf8("new"), newer.timestampMicros()));
            // at ALL (and QUORUM) the read answered only once the stale replicas had taken the newest version
            for (NodeId replica : replicas) {
                assertThat(cluster.store(replica).read(StorageKeys.kv(key))).as("repaired " + replica).isEqualTo(newer);
            }
            assertThat(cluster.node(coordinator).readRepairCount()).isEqualTo(2);
            // a delete reads as not found everywhere
            assertThat(run(cluster, cluster.delete(coordinator, key, ConsistencyLevel.QUORUM)))
                    .isInstanceOf(ClientResult.Written.class);
        }
    }

    @Test
    void aRestartedNodeCatchesUpFromItsPeersInChunks() {
        UnaryOperator<NodeConfig.Builder> noHints = config -> config.hintWindowMicros(1).rangeSyncChunkEntries(7);
        try (SimCluster cluster = converged(SEED + 5, 4, noHints)) {
            NodeId victim = NodeId.of("node2");
            cluster.fail(victim);
            awaitDown(cluster, victim);
            List<byte[]> missed = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                byte[] key = utf8("missed-" + i);
                if (cluster.node(NodeId.of("node1")).ring().replicasFor(Partitioner.SHA1, key).contains(victim)) {
                    missed.add(key);
                }
                assertThat(run(cluster, cluster.put(NodeId.of("node1"), key, utf8("x" + i), ConsistencyLevel.ONE)))
                        .isInstanceOf(ClientResult.Written.class);
            }
            assertThat(missed).isNotEmpty();
            List<String> recoveryEvents = new ArrayList<>();
            cluster.addListener(new SimListener() {
                @Override
                public void onNodeEvent(NodeEvent event) {
                    if (event.node().equals(victim) && event.kind() == NodeEvent.Kind.RECOVERY_DONE) {
                        recoveryEvents.add(event.detail());
                    }
                }
            });
            cluster.recover(victim);
            assertThat(cluster.runUntil(() -> !recoveryEvents.isEmpty(), 60 * SECOND))
                    .as("recovery finishes; " + Clusters.seedLine(cluster)).isTrue();
            assertThat(cluster.node(victim).status().recoveryDone()).isTrue();
            for (byte[] key : missed) {
                assertThat(cluster.store(victim).read(StorageKeys.kv(key)))
                        .as("caught up " + new String(key, StandardCharsets.UTF_8))
                        .isNotNull();
            }
            assertThat(run(cluster, cluster.repair(victim))).isInstanceOf(ClientResult.Repaired.class);
        }
    }
}
