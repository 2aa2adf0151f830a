package ringdb.sim.suites;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.Cell;
import ringdb.core.ring.StorageKeys;
import ringdb.sim.SimCluster;
import ringdb.sim.run.ClusterState;
import ringdb.core.ring.Partitioner;

/**
 * Nodes crash at random moments while clients write; each crash loses the node's memory and
 * unsynced disk bytes. After every node has recovered (from its disk, then from its peers), every
 * write acknowledged at QUORUM is read back at QUORUM, and each recovered node holds its ranges
 * again: it has every acknowledged key it replicates, without a repair.
 */
class CrashRecoverySuiteTest {
    private static final long SECOND_MICROS = 1_000_000;
    private static final int CLIENTS = 3;

    @Test
    void acknowledgedQuorumWritesSurviveRandomCrashes() {
        for (long seed : new long[] {101, 102, 103}) {
            runScenario(seed);
        }
    }

    private void runScenario(long seed) {
        try (SimCluster cluster = SimCluster.builder().seed(seed).nodes(5)
                .nodeConfig(config -> config.replicationFactor(3)).build()) {
            Random random = cluster.newRandom();
            Map<String, String> acknowledged = new LinkedHashMap<>();
            List<NodeId> crashed = new ArrayList<>();
            cluster.runFor(3 * SECOND_MICROS);
            Writers writers = new Writers(cluster, random, acknowledged);
            writers.start();
            for (int round = 0; round < 6; round++) {
                cluster.runFor((long) ((0.5 + random.nextDouble() * 2) * SECOND_MICROS));
                NodeId victim = cluster.nodeIds().get(random.nextInt(cluster.nodeIds().size()));
                cluster.fail(victim);
                crashed.add(victim);
                cluster.runFor((long) ((0.5 + random.nextDouble() * 4) * SECOND_MICROS));
                cluster.recover(victim);
            }
            writers.stop();
            boolean settled = cluster.runUntil(() -> ClusterState.settled(cluster), 60 * SECOND_MICROS);
            String context = "seed " + seed + " (crashed " + crashed + ")";
            assertThat(settled).as("%s: cluster settles: %s", context, ClusterState.unsettled(cluster)).isTrue();
            assertThat(acknowledged).as(context).hasSizeGreaterThan(100);
            assertReadBackAtQuorum(cluster, acknowledged, random, context);
            assertRecoveredNodesHoldTheirRanges(cluster, acknowledged, crashed, context);
            assertThat(cluster.unhandledExceptions()).as(context).isEmpty();
        }
    }

    private static void assertReadBackAtQuorum(SimCluster cluster, Map<String, String> acknowledged, Random random,
                                               String context) {
        for (Map.Entry<String, String> write : acknowledged.entrySet()) {
            NodeId coordinator = cluster.nodeIds().get(random.nextInt(cluster.nodeIds().size()));
            ClientResult read = cluster.runUntil(cluster.get(coordinator, write.getKey(), ConsistencyLevel.QUORUM),
                    10 * SECOND_MICROS);
            assertThat(read).as("%s: QUORUM read of %s via %s", context, write.getKey(), coordinator)
                    .isInstanceOf(ClientResult.Found.class);
            assertThat(new String(((ClientResult.Found) read).value(), StandardCharsets.UTF_8))
                    .as("%s: %s", context, write.getKey()).isEqualTo(write.getValue());
        }
    }

    private static void assertRecoveredNodesHoldTheirRanges(SimCluster cluster, Map<String, String> acknowledged,
                                                            List<NodeId> crashed, String context) {
        for (NodeId node : crashed) {
            int held = 0;
            for (Map.Entry<String, String> write : acknowledged.entrySet()) {
                byte[] key = write.getKey().getBytes(StandardCharsets.UTF_8);
                if (!cluster.node(node).ring().replicasFor(Partitioner.SHA1, key).contains(node)) {
                    continue;
                }
                Cell cell = cluster.store(node).read(StorageKeys.kv(key));
                assertThat(cell).as("%s: recovered %s holds %s", context, node, write.getKey()).isNotNull();
                assertThat(new String(cell.value(), StandardCharsets.UTF_8)).isEqualTo(write.getValue());
                held++;
            }
            assertThat(held).as("%s: %s replicates some keys", context, node).isPositive();
        }
    }

    /** Clients writing fresh keys at QUORUM, one request at a time each, through random alive nodes. */
    private static final class Writers {
        private final SimCluster cluster;
        private final Random random;
        private final Map<String, String> acknowledged;
        private boolean running;
        private int next;

        Writers(SimCluster cluster, Random random, Map<String, String> acknowledged) {
            this.cluster = cluster;
            this.random = random;
            this.acknowledged = acknowledged;
        }

        void start() {
            running = true;
            for (int i = 0; i < CLIENTS; i++) {
                writeNext();
            }
        }

        void stop() {
            running = false;
        }

        private void writeNext() {
            if (!running) {
                return;
            }
            List<NodeId> alive = cluster.nodeIds().stream().filter(cluster::isAlive).toList();
            String key = "crash-key-" + next;
            String value = "value-" + next++;
            NodeId coordinator = alive.get(random.nextInt(alive.size()));
            cluster.put(coordinator, key, value, ConsistencyLevel.QUORUM).whenDone(result -> {
                if (result instanceof ClientResult.Written) {
                    acknowledged.put(key, value);
                }
                cluster.scheduler().scheduleAfter(random.nextInt(20_000), this::writeNext);
            });
        }
    }
}
