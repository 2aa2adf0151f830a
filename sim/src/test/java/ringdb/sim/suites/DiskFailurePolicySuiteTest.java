package ringdb.sim.suites;

import static org.assertj.core.api.Assertions.assertThat;
import static ringdb.sim.suites.Clusters.SECOND;

import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.health.CommitFailurePolicy;
import ringdb.core.health.StorageHealth;
import ringdb.core.node.NodeConfig;
import ringdb.core.ring.StorageKeys;
import ringdb.sim.SimCluster;
import ringdb.sim.SimFuture;

/**
 * A simulated node whose commit log fsync fails, with the same policy code the real runtime runs:
 * under stop it leaves gossip at once (peers hold it down within a second and hint its writes)
 * while the simulated process stays up; under die the node crashes. Either way a restart brings
 * it back serving, and no write acknowledged by the cluster is lost.
 */
class DiskFailurePolicySuiteTest {
    private static final long SEED = Long.getLong("ringdb.sim.seed", 13_013L);

    private static SimCluster cluster(UnaryOperator<NodeConfig.Builder> policies) {
        SimCluster cluster = SimCluster.builder().seed(SEED).nodes(3)
                .nodeConfig(config -> policies.apply(config.replicationFactor(3))).build();
        assertThat(cluster.runUntil(() -> Clusters.converged(cluster), 30 * SECOND))
                .as("cluster converges; " + Clusters.seedLine(cluster)).isTrue();
        cluster.runFor(5 * SECOND);
        return cluster;
    }

    /** The victim's next commit log fsync fails under a write it coordinates. */
    private static void failCommitLog(SimCluster cluster, NodeId victim) {
        cluster.disk(victim).failNextSyncsOf("data/commitlog", 1);
        cluster.runUntil(cluster.put(victim, "first", "lost-or-written", ConsistencyLevel.ONE), 10 * SECOND);
    }

    private static ClientResult run(SimCluster cluster, SimFuture<ClientResult> request) {
        ClientResult result = cluster.runUntil(request, 10 * SECOND);
        assertThat(result).as("answered; " + Clusters.seedLine(cluster)).isNotNull();
        return result;
    }

    @Test
    void underStopTheNodeLeavesGossipAtOnceAndIsHintedUntilItRestarts() {
        try (SimCluster cluster = cluster(config -> config)) {
            NodeId victim = cluster.nodeIds().get(1);
            NodeId other = cluster.nodeIds().get(0);
            failCommitLog(cluster, victim);
            assertThat(cluster.node(victim).storageHealth().state()).isEqualTo(StorageHealth.State.STOPPED);
            assertThat(cluster.runUntil(() -> Clusters.othersSee(cluster, victim, false), SECOND))
                    .as("peers hold it down within a second (announced, not convicted); "
                            + Clusters.seedLine(cluster)).isTrue();
            assertThat(cluster.isAlive(victim)).as("the process stays up for operators").isTrue();
            assertThat(run(cluster, cluster.put(victim, "k", "v", ConsistencyLevel.ONE)))
                    .isInstanceOfSatisfying(ClientResult.Failed.class,
                            failed -> assertThat(failed.message()).contains("stopped serving"));
            assertThat(run(cluster, cluster.put(other, "k", "v", ConsistencyLevel.QUORUM)))
                    .isInstanceOf(ClientResult.Written.class);
            assertThat(cluster.node(other).status().hintsPending()).as("hinted for " + victim).isPositive();

            cluster.fail(victim);
            cluster.recover(victim);
            assertThat(cluster.runUntil(() -> Clusters.converged(cluster), 30 * SECOND)).isTrue();
            assertThat(cluster.runUntil(() -> cluster.node(other).status().hintsPending() == 0, 60 * SECOND))
                    .as("the hint reaches the restarted node").isTrue();
            assertThat(run(cluster, cluster.get(victim, "k", ConsistencyLevel.ALL)))
                    .isInstanceOf(ClientResult.Found.class);
            assertThat(run(cluster, cluster.put(victim, "k2", "v2", ConsistencyLevel.ALL)))
                    .isInstanceOf(ClientResult.Written.class);
        }
    }

    @Test
    void underDieTheNodeCrashesAndServesAgainAfterRecovery() {
        try (SimCluster cluster = cluster(config -> config.commitFailurePolicy(CommitFailurePolicy.DIE))) {
            NodeId victim = cluster.nodeIds().get(2);
            NodeId other = cluster.nodeIds().get(0);
            assertThat(run(cluster, cluster.put(other, "k", "v", ConsistencyLevel.ALL)))
                    .isInstanceOf(ClientResult.Written.class);
            failCommitLog(cluster, victim);
            cluster.runFor(SECOND / 10);
            assertThat(cluster.isAlive(victim)).as("crashed by its policy").isFalse();
            cluster.recover(victim);
            assertThat(cluster.runUntil(() -> Clusters.converged(cluster), 30 * SECOND)).isTrue();
            assertThat(cluster.store(victim).read(StorageKeys.kv("k".getBytes(StandardCharsets.UTF_8))))
                    .as("what it acknowledged survived the crash").isNotNull();
            assertThat(run(cluster, cluster.put(victim, "k2", "v2", ConsistencyLevel.ALL)))
                    .isInstanceOf(ClientResult.Written.class);
        }
    }
}
