package ringdb.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node that moves to a new address keeps its identity in the ring, as a Cassandra node keeps its
 * host id: stopped, given a new address, started again with the same data directory, it serves
 * its data under its new address with its old tokens, and its old address leaves the ring; moved
 * back, it takes its first address's place again.
 */
@Timeout(240)
class NodeAddressChangeIntegrationTest {
    private static final Duration FORM = Duration.ofSeconds(90);
    private static final Duration CHANGE = Duration.ofSeconds(45);
    private static final int KEYS = 30;
    private static final int WRITTEN_WHILE_AWAY = 10;

    @Test
    void aNodeRestartedAtANewAddressWithItsDataKeepsItsPlaceInTheRingAndCanMoveBack() throws Exception {
        String unavailable = NamespaceCluster.unavailableReason();
        assumeThat(unavailable).as("skipped: " + unavailable).isNull();
        try (NamespaceCluster cluster = new NamespaceCluster(Files.createTempDirectory("ringdb-netns-move-"), 3,
                NamespaceClusterIntegrationTest.FAST)) {
            String seed = cluster.internodeAddress(1);
            for (int host = 1; host <= 3; host++) {
                cluster.start(host, List.of(seed));
            }
            NamespaceClient client = cluster.client();
            awaitUpAndNormal(cluster, client, List.of(1, 2, 3), 3, FORM);
            for (int i = 0; i < KEYS; i++) {
                assertThat(client.put(cluster.httpAddress(1), "ALL", "move-" + i, "before-" + i).kind())
                        .isEqualTo("ok");
            }
            String oldId = cluster.internodeAddress(3);
            List<Long> tokens = tokensOf(client.cluster(cluster.httpAddress(1)), oldId);
            assertThat(tokens).hasSize(16);

            cluster.stop(3);
            NamespaceCluster.await("host 1 seeing " + oldId + " down", CHANGE,
                    () -> client.upAndNormal(cluster.httpAddress(1)) == 2);
            for (int i = 0; i < WRITTEN_WHILE_AWAY; i++) {
                assertThat(client.put(cluster.httpAddress(1), "QUORUM", "move-" + i, "away-" + i).kind())
                        .isEqualTo("ok");
            }
            cluster.changeAddress(3, 13);
            String newId = cluster.internodeAddress(3);
            assertThat(newId).isEqualTo("10.213.0.13:7000");
            cluster.start(3, List.of(seed));
            awaitUpAndNormal(cluster, client, List.of(1, 2, 3), 3, CHANGE);

            assertTheRingHoldsHost3At(cluster, client, newId, tokens);
            NamespaceCluster.await("the moved node's catch-up from its peers", CHANGE,
                    () -> client.cluster(cluster.httpAddress(3)).path("recovery_done").asBoolean());

            // and back: the two ids now claim each other's place; the later start wins
            cluster.stop(3);
            NamespaceCluster.await("host 1 seeing " + newId + " down", CHANGE,
                    () -> client.upAndNormal(cluster.httpAddress(1)) == 2);
            cluster.changeAddress(3, 3);
            cluster.start(3, List.of(seed));
            awaitUpAndNormal(cluster, client, List.of(1, 2, 3), 3, CHANGE);
            assertTheRingHoldsHost3At(cluster, client, oldId, tokens);
            NamespaceCluster.await("the node's catch-up from its peers", CHANGE,
                    () -> client.cluster(cluster.httpAddress(3)).path("recovery_done").asBoolean());

            // with host 2 gone, a QUORUM of 3 replicas needs the moved node in its old node's place
            cluster.stop(2);
            awaitUpAndNormal(cluster, client, List.of(1, 3), 2, CHANGE);
            for (String coordinator : List.of(cluster.httpAddress(1), cluster.httpAddress(3))) {
                assertEveryKey(client, coordinator, "QUORUM");
            }
            // alone, the moved node answers at ONE from its own data: what it had, and what it caught up on
            cluster.stop(1);
            awaitUpAndNormal(cluster, client, List.of(3), 1, CHANGE);
            assertEveryKey(client, cluster.httpAddress(3), "ONE");
        }
    }

    private static void assertTheRingHoldsHost3At(NamespaceCluster cluster, NamespaceClient client, String id,
                                                  List<Long> tokens) {
        for (int host = 1; host <= 3; host++) {
            JsonNode view = client.cluster(cluster.httpAddress(host));
            assertThat(ringMembers(view).keySet()).as("the ring as host " + host + " sees it")
                    .containsExactlyInAnyOrder(cluster.internodeAddress(1), cluster.internodeAddress(2), id);
            assertThat(tokensOf(view, id)).as("the moved node's tokens").isEqualTo(tokens);
        }
    }

    private static void assertEveryKey(NamespaceClient client, String coordinator, String consistency) {
        for (int i = 0; i < KEYS; i++) {
            String expected = (i < WRITTEN_WHILE_AWAY ? "away-" : "before-") + i;
            NamespaceClient.Answer read = client.get(coordinator, consistency, "move-" + i);
            assertThat(read.kind() + " " + (read.kind().equals("found") ? read.value() : read.rest()))
                    .as("move-" + i + " at " + consistency + " through " + coordinator).isEqualTo("found " + expected);
        }
    }

    private static void awaitUpAndNormal(NamespaceCluster cluster, NamespaceClient client, List<Integer> hosts,
                                         int expected, Duration timeout) {
        for (int host : hosts) {
            String node = cluster.httpAddress(host);
            try {
                NamespaceCluster.await(node + " seeing " + expected + " nodes up and NORMAL", timeout,
                        () -> client.upAndNormal(node) == expected);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; its log ends:\n" + cluster.logTail(host), e);
            }
        }
    }

    /** The ring members in {@code view} (those owning tokens), with their tokens. */
    private static Map<String, List<Long>> ringMembers(JsonNode view) {
        Map<String, List<Long>> members = new TreeMap<>();
        for (JsonNode member : view.path("members")) {
            if (member.path("tokens").size() > 0) {
                members.put(member.path("id").asText(), tokensOf(view, member.path("id").asText()));
            }
        }
        return members;
    }

    private static List<Long> tokensOf(JsonNode view, String id) {
        List<Long> tokens = new ArrayList<>();
        for (JsonNode member : view.path("members")) {
            if (member.path("id").asText().equals(id)) {
                member.path("tokens").forEach(token -> tokens.add(token.asLong()));
            }
        }
        return tokens;
    }
}
