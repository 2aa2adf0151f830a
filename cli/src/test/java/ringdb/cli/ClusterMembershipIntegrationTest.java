package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import ringdb.cli.cluster.LocalCluster;
import ringdb.client.RingClient;

/** Membership changes on a real cluster through the CLI: add a node, decommission it, remove a dead one. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(240)
class ClusterMembershipIntegrationTest {
    private static final int KEYS = 300;
    private static final String[] FAST =
            {"--server-flag=--gossip-interval-ms=200", "--server-flag=--ring-delay-ms=1000"};
    private ClusterHarness cluster;

    @BeforeAll
    void startCluster() throws Exception {
        Path dir = Files.createTempDirectory("ringdb-membership-it-");
        cluster = new ClusterHarness(dir);
        ClusterHarness.Run start = ClusterHarness.cli("cluster", "start", "--dir", dir.toString(),
                "--nodes", "3", "--rf", "2", "--internode-port", "0", "--http-port", "0", "--wait-seconds", "60",
                "--heap", "256m", FAST[0], FAST[1]);
        assertThat(start.exitCode()).as(start.out() + start.err()).isZero();
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void writeKeys() {
        try (RingClient client = new RingClient(cluster.httpAddresses(), RingClient.Options.defaults())) {
            for (int i = 0; i < KEYS; i++) {
                client.put(("member-" + i).getBytes(StandardCharsets.UTF_8), ("v" + i).getBytes(StandardCharsets.UTF_8),
                        "QUORUM");
            }
        }
    }

    private void assertEveryKeyReadsBackAtQuorumThrough(List<String> hosts) {
        for (String host : hosts) {
            try (RingClient client = new RingClient(List.of(host), new RingClient.Options(5_000, 60_000, 1, false))) {
                for (int i = 0; i < KEYS; i++) {
                    Optional<RingClient.Value> value =
                            client.get(("member-" + i).getBytes(StandardCharsets.UTF_8), "QUORUM");
                    assertThat(value).as("member-" + i + " through " + host).isPresent();
                    assertThat(new String(value.get().value(), StandardCharsets.UTF_8)).isEqualTo("v" + i);
                }
            }
        }
    }

    private long upAndNormal(String host) {
        JsonNode json = cluster.clusterAt(host);
        long count = 0;
        for (JsonNode member : json.path("members")) {
            if (member.path("up").asBoolean() && member.path("state").asText().equals("NORMAL")) {
                count++;
            }
        }
        return count;
    }

    @Test
    void addDecommissionAndRemoveKeepEveryQuorumWrite() throws Exception {
        writeKeys();
        ClusterHarness.Run join = ClusterHarness.cli("join", "--host", cluster.http(0));
        assertThat(join.exitCode()).isNotZero();
        assertThat(join.err()).contains("--auto-bootstrap true");

        ClusterHarness.Run add = ClusterHarness.cli("cluster", "add", "--dir", cluster.dir.toString(), "--heap", "256m",
                "--wait-seconds", "120", FAST[0], FAST[1]);
        assertThat(add.exitCode()).as(add.out() + add.err()).isZero();
        LocalCluster.Member added = cluster.members().get(3);
        ClusterHarness.Run status = ClusterHarness.cli("status", "--host", added.httpAddress());
        assertThat(status.out().lines().filter(line -> line.startsWith("UN ")).count()).as(status.out()).isEqualTo(4);
        assertEveryKeyReadsBackAtQuorumThrough(List.of(added.httpAddress(), cluster.http(0)));

        ClusterHarness.Run cleanup = ClusterHarness.cli("cleanup", "--host", cluster.http(0));
        assertThat(cleanup.exitCode()).as("cleanup after the join: " + cleanup.out() + cleanup.err()).isZero();
        assertEveryKeyReadsBackAtQuorumThrough(List.of(added.httpAddress(), cluster.http(0)));

        ClusterHarness.Run refused = ClusterHarness.cli("removenode", cluster.internode(1), "--host", cluster.http(0));
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains(cluster.internode(1));

        ClusterHarness.Run decommission = ClusterHarness.cli("decommission", "--host", added.httpAddress(),
                "--timeout-ms", "120000");
        assertThat(decommission.exitCode()).as(decommission.out() + decommission.err()).isZero();
        assertThat(decommission.out()).contains("left the ring").contains("live nodes agree on the ring");
        ClusterHarness.await("three nodes up and NORMAL after the decommission", Duration.ofSeconds(30),
                () -> upAndNormal(cluster.http(0)) == 3);
        assertEveryKeyReadsBackAtQuorumThrough(List.of(cluster.http(0), cluster.http(2)));

        LocalCluster.Member victim = cluster.members().get(2);
        victim.process().orElseThrow().destroyForcibly();
        assertThat(victim.process().get().onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
        ClusterHarness.await("the dead node seen down", Duration.ofSeconds(30),
                () -> upAndNormal(cluster.http(0)) == 2);
        ClusterHarness.Run remove = ClusterHarness.cli("removenode", victim.internodeAddress(),
                "--host", cluster.http(0), "--timeout-ms", "120000");
        assertThat(remove.exitCode()).as(remove.out() + remove.err()).isZero();
        assertThat(remove.out()).contains("removed from the ring").contains("all 2 live nodes agree on the ring");
        assertEveryKeyReadsBackAtQuorumThrough(List.of(cluster.http(0), cluster.http(1)));
    }
}
