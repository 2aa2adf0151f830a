package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import ringdb.cli.cluster.LocalCluster;
import ringdb.client.RingClient;
import ringdb.client.RingClientException;

/**
 * A join with one of the cluster's nodes cut off: real node processes on 127.0.0.1 (RF 2), a fourth
 * node added, and while it joins another node is frozen with SIGSTOP, so none of its traffic (internode
 * and client) flows, right after the new node announced itself JOINING: to the others it is
 * partitioned away and convicted. QUORUM writes go on through a live node; the join cannot pass its
 * last progress barrier without the frozen replica (a quorum of a replica set of two), so it waits;
 * once the node is thawed (the partition heals) the join completes, and every write acknowledged at
 * QUORUM reads back at QUORUM through the new node and an old one.
 */
@Timeout(480)
class JoinPartitionIntegrationTest {
    private static final String[] FAST =
            {"--server-flag=--gossip-interval-ms=200", "--server-flag=--ring-delay-ms=1000"};
    private static final int KEYS = 200;

    @Test
    void aJoinWaitsThroughAPartitionAndEveryQuorumWriteReadsBackAfterItHeals() throws Exception {
        Path dir = Files.createTempDirectory("ringdb-join-partition-it-");
        ClusterHarness cluster = new ClusterHarness(dir);
        ProcessHandle frozen = null;
        try {
            ClusterHarness.Run start = ClusterHarness.cli("cluster", "start", "--dir", dir.toString(), "--nodes", "3",
                    "--rf", "2", "--internode-port", "0", "--http-port", "0", "--wait-seconds", "150", "--heap", "256m",
                    FAST[0], FAST[1]);
            assertThat(start.exitCode()).as(start.out() + start.err()).isZero();
            String live = cluster.http(0);
            LocalCluster.Member cutOff = cluster.members().get(1);

            CompletableFuture<ClusterHarness.Run> add = CompletableFuture.supplyAsync(() -> ClusterHarness.cli(
                    "cluster", "add", "--dir", dir.toString(), "--heap", "256m", "--wait-seconds", "200",
                    FAST[0], FAST[1]));
            ClusterHarness.await("the fourth node started", Duration.ofSeconds(30),
                    () -> cluster.members().size() == 4 && cluster.members().get(3).process().isPresent());
            String joining = cluster.members().get(3).internodeAddress();
            ClusterHarness.await(joining + " announced JOINING", Duration.ofSeconds(150),
                    () -> stateAt(cluster, live, joining).equals("JOINING"));
            frozen = cutOff.process().orElseThrow();
            signal(frozen, "STOP");
            ClusterHarness.await(cutOff.internodeAddress() + " seen down", Duration.ofSeconds(30),
                    () -> !upAt(cluster, live, cutOff.internodeAddress()));

            List<Integer> acknowledged = writeAtQuorum(live);
            assertThat(acknowledged).as("QUORUM writes of ranges the cut-off node does not replicate").isNotEmpty();
            assertThat(stateAt(cluster, live, joining)).as("the join waits at its barrier while partitioned")
                    .isNotEqualTo("NORMAL");

            signal(frozen, "CONT");
            frozen = null;
            ClusterHarness.Run added = add.get(240, TimeUnit.SECONDS);
            assertThat(added.exitCode()).as("the join completes once the partition healed: " + added.out()
                    + added.err()).isZero();
            for (String host : List.of(cluster.members().get(3).httpAddress(), live)) {
                assertReadableAtQuorum(host, acknowledged);
            }
        } finally {
            if (frozen != null) {
                signal(frozen, "CONT");
            }
            cluster.close();
        }
    }

    private static List<Integer> writeAtQuorum(String host) {
        List<Integer> acknowledged = new ArrayList<>();
        try (RingClient client = new RingClient(List.of(host), new RingClient.Options(3_000, 60_000, 1, false))) {
            for (int i = 0; i < KEYS; i++) {
                try {
                    client.put(key(i), value(i), "QUORUM");
                    acknowledged.add(i);
                } catch (RingClientException e) {
                    // a range the frozen node replicates: unavailable or timed out, never acknowledged
                }
            }
        }
        return acknowledged;
    }

    private static void assertReadableAtQuorum(String host, List<Integer> acknowledged) {
        try (RingClient client = new RingClient(List.of(host), new RingClient.Options(5_000, 60_000, 1, false))) {
            for (int i : acknowledged) {
                Optional<RingClient.Value> read = client.get(key(i), "QUORUM");
                assertThat(read).as("acknowledged key " + i + " through " + host).isPresent();
                assertThat(read.get().value()).isEqualTo(value(i));
            }
        }
    }

    private static byte[] key(int i) {
        return ("partitioned-join-" + i).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value(int i) {
        return ("v" + i).getBytes(StandardCharsets.UTF_8);
    }

    private static boolean upAt(ClusterHarness cluster, String host, String member) {
        for (JsonNode node : cluster.clusterAt(host).path("members")) {
            if (node.path("id").asText().equals(member)) {
                return node.path("up").asBoolean();
            }
        }
        return false;
    }

    private static String stateAt(ClusterHarness cluster, String host, String member) {
        for (JsonNode node : cluster.clusterAt(host).path("members")) {
            if (node.path("id").asText().equals(member)) {
                return node.path("state").asText();
            }
        }
        return "UNKNOWN";
    }

    private static void signal(ProcessHandle process, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -" + signal + " " + process.pid()).isZero();
    }
}
