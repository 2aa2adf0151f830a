package ringdb.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Joins under a partition of internode traffic alone, with real node processes (RF 3) on hosts of
 * their own: network namespaces where each node has its internode address on one network and its
 * client address on another, so that cutting a node's internode link cuts it off from its peers
 * while clients still reach it. QUORUM writes and reads go on through the nodes clients can use
 * throughout, each acknowledged write recorded; no QUORUM read may return a value older than a
 * write acknowledged before it began, and once everything settled every node reads every key's last
 * acknowledged value at QUORUM.
 *
 * <ol>
 *   <li>A fourth node is cut off from its peers right after it announced its join: the join waits
 *       (the node stays JOINING, and says so), writes go on, and once the link is back the join
 *       completes.</li>
 *   <li>An existing replica is cut off while a fifth node joins: the others are a quorum of every
 *       replica set, so the join completes without it. The cut-off node, which missed the whole
 *       ring change, refuses QUORUM requests while cut off and, once reconnected, answers none with
 *       the ring from before the join: it learns the new ring first.</li>
 * </ol>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class JoinInternodePartitionIntegrationTest {
    private static final Duration FORM = Duration.ofSeconds(90);
    private static final Duration CONVICT = Duration.ofSeconds(30);
    private static final Duration JOIN = Duration.ofSeconds(90);
    private static final Duration WORKLOAD_AT_MOST = Duration.ofSeconds(280);
    private static final int KEYS = 48;
    /** Writes acknowledged while a node is cut off, at least. */
    private static final int WRITES_WHILE_CUT = 20;
    private static final int HOSTS = 5;

    private NamespaceCluster cluster;
    private NamespaceClient client;
    private final QuorumHistory history = new QuorumHistory();
    private QuorumWorkload workload;

    @BeforeAll
    void startCluster() throws Exception {
        String unavailable = NamespaceCluster.unavailableReason();
        assumeThat(unavailable).as("skipped: " + unavailable).isNull();
        cluster = NamespaceCluster.withInternodeNetwork(Files.createTempDirectory("ringdb-netns-join-"), HOSTS,
                NamespaceClusterIntegrationTest.FAST);
        for (int host = 1; host <= 3; host++) {
            cluster.start(host, List.of(cluster.internodeAddress(1)));
        }
        client = cluster.client();
        awaitUpAndNormal(List.of(1, 2, 3), 3, FORM);
        workload = QuorumWorkload.start(cluster.client(), history, KEYS, http(1, 2, 3), WORKLOAD_AT_MOST);
    }

    @AfterAll
    void stopCluster() {
        try {
            if (workload != null) {
                workload.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    @Order(1)
    void aJoiningNodeCutOffFromItsPeersWaitsAndJoinsOnceReconnectedWithNoStaleQuorumRead() {
        String joiner = cluster.internodeAddress(4);
        // a longer ring delay keeps the join in its first step for a few seconds: time to cut it off there
        cluster.start(4, List.of(cluster.internodeAddress(1)), "--auto-bootstrap", "true", "--ring-delay-ms", "4000");
        await(joiner + " announced JOINING", JOIN, () -> stateAt(1, joiner).equals("JOINING"));

        cluster.cutInternode(4);
        int acknowledgedAtCut = history.acknowledged();
        assertThat(stateAt(1, joiner)).as("cut off during its join").isEqualTo("JOINING");
        await("the others convicting " + joiner, CONVICT,
                () -> !upAt(1, joiner) && !upAt(2, joiner) && !upAt(3, joiner));
        await(joiner + " convicting its peers (its HTTP API still answers)", CONVICT, () -> seesEveryPeerDown(4));
        await(WRITES_WHILE_CUT + " QUORUM writes acknowledged while " + joiner + " is cut off", CONVICT,
                () -> history.acknowledged() >= acknowledgedAtCut + WRITES_WHILE_CUT);
        JsonNode cutOff = client.cluster(cluster.httpAddress(4));
        assertThat(stateAt(4, joiner)).as("the join waits while cut off").isEqualTo("JOINING");
        assertThat(cutOff.path("moves_in_progress").toString()).as("where it waits").contains(joiner + " joining");
        for (int host = 1; host <= 3; host++) {
            assertThat(stateAt(host, joiner)).as("the join as host " + host + " sees it").isEqualTo("JOINING");
        }
        System.out.println("cut off while joining, " + joiner + " says: " + cutOff.path("moves_in_progress"));

        cluster.restoreInternode(4);
        awaitUpAndNormal(List.of(1, 2, 3, 4), 4, JOIN);
        workload.through(http(1, 2, 3, 4));
        int throughJoiner = history.acknowledgedThrough(cluster.httpAddress(4));
        await("QUORUM writes acknowledged through " + joiner, CONVICT,
                () -> history.acknowledgedThrough(cluster.httpAddress(4)) >= throughJoiner + 10);
        assertThat(history.violations()).as(history.summary()).isEmpty();
    }

    @Test
    @Order(2)
    void aReplicaCutOffThroughAWholeJoinLearnsTheNewRingBeforeItServesQuorum() {
        assertThat(client.upAndNormal(cluster.httpAddress(1))).as("the first join completed").isEqualTo(4);
        String cutOff = cluster.internodeAddress(3);
        String node3 = cluster.httpAddress(3);
        workload.through(http(1, 2, 4));
        cluster.cutInternode(3);
        int acknowledgedAtCut = history.acknowledged();
        await("the others convicting " + cutOff, CONVICT,
                () -> !upAt(1, cutOff) && !upAt(2, cutOff) && !upAt(4, cutOff));
        await(cutOff + " convicting its peers", CONVICT, () -> seesEveryPeerDown(3));
        String ringBefore = client.cluster(node3).path("ring_digest").asText();

        String joiner = cluster.internodeAddress(5);
        cluster.start(5, List.of(cluster.internodeAddress(1)), "--auto-bootstrap", "true");
        await(joiner + " NORMAL for every node but the one cut off", JOIN, () -> IntStream.of(1, 2, 4, 5)
                .allMatch(host -> stateAt(host, joiner).equals("NORMAL")));
        assertThat(history.acknowledged()).as("QUORUM writes acknowledged while " + cutOff + " was cut off")
                .isGreaterThanOrEqualTo(acknowledgedAtCut + WRITES_WHILE_CUT);
        JsonNode stale = client.cluster(node3);
        assertThat(stale.path("ring_digest").asText()).as(cutOff + " missed the whole join").isEqualTo(ringBefore)
                .isNotEqualTo(client.cluster(cluster.httpAddress(1)).path("ring_digest").asText());
        assertThat(stateAt(3, joiner)).as("the joined node as " + cutOff + " sees it").isIn("UNKNOWN", "JOINING");
        for (String key : List.of("quorum-1", "quorum-2")) {
            NamespaceClient.Answer read = client.get(node3, "QUORUM", key);
            assertThat(read.isError()).as("QUORUM read through the cut-off node: " + read).isTrue();
            NamespaceClient.Answer write = client.put(node3, "QUORUM", "cut-" + key, "never");
            assertThat(write.isError()).as("QUORUM write through the cut-off node: " + write).isTrue();
        }

        cluster.restoreInternode(3);
        workload.through(http(1, 2, 3, 4, 5));
        // at once, while it may still hold the old ring: every answer it gives must be current
        List<String> keys = new ArrayList<>(history.keys());
        int answered = 0;
        for (String key : keys) {
            answered += history.checkRead(key, node3, history.floor(key), client.get(node3, "QUORUM", key)) ? 1 : 0;
        }
        awaitUpAndNormal(List.of(1, 2, 3, 4, 5), 5, JOIN);
        await(cutOff + " holding the ring of the others", CONVICT, () -> client.cluster(node3).path("ring_digest")
                .asText().equals(client.cluster(cluster.httpAddress(1)).path("ring_digest").asText()));
        int throughNode3 = history.acknowledgedThrough(node3);
        await("QUORUM writes acknowledged through " + cutOff + " again", CONVICT,
                () -> history.acknowledgedThrough(node3) >= throughNode3 + 10);
        workload.close();
        for (int host = 1; host <= HOSTS; host++) {
            for (String key : history.keys()) {
                history.checkSettled(key, cluster.httpAddress(host), client.get(cluster.httpAddress(host), "QUORUM",
                        key));
            }
        }
        System.out.println("join partition workload: " + workload.steps() + " steps, " + history.summary()
                + "; right after reconnecting, " + cutOff + " answered " + answered + " of " + keys.size()
                + " QUORUM reads");
        assertThat(history.violations()).as(history.summary()).isEmpty();
    }

    private List<String> http(int... hosts) {
        return IntStream.of(hosts).mapToObj(cluster::httpAddress).toList();
    }

    /** Polls {@code condition} until {@code timeout}, failing at once if the workload died. */
    private void await(String what, Duration timeout, BooleanSupplier condition) {
        NamespaceCluster.await(what, timeout, () -> {
            workload.requireRunning();
            return condition.getAsBoolean();
        });
    }

    private void awaitUpAndNormal(List<Integer> hosts, int expected, Duration timeout) {
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

    /** The member {@code id} as host {@code host} sees it, or null when unknown to it (or it did not answer). */
    private JsonNode memberAt(int host, String id) {
        JsonNode view = client.cluster(cluster.httpAddress(host));
        if (view == null) {
            return null;
        }
        for (JsonNode member : view.path("members")) {
            if (member.path("id").asText().equals(id)) {
                return member;
            }
        }
        return null;
    }

    private String stateAt(int host, String id) {
        JsonNode member = memberAt(host, id);
        return member == null ? "UNKNOWN" : member.path("state").asText();
    }

    private boolean upAt(int host, String id) {
        JsonNode member = memberAt(host, id);
        return member != null && member.path("up").asBoolean();
    }

    private boolean seesEveryPeerDown(int host) {
        JsonNode view = client.cluster(cluster.httpAddress(host));
        if (view == null) {
            return false;
        }
        for (JsonNode member : view.path("members")) {
            if (!member.path("self").asBoolean() && member.path("up").asBoolean()) {
                return false;
            }
        }
        return true;
    }
}
