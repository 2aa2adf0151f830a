package ringdb.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Three real nodes on three "hosts" (network namespaces with their own addresses, every node on the
 * same ports, seeds by address): the cluster forms and serves, and a partition that cuts one host
 * off and then heals loses no acknowledged write and never serves a stale value.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(240)
class NamespaceClusterIntegrationTest {
    /**
     * Fast gossip, with a failure detector that still needs a stall of about 5 s to convict a live
     * node (so a busy machine does not make the majority lose a member), and request timeouts long
     * enough for a busy machine yet short enough for the isolated node's timeouts.
     */
    static final List<String> FAST = List.of("--replication-factor", "3", "--gossip-interval-ms", "200",
            "--phi-convict-threshold", "12", "--ring-delay-ms", "1000", "--read-request-timeout-ms", "4000",
            "--write-request-timeout-ms", "4000");
    private static final Duration FORM = Duration.ofSeconds(90);
    private static final Duration CONVICT = Duration.ofSeconds(30);
    private static final int KEYS = 24;
    private NamespaceCluster cluster;
    private NamespaceClient client;

    @BeforeAll
    void startCluster() throws Exception {
        String unavailable = NamespaceCluster.unavailableReason();
        assumeThat(unavailable).as("skipped: " + unavailable).isNull();
        cluster = new NamespaceCluster(Files.createTempDirectory("ringdb-netns-it-"), 3, FAST);
        for (int host = 1; host <= 3; host++) {
            cluster.start(host, List.of(cluster.internodeAddress(1)));
        }
        client = cluster.client();
        awaitEveryNodeSees(3, FORM);
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void awaitEveryNodeSees(int upAndNormal, Duration timeout) {
        for (int host = 1; host <= 3; host++) {
            String node = cluster.httpAddress(host);
            int index = host;
            try {
                NamespaceCluster.await(node + " seeing " + upAndNormal + " nodes up and NORMAL", timeout,
                        () -> client.upAndNormal(node) == upAndNormal);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; its log ends:\n" + cluster.logTail(index), e);
            }
        }
    }

    @Test
    @Order(1)
    void threeHostsFormOneClusterAndServeQuorumThroughEveryNode() {
        Set<String> digests = new TreeSet<>();
        for (int host = 1; host <= 3; host++) {
            JsonNode view = client.cluster(cluster.httpAddress(host));
            assertThat(view.path("node").asText()).isEqualTo(cluster.internodeAddress(host));
            Set<String> ids = new TreeSet<>();
            for (JsonNode member : view.path("members")) {
                ids.add(member.path("id").asText() + " " + member.path("http").asText() + " "
                        + member.path("up").asBoolean() + " " + member.path("tokens").size());
            }
            assertThat(ids).as("members seen by host " + host).containsExactly(
                    cluster.internodeAddress(1) + " " + cluster.httpAddress(1) + " true 16",
                    cluster.internodeAddress(2) + " " + cluster.httpAddress(2) + " true 16",
                    cluster.internodeAddress(3) + " " + cluster.httpAddress(3) + " true 16");
            digests.add(view.path("ring_digest").asText());
        }
        assertThat(digests).as("every node sees the same ring").hasSize(1);
        for (int writer = 1; writer <= 3; writer++) {
            String key = "form-" + writer;
            assertThat(client.put(cluster.httpAddress(writer), "QUORUM", key, "from-" + writer).kind()).isEqualTo("ok");
            for (int reader = 1; reader <= 3; reader++) {
                NamespaceClient.Answer read = client.get(cluster.httpAddress(reader), "QUORUM", key);
                assertThat(read.toString()).as(key + " through host " + reader)
                        .startsWith("found from-" + writer + " ");
            }
        }
    }

    @Test
    @Order(2)
    void aPartitionedHostRefusesQuorumWhileTheMajorityLosesNothingAndServesNothingStale() {
        Workload workload = new Workload(client, List.of(cluster.httpAddress(1), cluster.httpAddress(2)));
        workload.steps(2 * KEYS, true);

        cluster.partition(3);
        NamespaceClient isolated = cluster.client(cluster.hostNamespace(3));
        String node3 = cluster.httpAddress(3);
        Map<String, String> attemptedThroughIsolated = new LinkedHashMap<>();
        // before its peers are convicted the isolated node times out (504), afterwards it refuses at once (503)
        List<Integer> isolatedAnswers = new ArrayList<>();
        isolatedAttempts(isolated, node3, workload, attemptedThroughIsolated, isolatedAnswers, 0, 1);
        NamespaceCluster.await("the majority convicting the isolated host", CONVICT, () -> {
            workload.steps(4, false);
            return client.upAndNormal(cluster.httpAddress(1)) == 2 && client.upAndNormal(cluster.httpAddress(2)) == 2;
        });
        NamespaceCluster.await("the isolated host convicting its peers", CONVICT,
                () -> isolated.upAndNormal(node3) == 1);
        workload.steps(2 * KEYS, true);
        isolatedAttempts(isolated, node3, workload, attemptedThroughIsolated, isolatedAnswers, 1, 3);
        workload.steps(KEYS, true);

        cluster.heal(3);
        awaitEveryNodeSees(3, CONVICT);
        Workload healed = workload.through(List.of(cluster.httpAddress(1), cluster.httpAddress(2), node3));
        healed.steps(2 * KEYS, false);
        for (int host = 1; host <= 3; host++) {
            workload.checkEveryKeyThrough(cluster.httpAddress(host));
        }
        for (Map.Entry<String, String> attempt : attemptedThroughIsolated.entrySet()) {
            NamespaceClient.Answer read = client.get(cluster.httpAddress(1), "QUORUM", attempt.getKey());
            // a write that timed out has an unknown outcome (as in Cassandra): absent, or the value attempted
            if (!read.kind().equals("missing")) {
                assertThat(read.kind() + " " + read.value()).as(attempt.getKey())
                        .isEqualTo("found " + attempt.getValue());
            }
        }
        assertThat(workload.acknowledged()).as("writes acknowledged in all").isGreaterThanOrEqualTo(5 * KEYS);
        System.out.println("partition workload: " + workload.summary() + "; through the isolated node: "
                + isolatedAnswers);
    }

    /** {@code count} QUORUM reads and writes through the isolated node: each must fail, none may return data. */
    private static void isolatedAttempts(NamespaceClient isolated, String node, Workload workload,
                                         Map<String, String> attempted, List<Integer> statuses, int round,
                                         int count) {
        for (int i = 0; i < count; i++) {
            String key = workload.key(i + round * 5);
            NamespaceClient.Answer read = isolated.get(node, "QUORUM", key);
            assertThat(read.isError()).as("QUORUM read of " + key + " through the isolated node: " + read).isTrue();
            assertThat(read.status()).as(read.toString()).isIn(503, 504);
            statuses.add(read.status());
            String isolatedKey = "iso-" + round + "-" + i;
            attempted.put(isolatedKey, "lost-" + round + "-" + i);
            NamespaceClient.Answer write = isolated.put(node, "QUORUM", isolatedKey, "lost-" + round + "-" + i);
            assertThat(write.isError()).as("QUORUM write through the isolated node: " + write).isTrue();
            assertThat(write.status()).as(write.toString()).isIn(503, 504);
            statuses.add(write.status());
        }
    }

    /**
     * QUORUM writes and reads of a few keys in turns through the given nodes, one at a time, with a
     * model of what was acknowledged: every value is "seq-N" with N increasing per key; a read must
     * return at least the last acknowledged N of its key (when the read began) and at most the last
     * attempted one (nothing invented).
     */
    static final class Workload {
        private final NamespaceClient client;
        private final List<String> nodes;
        private final Map<String, Integer> lastAcknowledged;
        private final Map<String, Integer> lastAttempted;
        private final Set<String> unknownOutcome;
        private final int[] counters;

        Workload(NamespaceClient client, List<String> nodes) {
            this(client, nodes, new HashMap<>(), new HashMap<>(), new HashSet<>(), new int[4]);
        }

        private Workload(NamespaceClient client, List<String> nodes, Map<String, Integer> lastAcknowledged,
                         Map<String, Integer> lastAttempted, Set<String> unknownOutcome, int[] counters) {
            this.client = client;
            this.nodes = nodes;
            this.lastAcknowledged = lastAcknowledged;
            this.lastAttempted = lastAttempted;
            this.unknownOutcome = unknownOutcome;
            this.counters = counters;
        }

        /** The same model, coordinated by other nodes. */
        Workload through(List<String> others) {
            return new Workload(client, others, lastAcknowledged, lastAttempted, unknownOutcome, counters);
        }

        String key(int index) {
            return "part-" + Math.floorMod(index, KEYS);
        }

        int acknowledged() {
            return counters[1];
        }

        /** Steps, acknowledged writes, reads checked, and requests that failed where failures were allowed. */
        String summary() {
            return counters[0] + " steps, " + counters[1] + " writes acknowledged, " + counters[2] + " reads checked, "
                    + counters[3] + " requests failed while the partition was not yet detected or healed";
        }

        /**
         * {@code count} steps: a write of the next key through one node, then a read of an earlier
         * key through the next node. With {@code mustSucceed}, a refused or timed-out request fails
         * the test (the majority serves everything); without, only a stale or invented value does.
         */
        void steps(int count, boolean mustSucceed) {
            for (int i = 0; i < count; i++) {
                int step = counters[0]++;
                String key = key(step);
                int sequence = lastAttempted.merge(key, 1, Integer::sum);
                String writer = nodes.get(step % nodes.size());
                NamespaceClient.Answer write = client.put(writer, "QUORUM", key, "seq-" + sequence);
                if (write.kind().equals("ok")) {
                    lastAcknowledged.put(key, sequence);
                    unknownOutcome.remove(key);
                    counters[1]++;
                } else {
                    assertThat(mustSucceed).as("write of " + key + " through " + writer + ": " + write).isFalse();
                    unknownOutcome.add(key);
                    counters[3]++;
                }
                String readKey = key(step * 7 + 3);
                String reader = nodes.get((step + 1) % nodes.size());
                NamespaceClient.Answer read = client.get(reader, "QUORUM", readKey);
                if (read.isError()) {
                    assertThat(mustSucceed).as("read of " + readKey + " through " + reader + ": " + read).isFalse();
                    counters[3]++;
                    continue;
                }
                checkRead(readKey, reader, read);
                counters[2]++;
            }
        }

        private void checkRead(String key, String reader, NamespaceClient.Answer read) {
            int acknowledged = lastAcknowledged.getOrDefault(key, 0);
            String what = "QUORUM read of " + key + " through " + reader + " after seq-" + acknowledged
                    + " was acknowledged";
            if (!read.kind().equals("found")) {
                assertThat(acknowledged).as(what + ": " + read).isZero();
                return;
            }
            assertThat(read.value()).as(what).startsWith("seq-");
            int sequence = Integer.parseInt(read.value().substring(4));
            assertThat(sequence).as(what + " (stale if lower)").isGreaterThanOrEqualTo(acknowledged);
            assertThat(sequence).as(what + " (never written if higher)")
                    .isLessThanOrEqualTo(lastAttempted.getOrDefault(key, 0));
        }

        /** Every key written reads back at QUORUM through {@code node} with its last acknowledged value. */
        void checkEveryKeyThrough(String node) {
            for (Map.Entry<String, Integer> entry : lastAttempted.entrySet()) {
                NamespaceClient.Answer read = client.get(node, "QUORUM", entry.getKey());
                assertThat(read.kind()).as(entry.getKey() + " through " + node + ": " + read).isEqualTo("found");
                if (unknownOutcome.contains(entry.getKey())) {
                    checkRead(entry.getKey(), node, read);
                } else {
                    assertThat(read.value()).as(entry.getKey() + " through " + node)
                            .isEqualTo("seq-" + lastAcknowledged.get(entry.getKey()));
                }
            }
        }
    }
}
