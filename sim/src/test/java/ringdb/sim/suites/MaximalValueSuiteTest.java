package ringdb.sim.suites;

import static org.assertj.core.api.Assertions.assertThat;
import static ringdb.sim.suites.Clusters.SECOND;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ringdb.core.NodeId;
import ringdb.core.data.Cell;
import ringdb.core.data.Limits;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.node.NodeEvent;
import ringdb.core.ring.StorageKeys;
import ringdb.sim.LinkRule;
import ringdb.sim.SimCluster;
import ringdb.sim.SimFuture;
import ringdb.sim.SimListener;
import ringdb.core.ring.Partitioner;

/**
 * Regression for issue 12: anything a client may write can be replicated, hinted and delivered.
 * A value of exactly the value limit (the default 1 MiB, and the largest limit a node accepts) is
 * written at ONE, QUORUM and ALL while one replica is down and another is slow. Every request is
 * answered as its consistency level implies, the down replica is hinted, and the hints reach it
 * when it comes back. Before the fix the hint of such a value was over the hints engine's own
 * value limit (the mutation's key and the hint header come on top), and a limit above 16 MiB could
 * be configured although no internode frame could carry such a value.
 */
class MaximalValueSuiteTest {
    private static final long SEED = Long.getLong("ringdb.sim.seed", 12_012L);
    private static final byte[] KEY = "the-largest-value".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest(name = "value limit {0}, slow replica {1} us one way")
    @CsvSource({
        "1048576, 400000",   // slow but within the write timeout: QUORUM succeeds
        "1048576, 3000000",  // slower than the write timeout: QUORUM times out (and the slow replica is hinted)
        "16646144, 400000",  // Limits.VALUE_SIZE_BYTES_CEILING
    })
    void aMaximalValueIsAnsweredHintedAndDeliveredAtEveryConsistencyLevel(int valueSizeBytesMax, long slowMicros) {
        assertThat(Limits.VALUE_SIZE_BYTES_CEILING).isEqualTo(16_646_144);
        List<NodeEvent> errors = new ArrayList<>();
        Map<NodeId, Integer> hintsStored = new LinkedHashMap<>();
        try (SimCluster cluster = SimCluster.builder().seed(SEED).nodes(4)
                .nodeConfig(config -> config.replicationFactor(3).valueSizeBytesMax(valueSizeBytesMax)).build()) {
            cluster.addListener(new SimListener() {
                @Override
                public void onNodeEvent(NodeEvent event) {
                    if (event.kind() == NodeEvent.Kind.ERROR) {
                        errors.add(event);
                    } else if (event.kind() == NodeEvent.Kind.HINT_STORED) {
                        hintsStored.merge(event.subject(), 1, Integer::sum);
                    }
                }
            });
            assertThat(cluster.runUntil(() -> Clusters.converged(cluster), 30 * SECOND))
                    .as("cluster converges; " + Clusters.seedLine(cluster)).isTrue();
            cluster.runFor(5 * SECOND);

            NodeId coordinator = cluster.nodeIds().stream()
                    .filter(id -> !cluster.node(id).ring().replicasFor(Partitioner.SHA1,
                            KEY).contains(id)).findFirst().orElseThrow();
            List<NodeId> replicas = cluster.node(coordinator).ring().replicasFor(Partitioner.SHA1, KEY);
            NodeId fast = replicas.get(0);
            NodeId slow = replicas.get(1);
            NodeId down = replicas.get(2);
            cluster.fail(down);
            assertThat(cluster.runUntil(() -> Clusters.othersSee(cluster, down, false), 90 * SECOND))
                    .as(down + " convicted; " + Clusters.seedLine(cluster)).isTrue();
            cluster.network().setLinkRule(coordinator, slow, LinkRule.slow(slowMicros, slowMicros));
            cluster.network().setLinkRule(slow, coordinator, LinkRule.slow(slowMicros, slowMicros));
            boolean quorumInTime = 2 * slowMicros < cluster.config().writeTimeoutMicros();

            Map<ConsistencyLevel, SimFuture<ClientResult>> writes = new LinkedHashMap<>();
            for (ConsistencyLevel cl : List.of(ConsistencyLevel.ONE, ConsistencyLevel.QUORUM, ConsistencyLevel.ALL)) {
                SimFuture<ClientResult> write = cluster.put(coordinator, KEY, value(valueSizeBytesMax, cl), cl);
                writes.put(cl, write);
                cluster.runUntil(write, 30 * SECOND); // throws when a request is left unanswered
            }
            assertThat(writes.values()).allMatch(SimFuture::isDone);
            assertThat(writes.get(ConsistencyLevel.ONE).get()).isInstanceOfSatisfying(ClientResult.Written.class,
                    written -> assertThat(written.acknowledgedBy()).contains(fast));
            if (quorumInTime) {
                assertThat(writes.get(ConsistencyLevel.QUORUM).get()).isInstanceOfSatisfying(ClientResult.Written.class,
                        written -> assertThat(written.acknowledgedBy()).containsExactlyInAnyOrder(fast, slow));
            } else {
                assertThat(writes.get(ConsistencyLevel.QUORUM).get())
                        .isEqualTo(new ClientResult.Timeout(ConsistencyLevel.QUORUM, 2, 1));
            }
            assertThat(writes.get(ConsistencyLevel.ALL).get())
                    .isEqualTo(new ClientResult.Unavailable(ConsistencyLevel.ALL, 3, 2));

            assertThat(hintsStored.get(down))
                    .as("ONE and QUORUM hinted the down replica; " + Clusters.seedLine(cluster)).isEqualTo(2);
            assertThat(errors).as("no hint was dropped or failed; " + Clusters.seedLine(cluster)).isEmpty();
            assertThat(cluster.unhandledExceptions()).isEmpty();

            cluster.network().clearLinkRules();
            cluster.recover(down);
            assertThat(cluster.runUntil(() -> cluster.isAlive(down)
                    && cluster.node(coordinator).status().hintsPending() == 0, 120 * SECOND))
                    .as("hints delivered to " + down + "; " + Clusters.seedLine(cluster)).isTrue();
            Cell expected = Cell.value(value(valueSizeBytesMax, ConsistencyLevel.QUORUM),
                    cluster.store(fast).read(StorageKeys.kv(KEY)).timestampMicros());
            for (NodeId replica : replicas) {
                assertThat(cluster.store(replica).read(StorageKeys.kv(KEY))).as("the QUORUM write on " + replica)
                        .isEqualTo(expected);
            }
            assertThat(errors).isEmpty();
            assertThat(cluster.unhandledExceptions()).isEmpty();
        }
    }

    /** A value of exactly {@code length} bytes, different for each consistency level. */
    private static byte[] value(int length, ConsistencyLevel cl) {
        byte[] value = new byte[length];
        Arrays.fill(value, (byte) ('a' + cl.ordinal()));
        return value;
    }
}
