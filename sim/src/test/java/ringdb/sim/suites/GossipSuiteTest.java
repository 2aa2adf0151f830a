package ringdb.sim.suites;

import static org.assertj.core.api.Assertions.assertThat;
import static ringdb.sim.suites.Clusters.SECOND;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.NodeId;
import ringdb.core.node.NodeConfig;
import ringdb.core.node.NodeEvent;
import ringdb.core.node.NodeState;
import ringdb.core.node.PeerStatus;
import ringdb.sim.SimCluster;
import ringdb.sim.SimFuture;
import ringdb.sim.SimListener;

/** Gossip membership and failure detection in simulated clusters (simulated time only). */
class GossipSuiteTest {
    private static final long SEED = Long.getLong("ringdb.sim.seed", 20_261_124L);

    @Test
    void fiftyNodesConvergeOnFullMembershipWithinBoundedRounds() {
        try (SimCluster cluster = SimCluster.builder().seed(SEED).nodes(50).build()) {
            boolean converged = cluster.runUntil(() -> Clusters.converged(cluster), 60 * SECOND);
            long rounds = cluster.nowMicros() / cluster.config().gossipIntervalMicros();
            System.out.printf("gossip: 50 nodes converged after %d rounds (%d ms simulated), seed %d%n",
                    rounds, cluster.nowMicros() / 1000, cluster.seed());
            assertThat(converged).as("50 nodes converge; " + Clusters.seedLine(cluster)).isTrue();
            assertThat(rounds).as("rounds to converge; " + Clusters.seedLine(cluster)).isLessThanOrEqualTo(20);
            NodeId any = NodeId.of("node37");
            assertThat(cluster.node(any).status().peers()).hasSize(49)
                    .allSatisfy(peer -> assertThat(peer.state()).isEqualTo(NodeState.NORMAL));
            assertThat(cluster.node(any).ring().ownership()).hasSize(50);
        }
    }

    /** The largest simulated cluster: run with -Dringdb.sim.nodes=200 (CI runs 100). */
    @Test
    void largeClustersConvergeToo() {
        int nodes = Integer.getInteger("ringdb.sim.nodes", 100);
        try (SimCluster cluster = SimCluster.builder().seed(SEED + 9).nodes(nodes).build()) {
            boolean converged = Clusters.awaitEvery(cluster, () -> Clusters.converged(cluster), SECOND / 10,
                    120 * SECOND);
            System.out.printf("gossip: %d nodes converged after %d ms simulated, seed %d%n", nodes,
                    cluster.nowMicros() / 1000, cluster.seed());
            assertThat(converged).as(nodes + " nodes converge; " + Clusters.seedLine(cluster)).isTrue();
        }
    }

    @Test
    void aKilledNodeIsMarkedDownWithinBoundedTime() {
        try (SimCluster cluster = SimCluster.builder().seed(SEED + 1).nodes(10).build()) {
            assertThat(cluster.runUntil(() -> Clusters.converged(cluster), 30 * SECOND)).isTrue();
            cluster.runFor(30 * SECOND); // steady state: the detectors have learnt the heartbeat intervals
            NodeId victim = NodeId.of("node6");
            cluster.fail(victim);
            long failedAt = cluster.nowMicros();
            boolean down = cluster.runUntil(() -> Clusters.othersSee(cluster, victim, false), 60 * SECOND);
            long detectionMicros = cluster.nowMicros() - failedAt;
            System.out.printf("gossip: crash of %s detected by all 9 peers after %d ms, seed %d%n", victim,
                    detectionMicros / 1000, cluster.seed());
            assertThat(down).as("all peers convict the crashed node; " + Clusters.seedLine(cluster)).isTrue();
            // phi 8 needs about 18 mean heartbeat intervals of silence (heartbeats arrive every 1-2 s through
            // gossip): not instant, not forever
            assertThat(detectionMicros).isBetween(10 * SECOND, 45 * SECOND);
            PeerStatus seen = Clusters.peer(cluster.node(NodeId.of("node1")), victim);
            assertThat(seen.up()).isFalse();
            assertThat(seen.phi()).isGreaterThan(cluster.config().phiConvictThreshold());
        }
    }

