package ringdb.sim.rows;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.message.SchemaPull;
import ringdb.core.message.SchemaPush;
import ringdb.core.node.NodeEvent;
import ringdb.sim.SimCluster;
import ringdb.sim.SimListener;

/**
 * A live peer whose schema never converges (every schema exchange with it is lost) must not hold a
 * join forever: once the join's stream has waited {@code schemaAgreementTimeoutMicros} for nothing
 * but that peer, the join fails with an error naming the peer and the schema digests, and is
 * withdrawn (no node plans it as a pending replica any more, so other ring changes may run). It
 * streams nothing meanwhile, and joins once the schemas agree. Simulated time only; the same for
 * every seed ({@code -Dringdb.schemaTimeout.seeds=N} sweeps seeds 1..N).
 */
class SchemaAgreementTimeoutTest {
    private static final long SECOND = 1_000_000;
    private static final long BOUND = 20 * SECOND;

    @Test
    void aJoinWhoseSchemaNeverAgreesFailsWithinTheBoundAndJoinsOnceItAgrees() {
        int seeds = Integer.getInteger("ringdb.schemaTimeout.seeds", 3);
        for (long seed = 1; seed <= seeds; seed++) {
            runOnce(seed);
        }
    }

    private static void runOnce(long seed) {
        try (SimCluster cluster = SimCluster.builder().seed(seed).nodes(3)
                .nodeConfig(b -> b.replicationFactor(2).schemaAgreementTimeoutMicros(BOUND)).build()) {
            cluster.runFor(5 * SECOND);
            NodeId via = cluster.nodeIds().get(0);
            NodeId laggard = cluster.nodeIds().get(2);
            cluster.network().blockMessages((from, to, message) -> (message instanceof SchemaPull
                    || message instanceof SchemaPush) && (from.equals(laggard) || to.equals(laggard)));
            assertThat(RowRequests.createTable(cluster, via, RowTable.KEYSPACE, 1))
                    .isInstanceOf(ClientResult.Completed.class);
            cluster.runFor(3 * SECOND);
            List<NodeEvent> events = new ArrayList<>();
            List<Long> seenAtMicros = new ArrayList<>(); // simulated time, not the node's clock
            cluster.addListener(new SimListener() {
                @Override
                public void onNodeEvent(NodeEvent event) {
                    events.add(event);
                    seenAtMicros.add(cluster.nowMicros());
                }
            });
            NodeId added = cluster.addNode();
            long startedMicros = cluster.nowMicros();
            long ringDelay = cluster.config().ringDelayMicros();
            // listens a ring delay, announces, waits a ring delay, then the schema wait runs to its bound
            long failBy = 2 * ringDelay + BOUND + 10 * SECOND;
            assertThat(cluster.runUntil(() -> failure(events, added) != null, failBy))
                    .as("seed %d: the join failed within the bound", seed).isTrue();
            NodeEvent failed = failure(events, added);
            assertThat(failed.detail()).as("seed %d", seed).contains(laggard + " holds schema ")
                    .contains("this node holds schema ").contains("schema_agreement_timeout_ms");
            long failedAfter = seenAtMicros.get(events.indexOf(failed)) - startedMicros;
            assertThat(failedAfter).as("seed %d: not before the bound", seed)
                    .isGreaterThanOrEqualTo(2 * ringDelay + BOUND);
            cluster.runFor(5 * SECOND);
            for (NodeId node : List.of(via, cluster.nodeIds().get(1), laggard)) {
                assertThat(cluster.node(node).membershipView().moveOf(added))
                        .as("seed %d: %s still plans the withdrawn join", seed, node).isNull();
            }
            assertThat(cluster.isNormal(added)).isFalse();
            assertThat(cluster.node(added).status().streams()).as("seed %d: streamed nothing", seed).isEmpty();
            assertThat(cluster.node(added).status().movesInProgress())
                    .as("seed %d: status says why", seed).anySatisfy(line -> assertThat(line).contains("failed"));

            cluster.network().blockMessages(null);
            long agreeable = cluster.nowMicros();
            assertThat(cluster.runUntil(() -> cluster.isNormal(added), 180 * SECOND))
                    .as("seed %d: joined once the schemas agree", seed).isTrue();
            assertThat(cluster.node(added).schema().table(RowTable.KEYSPACE, RowTable.NAME)).isNotNull();
            assertThat(cluster.unhandledExceptions()).isEmpty();
            System.out.printf("seed %d: join failed %.1f s after it started, joined %.1f s after the schemas could "
                    + "agree%n", seed, failedAfter / 1e6, (cluster.nowMicros() - agreeable) / 1e6);
        }
    }

    private static NodeEvent failure(List<NodeEvent> events, NodeId node) {
        return events.stream().filter(e -> e.node().equals(node) && e.kind() == NodeEvent.Kind.ERROR
                && e.detail().contains("failed: the schemas did not agree")).findFirst().orElse(null);
    }
}
