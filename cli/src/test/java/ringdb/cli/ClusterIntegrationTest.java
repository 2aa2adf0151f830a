package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import ringdb.client.RingClient;

/**
 * A real 3-node cluster (RF 3) of separate JVMs on 127.0.0.1, started and inspected through the
 * CLI. The fault tests ({@link ClusterFaultIntegrationTest}) reuse the pattern.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class ClusterIntegrationTest {
    private ClusterHarness cluster;

    @BeforeAll
    void startCluster() throws Exception {
        Path dir = Files.createTempDirectory("ringdb-it-");
        cluster = new ClusterHarness(dir);
        ClusterHarness.Run start = ClusterHarness.cli("cluster", "start", "--dir", dir.toString(),
                "--nodes", "3", "--rf", "3", "--internode-port", "0", "--http-port", "0", "--wait-seconds", "60",
                "--heap", "256m", "--server-flag=--gossip-interval-ms=200");
        assertThat(start.exitCode()).as(start.out() + start.err()).isZero();
        assertThat(start.out()).contains("cluster of 3 nodes is up");
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(7)
    void aRunningNodeFlushesItsMemtableToATable() throws Exception {
        String host = cluster.http(1);
        assertThat(ClusterHarness.cli("put", "flushed", "v", "--cl", "ALL", "--host", host).exitCode()).isZero();
        ClusterHarness.Run flush = ClusterHarness.cli("flush", "--host", host);
        assertThat(flush.exitCode()).as(flush.out() + flush.err()).isZero();
        JsonNode answer = new ObjectMapper().readTree(flush.out());
        assertThat(answer.path("memtable_bytes_flushed").asLong()).isPositive();
        assertThat(answer.path("tables").asInt()).isPositive();
        ClusterHarness.Run again = ClusterHarness.cli("flush", "--host", host);
        assertThat(new ObjectMapper().readTree(again.out()).path("memtable_bytes_flushed").asLong())
                .as("nothing left to flush").isZero();

        ClusterHarness.Run started = ClusterHarness.cli("flush", "--no-wait", "--host", host);
        assertThat(started.exitCode()).as(started.out() + started.err()).isZero();
        String id = started.out().trim();
        assertThat(id).as("--no-wait prints the job's id").matches("flush-\\d+");
        ClusterHarness.await(id + " listed as succeeded", Duration.ofSeconds(60), () -> {
            ClusterHarness.Run jobs = ClusterHarness.cli("jobs", "--host", host);
            return jobs.exitCode() == 0 && jobs.out().lines().anyMatch(line -> line.startsWith(id + " ")
                    && line.contains("succeeded") && line.contains("flushed 0 memtable bytes"));
        });
        ClusterHarness.Run listed = ClusterHarness.cli("jobs", "--host", host);
        assertThat(listed.out()).contains("ID").contains("KIND").contains("STATE").contains("PROGRESS")
                .containsPattern("flush-\\d+ +flush +succeeded");
        JsonNode job = new ObjectMapper().readTree(ClusterHarness.cli("jobs", id, "--host", host).out());
        assertThat(job.path("kind").asText()).isEqualTo("flush");
        assertThat(job.path("result").path("memtable_bytes_flushed").asLong()).isZero();
        ClusterHarness.Run unknown = ClusterHarness.cli("jobs", "repair-999", "--host", host);
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.err()).contains("no job repair-999");
    }

    @Test
    @Order(7)
    void aRunningNodeTakesASnapshotOfItsTablesAndRefusesATakenOrBadName() throws Exception {
        String host = cluster.http(0);
        assertThat(ClusterHarness.cli("put", "snapshotted", "v", "--cl", "ALL", "--host", host).exitCode()).isZero();
        ClusterHarness.Run take = ClusterHarness.cli("snapshot", "take", "before-upgrade", "--host", host);
        assertThat(take.exitCode()).as(take.out() + take.err()).isZero();
        assertThat(take.out()).contains("\"name\" : \"before-upgrade\"");
        Path snapshot = Path.of(new ObjectMapper().readTree(take.out()).path("directory").asText());
        assertThat(snapshot).startsWith(cluster.members().get(0).directory());
        try (var tables = Files.list(snapshot)) {
            assertThat(tables.count()).as("the flushed memtable is a table in the snapshot").isPositive();
        }
        ClusterHarness.Run again = ClusterHarness.cli("snapshot", "take", "before-upgrade", "--host", host);
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.err()).contains("snapshot before-upgrade already exists");
        ClusterHarness.Run bad = ClusterHarness.cli("snapshot", "take", "../elsewhere", "--host", host);
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("snapshot name must be 1-128 characters");
    }

    @Test
    @Order(8)
    void theYcsbLoadGeneratorLoadsAndRunsOverBothProtocolsWithoutErrors() throws Exception {
        String hosts = String.join(",", cluster.httpAddresses());
        Path json = cluster.dir.resolve("ycsb.json");
        ClusterHarness.Run nativeRun = ClusterHarness.cli("bench", "cluster", "--host", hosts, "--workload", "A",
                "--records", "300", "--threads", "4", "--duration", "2", "--progress-seconds", "1", "--cl", "QUORUM",
                "--json", json.toString());
        assertThat(nativeRun.exitCode()).as(nativeRun.out() + nativeRun.err()).isZero();
        assertThat(nativeRun.out()).contains("native protocol").contains("[load]").contains("[run]")
                .contains("READ").contains("UPDATE");
        JsonNode result = new ObjectMapper().readTree(json.toFile());
        assertThat(result.path("load").path("operations").asLong()).isEqualTo(300);
        assertThat(result.path("run").path("operations").asLong()).isPositive();
        for (JsonNode operation : result.path("run").path("operationStats")) {
            assertThat(operation.path("errors").asLong()).as(operation.toString()).isZero();
            assertThat(operation.path("p99Micros").asLong()).isPositive();
        }
        ClusterHarness.Run httpRun = ClusterHarness.cli("bench", "cluster", "--host", hosts, "--workload", "C",
                "--records", "300", "--threads", "4", "--duration", "1", "--no-load", "--protocol", "http");
        assertThat(httpRun.exitCode()).as(httpRun.out() + httpRun.err()).isZero();
        assertThat(httpRun.out()).contains("http protocol").contains("READ");
    }

    @Test
    @Order(1)
    void writesAndReadsAtEveryConsistencyLevelThroughTheCli() {
        String host = cluster.http(0);
        for (String cl : List.of("ONE", "QUORUM", "ALL")) {
            ClusterHarness.Run put = ClusterHarness.cli("put", "greeting-" + cl, "hello " + cl, "--cl", cl,
                    "--host", host);
            assertThat(put.exitCode()).as(put.err()).isZero();
            assertThat(put.out()).startsWith("OK timestamp=");
            for (String reader : cluster.httpAddresses()) {
                ClusterHarness.Run get = ClusterHarness.cli("get", "greeting-" + cl, "--cl", cl, "--host", reader);
                assertThat(get.exitCode()).as(get.err()).isZero();
                assertThat(get.out()).isEqualTo("hello " + cl + System.lineSeparator());
            }
        }
        ClusterHarness.Run delete = ClusterHarness.cli("delete", "greeting-ONE", "--cl", "ALL",
                "--host", cluster.http(1));
        assertThat(delete.exitCode()).isZero();
        ClusterHarness.Run gone = ClusterHarness.cli("get", "greeting-ONE", "--cl", "QUORUM",
                "--host", cluster.http(2));
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.err()).contains("not found: greeting-ONE");
    }

    @Test
    @Order(2)
    void valuesFromAFileAndBinarySafeKeysRoundTrip() throws Exception {
        Path file = Files.createTempFile(cluster.dir, "value", ".bin");
        byte[] bytes = new byte[70_000];
        new Random(7).nextBytes(bytes);
        Files.write(file, bytes);
        String key = "dir/with spaces/ünïcode?&=";
        ClusterHarness.Run put = ClusterHarness.cli("put", key, "--file", file.toString(), "--cl", "QUORUM",
                "--host", cluster.http(0));
        assertThat(put.exitCode()).as(put.err()).isZero();
        Path out = cluster.dir.resolve("read-back.bin");
        ClusterHarness.Run get = ClusterHarness.cli("get", key, "--cl", "QUORUM", "--output", out.toString(),
                "--host", cluster.http(2));
        assertThat(get.exitCode()).as(get.err()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(bytes);
    }

    @Test
    @Order(3)
    void statusReportsEveryNodeUpAndNormalWithTokensAndOwnership() {
        ClusterHarness.Run status = ClusterHarness.cli("status", "--host", cluster.http(1));
        assertThat(status.exitCode()).as(status.err()).isZero();
        for (int i = 0; i < 3; i++) {
            assertThat(status.out()).containsPattern("UN  " + Pattern.quote(cluster.internode(i))
                    + " +\\S+( \\S+)? +16 +\\d+\\.\\d%");
        }
        JsonNode json = cluster.clusterAt(cluster.http(2));
        double owned = 0;
        for (JsonNode member : json.path("members")) {
            owned += member.path("ownership").asDouble();
            assertThat(member.path("tokens")).hasSize(16);
        }
        assertThat(owned).isCloseTo(1.0, Offset.offset(1e-6));
        assertThat(json.path("replication_factor").asInt()).isEqualTo(3);
        ClusterHarness.Run local = ClusterHarness.cli("cluster", "status", "--dir", cluster.dir.toString());
        assertThat(local.exitCode()).isZero();
        assertThat(local.out()).contains("node1  pid").contains("node3  pid");
    }

    @Test
    @Order(4)
    void aDecommissionThatWouldBreakTheReplicationFactorIsRefusedWithTheReason() {
        ClusterHarness.Run decommission = ClusterHarness.cli("decommission", "--host", cluster.http(2));
        assertThat(decommission.exitCode()).isNotZero();
        assertThat(decommission.err()).contains("cannot decommission " + cluster.internode(2))
                .contains("fewer than the replication factor").contains("HTTP 409");
        ClusterHarness.Run status = ClusterHarness.cli("status", "--host", cluster.http(0));
        assertThat(status.out().lines().filter(line -> line.startsWith("UN ")).count()).isEqualTo(3);
    }

    @Test
    @Order(5)
    void ringClientRoutesEachKeyToAReplica() {
        try (RingClient client = new RingClient(List.of(cluster.http(0)), RingClient.Options.defaults())) {
            routeAndReadBack(client);
        }
    }

    private static void routeAndReadBack(RingClient client) {
        for (int i = 0; i < 50; i++) {
            client.put(("routed-" + i).getBytes(StandardCharsets.UTF_8), ("v" + i).getBytes(StandardCharsets.UTF_8),
                    "QUORUM");
        }
        for (int i = 0; i < 50; i++) {
            Optional<RingClient.Value> value = client.get(("routed-" + i).getBytes(StandardCharsets.UTF_8), "QUORUM");
            assertThat(value).isPresent();
            assertThat(new String(value.get().value(), StandardCharsets.UTF_8)).isEqualTo("v" + i);
        }
        JsonNode ring = client.ring("routed-1".getBytes(StandardCharsets.UTF_8));
        assertThat(ring.path("replicas")).hasSize(3);
    }

    @Test
    @Order(6)
    void startingAgainWhileRunningIsRefused() {
        ClusterHarness.Run again = ClusterHarness.cli("cluster", "start", "--dir", cluster.dir.toString(),
                "--wait-seconds", "5");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("already running");
    }

    static Duration shortly() {
        return Duration.ofSeconds(30);
    }
}
