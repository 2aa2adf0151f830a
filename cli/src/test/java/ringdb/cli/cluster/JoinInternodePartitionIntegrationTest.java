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
    private static final int ONE_KEYS = 8;
    /** Hints are replayed when their target is seen up again, and every 10 s. */
    private static final Duration HINTS = Duration.ofSeconds(45);

    private NamespaceCluster cluster;
    private NamespaceClient client;
    private final QuorumHistory history = new QuorumHistory();
    private QuorumWorkload workload;
    private final long startedNanos = System.nanoTime();

    @BeforeAll
    void startCluster() throws Exception {
        String unavailable = NamespaceCluster.unavailableReason();
        assumeThat(unavailable).as("skipped: " + unavailable).isNull();
        cluster = NamespaceCluster.withInternodeNetwork(Files.createTempDirectory("ringdb-netns-join-"), HOSTS,
                NamespaceClusterIntegrationTest.FAST);
        for (int host = 1; host <= 3; host++) {
            cluster.start(host, List.of(cluster.internodeAddress(1)));
        }
        // the client processes start while the nodes do
        client = cluster.client();
        NamespaceClient workloadClient = cluster.client();
        awaitUpAndNormal(List.of(1, 2, 3), 3, FORM);
        phase("three nodes up and NORMAL");
        workload = QuorumWorkload.start(workloadClient, history, KEYS, http(1, 2, 3), WORKLOAD_AT_MOST);
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
        await(4, joiner + " announced JOINING", JOIN, () -> stateAt(1, joiner).equals("JOINING"));

        cluster.cutInternode(4);
        phase(joiner + " cut off");
        int acknowledgedAtCut = history.acknowledged();
        assertThat(stateAt(1, joiner)).as("cut off during its join").isEqualTo("JOINING");
        await("the others convicting " + joiner, CONVICT,
                () -> !upAt(1, joiner) && !upAt(2, joiner) && !upAt(3, joiner));
        await(joiner + " convicting its peers (its HTTP API still answers)", CONVICT, () -> seesEveryPeerDown(4));
        await(WRITES_WHILE_CUT + " QUORUM writes acknowledged while " + joiner + " is cut off", CONVICT,
                () -> history.acknowledged() >= acknowledgedAtCut + WRITES_WHILE_CUT);
        // cut off after the others acknowledged its announcement, it waits in its stream (no source
        // answers); cut off before, at the progress barrier: either way it says so
        await(4, joiner + " saying where its join waits", CONVICT, () -> waitsAtBarrierOrStream(4));
        JsonNode cutOff = client.cluster(cluster.httpAddress(4));
        assertThat(stateAt(4, joiner)).as("the join waits while cut off").isEqualTo("JOINING");
        assertThat(cutOff.path("moves_in_progress").toString()).as("where it waits").contains(joiner + " joining");
        for (int host = 1; host <= 3; host++) {
            assertThat(stateAt(host, joiner)).as("the join as host " + host + " sees it").isEqualTo("JOINING");
        }
        System.out.println("cut off while joining, " + joiner + " says: " + cutOff.path("moves_in_progress") + " "
                + cutOff.path("streams"));

        cluster.restoreInternode(4);
        phase(joiner + " reconnected");
        awaitUpAndNormal(List.of(1, 2, 3, 4), 4, JOIN);
        phase(joiner + " joined");
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
        phase(cutOff + " cut off");
        int acknowledgedAtCut = history.acknowledged();
        String ringBefore = client.cluster(node3).path("ring_digest").asText();
        // the new node only ever hears of node 3 from the others: it holds it down from the start
        String joiner = cluster.internodeAddress(5);
        cluster.start(5, List.of(cluster.internodeAddress(1)), "--auto-bootstrap", "true");
        await("the others convicting " + cutOff, CONVICT,
                () -> !upAt(1, cutOff) && !upAt(2, cutOff) && !upAt(4, cutOff));
        await(cutOff + " convicting its peers", CONVICT, () -> seesEveryPeerDown(3));
        await(5, joiner + " NORMAL for every node but the one cut off", JOIN, () -> IntStream.of(1, 2, 4, 5)
                .allMatch(host -> stateAt(host, joiner).equals("NORMAL")));
        phase(joiner + " joined without " + cutOff);
        // the join may finish before the workload wrote much: the others keep acknowledging QUORUM writes
        // while the node is still cut off
        await(WRITES_WHILE_CUT + " QUORUM writes acknowledged while " + cutOff + " is cut off", CONVICT,
                () -> history.acknowledged() >= acknowledgedAtCut + WRITES_WHILE_CUT);
        String ringAfter = client.cluster(cluster.httpAddress(1)).path("ring_digest").asText();
        assertThat(client.cluster(node3).path("ring_digest").asText()).as(cutOff + " missed the whole join")
                .isEqualTo(ringBefore).isNotEqualTo(ringAfter);
        assertThat(stateAt(3, joiner)).as("the joined node as " + cutOff + " sees it").isIn("UNKNOWN", "JOINING");
        refusesQuorumWhileCutOff(node3);
        List<String> writtenAtOne = writeAtOneThroughTheCutOffNode(node3);

        cluster.restoreInternode(3);
        phase(cutOff + " reconnected");
        workload.through(http(1, 2, 3, 4, 5));
        // at once, while it may still hold the old ring: every answer it gives must be current
        List<String> keys = new ArrayList<>(history.keys());
        int answered = 0;
        for (String key : keys) {
            answered += history.checkRead(key, node3, history.floor(key), client.get(node3, "QUORUM", key)) ? 1 : 0;
        }
        awaitUpAndNormal(List.of(1, 2, 3, 4, 5), 5, JOIN);
        phase("every node sees five up and NORMAL");
        await(3, cutOff + " holding the ring of the others", CONVICT, () -> client.cluster(node3).path("ring_digest")
                .asText().equals(client.cluster(cluster.httpAddress(1)).path("ring_digest").asText()));
        int throughNode3 = history.acknowledgedThrough(node3);
        await("QUORUM writes acknowledged through " + cutOff + " again", CONVICT,
                () -> history.acknowledgedThrough(node3) >= throughNode3 + 10);
        awaitReadableAtQuorumEverywhere(writtenAtOne);
        phase("the writes acknowledged at ONE while cut off reached the new replicas");
        workload.close();
        phase("workload stopped");
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

    /** A node cut off from its peers (and holding them down) refuses QUORUM reads and writes at once. */
    private void refusesQuorumWhileCutOff(String node) {
        for (String key : List.of("quorum-1", "quorum-2")) {
            NamespaceClient.Answer read = client.get(node, "QUORUM", key);
            assertThat(read.isError()).as("QUORUM read through the cut-off node: " + read).isTrue();
            assertThat(read.status()).as(read.toString()).isEqualTo(503);
            NamespaceClient.Answer write = client.put(node, "QUORUM", "cut-" + key, "unacknowledged");
            assertThat(write.isError()).as("QUORUM write through the cut-off node: " + write).isTrue();
            assertThat(write.status()).as(write.toString()).isEqualTo(503);
        }
    }

    /**
     * Writes at ONE through the cut-off node, which acknowledges those of keys it replicates on its
     * old ring (from its own copy, hinting its peers) and refuses the others; returns the keys it
     * acknowledged (one-KEY = KEY).
     */
    private List<String> writeAtOneThroughTheCutOffNode(String node) {
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < ONE_KEYS; i++) {
            NamespaceClient.Answer write = client.put(node, "ONE", "one-" + i, "v" + i);
            if (write.kind().equals("ok")) {
                acknowledged.add("one-" + i);
            } else {
                assertThat(write.status()).as("ONE write of one-" + i + ": " + write).isEqualTo(503);
            }
        }
        assertThat(acknowledged).as("ONE writes of keys the cut-off node replicated").isNotEmpty();
        return acknowledged;
    }

    /** Each key reads back at QUORUM through every node (hints deliver them: polled, bounded). */
    private void awaitReadableAtQuorumEverywhere(List<String> keys) {
        for (String key : keys) {
            for (int host = 1; host <= HOSTS; host++) {
                String node = cluster.httpAddress(host);
                await(key + " (acknowledged at ONE while cut off) at QUORUM through " + node, HINTS,
                        () -> client.get(node, "QUORUM", key).toString().startsWith("found v" + key.substring(4)
                                + " "));
            }
        }
    }

    private void phase(String what) {
        System.out.printf("[%5.1f s] %s%n", (System.nanoTime() - startedNanos) / 1e9, what);
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

    /** {@link #await}, with the end of the log of {@code host}'s node in the failure. */
    private void await(int host, String what, Duration timeout, BooleanSupplier condition) {
        try {
            await(what, timeout, condition);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the log of host " + host + " ends:\n" + cluster.logTail(host),
                    e);
        }
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

    private boolean waitsAtBarrierOrStream(int host) {
        JsonNode view = client.cluster(cluster.httpAddress(host));
        if (view == null) {
            return false;
        }
        if (view.path("moves_in_progress").toString().contains("waiting for the replicas")) {
            return true;
        }
        for (JsonNode session : view.path("stream_sessions")) {
            if (session.path("state").asText().equals("WAITING")) {
                return true;
            }
        }
        return false;
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