    @Test
    void aRestartedNodesNewGenerationReplacesItsOldState() {
        try (SimCluster cluster = SimCluster.builder().seed(SEED + 2).nodes(8).build()) {
            assertThat(cluster.runUntil(() -> Clusters.converged(cluster), 30 * SECOND)).isTrue();
            NodeId victim = NodeId.of("node3");
            long oldGeneration = cluster.node(victim).generation();
            Set<NodeId> restartSeenBy = new HashSet<>();
            cluster.addListener(new SimListener() {
                @Override
                public void onNodeEvent(NodeEvent event) {
                    if (event.kind() == NodeEvent.Kind.PEER_RESTARTED && event.subject().equals(victim)) {
                        restartSeenBy.add(event.node());
                    }
                }
            });
            cluster.fail(victim);
            cluster.runFor(3 * SECOND);
            cluster.recover(victim);
            long newGeneration = cluster.node(victim).generation();
            assertThat(newGeneration).isGreaterThan(oldGeneration);
            boolean replaced = cluster.runUntil(() -> cluster.nodeIds().stream()
                    .filter(id -> !id.equals(victim))
                    .allMatch(id -> Clusters.peer(cluster.node(id), victim).generation() == newGeneration
                            && cluster.node(id).isAlive(victim)), 30 * SECOND);
            assertThat(replaced).as("every peer holds the new generation, up; " + Clusters.seedLine(cluster)).isTrue();
            assertThat(restartSeenBy).hasSize(7);
            assertThat(cluster.runUntil(() -> Clusters.converged(cluster), 30 * SECOND)).isTrue();
        }
    }

    @Test
    void aPartitionedNodeIsMarkedDownOnTheOtherSideAndUpAfterHealing() {
        try (SimCluster cluster = SimCluster.builder().seed(SEED + 3).nodes(6).build()) {
            assertThat(cluster.runUntil(() -> Clusters.converged(cluster), 30 * SECOND)).isTrue();
            NodeId island = NodeId.of("node4");
            Set<NodeId> rest = new HashSet<>(cluster.nodeIds());
            rest.remove(island);
            cluster.network().partition(Set.of(island), rest);
            boolean split = cluster.runUntil(() -> Clusters.othersSee(cluster, island, false)
                    && rest.stream().noneMatch(cluster.node(island)::isAlive), 60 * SECOND);
            assertThat(split).as("both sides convict each other; " + Clusters.seedLine(cluster)).isTrue();
            cluster.network().heal();
            boolean healed = cluster.runUntil(() -> Clusters.converged(cluster), 60 * SECOND);
            assertThat(healed).as("membership heals; " + Clusters.seedLine(cluster)).isTrue();
        }
    }

    @Test
    void aStoppingNodeIsMarkedDownAtOnce() {
        try (SimCluster cluster = SimCluster.builder().seed(SEED + 4).nodes(5)
                .nodeConfig(config -> config.gossipIntervalMicros(SECOND)).build()) {
            assertThat(cluster.runUntil(() -> Clusters.converged(cluster), 30 * SECOND)).isTrue();
            NodeId leaving = NodeId.of("node2");
            cluster.node(leaving).stop();
            boolean down = cluster.runUntil(() -> Clusters.othersSee(cluster, leaving, false), SECOND / 10);
            assertThat(down).as("shutdown announcement marks it down within one message delay; "
                    + Clusters.seedLine(cluster)).isTrue();
            assertThat(Clusters.peer(cluster.node(NodeId.of("node1")), leaving).state()).isEqualTo(NodeState.DOWN);
            assertThat(NodeConfig.defaults().gossipIntervalMicros()).isEqualTo(SECOND);
        }
    }

    /**
     * The cluster's only seed (node1) left the ring, or is down, and then every other node restarted:
     * a restarted node's gossip knew only its seeds, so none of them heard of another again and each
     * held the others down for good (no hint delivered, no repair possible). A restarted node also
     * contacts the ring members its durable records remember, so they find each other without a seed.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(strings = {"left", "down"})
    void restartedNodesFindEachOtherWhenTheirOnlySeedIsGone(String seedGone) {
        try (SimCluster cluster = SimCluster.builder().seed(SEED + 5).nodes(4).build()) {
            assertThat(cluster.runUntil(() -> Clusters.converged(cluster), 30 * SECOND)).isTrue();
            NodeId seed = NodeId.of("node1");
            assertThat(cluster.config().seeds()).containsExactly(seed);
            if (seedGone.equals("left")) {
                SimFuture<ClientResult> left = cluster.decommission(seed);
                assertThat(cluster.runUntil(left, 300 * SECOND)).isInstanceOf(ClientResult.Completed.class);
            } else {
                cluster.fail(seed);
            }
            List<NodeId> others = cluster.nodeIds().stream().filter(id -> !id.equals(seed)).toList();
            others.forEach(cluster::fail);
            cluster.runFor(SECOND);
            others.forEach(cluster::recover);
            boolean found = cluster.runUntil(() -> others.stream().allMatch(id -> cluster.isAlive(id)
                    && others.stream().allMatch(cluster.node(id)::isAlive)), 30 * SECOND);
            assertThat(found).as("node2..node4 hold each other up with their seed " + seedGone + "; "
                    + Clusters.seedLine(cluster)).isTrue();
            assertThat(cluster.isAlive(seed)).isFalse();
        }
    }
}
