package ringdb.sim.suites;

import static org.assertj.core.api.Assertions.assertThat;
import static ringdb.sim.suites.Clusters.SECOND;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.node.NodeEvent;
import ringdb.sim.SimCluster;
import ringdb.sim.SimListener;

/**
 * Steps of a node's wall clock by minutes and hours (NTP stepping it, an operator setting the date):
 * failure detection and the hint window measure durations on the monotonic clock, so the steps
 * neither freeze nor trigger them (simulated time only).
 */
class ClockStepSuiteTest {
    private static final long SEED = Long.getLong("ringdb.sim.seed", 20_261_206L);
    private static final long HOUR = 3600 * SECOND;
    private static final NodeId NODE1 = NodeId.of("node1");
    private static final NodeId NODE3 = NodeId.of("node3");

    @Test
    void aBackwardStepOfAnHourDoesNotFreezeFailureDetection() {
        try (SimCluster cluster = SimCluster.builder().seed(SEED).nodes(5).build()) {
            steadyState(cluster);
            cluster.clock(NODE1).jump(-HOUR);
            cluster.runFor(5 * SECOND);
            cluster.fail(NODE3);
            long failedAt = cluster.nowMicros();
            boolean convicted = cluster.runUntil(() -> !cluster.node(NODE1).isAlive(NODE3), 60 * SECOND);
            long detectionMicros = cluster.nowMicros() - failedAt;
            assertThat(convicted).as("node1, its clock an hour back, convicts the crashed node3; "
                    + Clusters.seedLine(cluster)).isTrue();
            // the bound GossipSuiteTest holds detection to without any step (phi 8: about 18 mean
            // heartbeat intervals of silence); a detector measuring on the wall clock stays silent for the hour
            assertThat(detectionMicros).as("detection time after the step; " + Clusters.seedLine(cluster))
                    .isLessThan(45 * SECOND);
        }
    }

    @Test
    void aForwardStepOfMinutesConvictsNoPeer() {
        try (SimCluster cluster = SimCluster.builder().seed(SEED + 1).nodes(10).build()) {
            steadyState(cluster);
            List<NodeEvent> downs = new ArrayList<>();
            cluster.addListener(new SimListener() {
                @Override
                public void onNodeEvent(NodeEvent event) {
                    if (event.kind() == NodeEvent.Kind.PEER_DOWN) {
                        downs.add(event);
                    }
                }
            });
            for (int step = 0; step < 5; step++) { // five steps of 10 minutes, 2.5 s apart
                cluster.clock(NODE1).jump(10 * 60 * SECOND);
                cluster.runFor(2_500_000);
            }
            cluster.runFor(20 * SECOND);
            assertThat(downs).as("no node convicts a peer after node1's clock stepped 10 minutes ahead 5 times; "
                    + Clusters.seedLine(cluster)).isEmpty();
            assertThat(Clusters.converged(cluster)).isTrue();
        }
    }

    @Test
    void hintsOutliveAForwardStepBeyondTheHintWindow() {
        try (SimCluster cluster = SimCluster.builder().seed(SEED + 2).nodes(3)
                .nodeConfig(config -> config.replicationFactor(3)).build()) {
            steadyState(cluster);
            cluster.fail(NODE3);
            assertThat(cluster.runUntil(() -> !cluster.node(NODE1).isAlive(NODE3), 30 * SECOND)).isTrue();
            assertThat(cluster.runUntil(cluster.put(NODE1, "before", "1", ConsistencyLevel.ONE), 5 * SECOND))
                    .isInstanceOf(ClientResult.Written.class);
            assertThat(cluster.node(NODE1).status().hintsPending()).isEqualTo(1);

            long window = cluster.config().hintWindowMicros();
            cluster.clock(NODE1).jump(window + HOUR); // node3 has been down for seconds, not for the window
            assertThat(cluster.runUntil(cluster.put(NODE1, "after", "2", ConsistencyLevel.ONE), 5 * SECOND))
                    .isInstanceOf(ClientResult.Written.class);
            assertThat(cluster.node(NODE1).status().hintsPending())
                    .as("a hint is still stored after the step; " + Clusters.seedLine(cluster)).isEqualTo(2);

            long delivered = cluster.node(NODE1).hintsDeliveredCount();
            cluster.recover(NODE3);
            assertThat(cluster.runUntil(() -> cluster.isAlive(NODE1)
                    && cluster.node(NODE1).status().hintsPending() == 0, 60 * SECOND))
                    .as("both hints delivered; " + Clusters.seedLine(cluster)).isTrue();
            assertThat(cluster.node(NODE1).hintsDeliveredCount() - delivered).isEqualTo(2);
        }
    }

    private static void steadyState(SimCluster cluster) {
        assertThat(cluster.runUntil(() -> Clusters.converged(cluster), 30 * SECOND)).isTrue();
        cluster.runFor(30 * SECOND); // the detectors have learnt the heartbeat intervals
    }
}
