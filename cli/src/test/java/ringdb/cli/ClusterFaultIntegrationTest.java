package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import ringdb.cli.cluster.LocalCluster;
import ringdb.client.RingClient;
import ringdb.client.RingClientException;
import ringdb.core.NodeId;
import ringdb.core.message.GossipShutdown;
import ringdb.core.message.MessageCodec;
import ringdb.core.protocol.NativeProtocol;

/** Faults against a real 3-node cluster (RF 3): garbage on both ports, SIGKILL under load, restart. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300) // the sum of the bounded waits of the SIGKILL test, with room for a cluster restart
class ClusterFaultIntegrationTest {
    private static final long SEED = 20261124L;
    private ClusterHarness cluster;

    @BeforeAll
    void startCluster() throws Exception {
        Path dir = Files.createTempDirectory("ringdb-fault-it-");
        cluster = new ClusterHarness(dir);
        ClusterHarness.Run start = ClusterHarness.cli("cluster", "start", "--dir", dir.toString(),
                "--nodes", "3", "--rf", "3", "--internode-port", "0", "--http-port", "0", "--wait-seconds", "60",
                "--heap", "256m", "--server-flag=--gossip-interval-ms=200",
                "--server-flag=--max-value-size-bytes=65536");
        assertThat(start.exitCode()).as(start.out() + start.err()).isZero();
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static InetSocketAddress socketAddress(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** Sends {@code bytes} (then half-closes when asked) and returns what the node answered before closing. */
    private static String sendAndAwaitClose(String hostPort, byte[] bytes, boolean halfClose) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(socketAddress(hostPort), 2_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
            if (halfClose) {
                socket.shutdownOutput();
            }
            InputStream in = socket.getInputStream();
            byte[] answer = in.readAllBytes();
            return new String(answer, StandardCharsets.ISO_8859_1);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the node did not close the connection within 10 s", e);
        }
    }

    @Test
    @Order(1)
    void garbageOnTheInternodePortClosesTheConnectionAndTheNodeKeepsServing() throws Exception {
        String target = cluster.internode(0);
        Random random = new Random(SEED);
        byte[] noise = new byte[4096];
        random.nextBytes(noise);
        noise[0] = 0x5A;
        assertThat(sendAndAwaitClose(target, noise, false)).as("random bytes, seed " + SEED).isEmpty();
        ByteBuffer.wrap(noise).putInt(0, 100);
        assertThat(sendAndAwaitClose(target, noise, false)).as("a plausible length then random bytes: refused at "
                + "the handshake, with the reason").contains("not a ringdb internode handshake (magic 0x");
        assertThat(sendAndAwaitClose(target, new byte[] {(byte) 0x80, 0, 0, 0, 1}, false)).as("a 2 GiB frame")
                .isEmpty();
        byte[] wrongVersion = MessageCodec.encodeFrame(NodeId.of("127.0.0.1:1"), new GossipShutdown(1));
        wrongVersion[MessageCodec.LENGTH_FIELD_BYTES] = 9;
        assertThat(sendAndAwaitClose(target, wrongVersion, false)).as("a message frame without a handshake")
                .contains("not a ringdb internode handshake");
        byte[] truncated = ByteBuffer.allocate(14).putInt(100).put(new byte[10]).array();
        assertThat(sendAndAwaitClose(target, truncated, true)).as("a truncated frame").isEmpty();
        assertStillServing();
        ClusterHarness.Run status = ClusterHarness.cli("status", "--host", cluster.http(0));
        assertThat(status.out().lines().filter(line -> line.startsWith("UN ")).count()).isEqualTo(3);
    }

    @Test
    @Order(2)
    void garbageOnTheHttpPortGetsClearErrorsAndTheNodeKeepsServing() throws Exception {
        String http = cluster.http(1);
        String malformed = sendAndAwaitClose(http,
                "GARBAGE\u0001\u0002 nonsense\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), false);
        assertThat(malformed).startsWith("HTTP/1.1 400").contains("malformed HTTP request");
        String oversized = sendAndAwaitClose(http,
                ("PUT /v1/kv/big HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 70000\r\n\r\n"
                        + "x".repeat(70_000)).getBytes(StandardCharsets.ISO_8859_1), false);
        assertThat(oversized).startsWith("HTTP/1.1 413").contains("value limit of 65536 bytes");
        String badKey = sendAndAwaitClose(http, ("GET /v1/kv/%G1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), false);
        assertThat(badKey).startsWith("HTTP/1.1 400").contains("malformed percent-escape");
        String hugeLine = sendAndAwaitClose(http, ("GET /v1/kv/" + "k".repeat(300_000) + " HTTP/1.1\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1), false);
        assertThat(hugeLine).startsWith("HTTP/1.1 400");
        assertStillServing();
    }

    @Test
    @Order(2)
    void garbageInTheNativeProtocolGetsClearErrorsAndTheNodeKeepsServing() throws Exception {
        String port = cluster.http(2);
        byte[] preamble = NativeProtocol.PREAMBLE;
        String shortFrame = sendAndAwaitClose(port,
                ByteBuffer.allocate(preamble.length + 8).put(preamble).putInt(2).putInt(0).array(), false);
        assertThat(shortFrame).contains("frame length 2 is shorter than the 5-byte frame header");
        String version = sendAndAwaitClose(port, new byte[] {0, 'R', 'D', 'B', 9}, false);
        assertThat(version).contains("unsupported_version").contains("version 9 is not supported");
        byte[] huge = ByteBuffer.allocate(preamble.length + 9 + 1000).put(preamble).putInt(0x8000_0000).putInt(5)
                .put(NativeProtocol.PUT).array();
        assertThat(sendAndAwaitClose(port, huge, true)).as("a 2 GiB frame is refused on its stream")
                .contains("\"error\":\"too_large\"");
        byte[] noise = new byte[4096];
        new Random(SEED).nextBytes(noise);
        byte[] garbage = ByteBuffer.allocate(preamble.length + noise.length).put(preamble).put(noise).array();
        sendAndAwaitClose(port, garbage, true); // whatever it says, it must close and keep serving
        assertStillServing();
    }

    private void assertStillServing() {
        try (RingClient client = new RingClient(cluster.httpAddresses(), RingClient.Options.defaults())) {
            client.put("still-serving".getBytes(StandardCharsets.UTF_8), "yes".getBytes(StandardCharsets.UTF_8), "ALL");
            assertThat(client.get("still-serving".getBytes(StandardCharsets.UTF_8), "ALL")).isPresent();
        }
    }

    /** Steady load: unique keys written and read at ONE and QUORUM; QUORUM-acknowledged writes remembered. */
    private static final class Load implements Runnable {
        final RingClient client;
        final Map<String, String> acknowledgedAtQuorum = new ConcurrentHashMap<>();
        final AtomicLong succeeded = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        /** When the last operation that failed was started (System.nanoTime()). */
        final AtomicLong lastFailedStartNanos = new AtomicLong();
        final AtomicBoolean running = new AtomicBoolean(true);
        final String prefix;
        static final int OPERATIONS_MAX = 200_000;

        Load(List<String> hosts, String prefix) {
            this.client = new RingClient(hosts, new RingClient.Options(5_000, 1_000, 3, true));
            this.prefix = prefix;
        }

        @Override
        public void run() {
            for (int i = 0; running.get() && i < OPERATIONS_MAX; i++) {
                String consistency = i % 2 == 0 ? "QUORUM" : "ONE";
                String key = prefix + i;
                String value = "value-" + i;
                long started = System.nanoTime();
                try {
                    client.put(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8),
                            consistency);
                    if (consistency.equals("QUORUM")) {
                        acknowledgedAtQuorum.put(key, value);
                    }
                    Optional<RingClient.Value> read = client.get(key.getBytes(StandardCharsets.UTF_8), consistency);
                    if (consistency.equals("QUORUM") && read.isEmpty()) {
                        throw new AssertionError("a QUORUM write of " + key + " did not read back at QUORUM");
                    }
                    succeeded.incrementAndGet();
                } catch (RingClientException e) {
                    failed.incrementAndGet();
                    lastFailedStartNanos.set(started);
                }
            }
        }
    }

    @Test
    @Order(3)
    void sigkillUnderLoadThenRestartLosesNoQuorumWrite() throws Exception {
        LocalCluster.Member victim = cluster.members().get(2);
        List<String> survivors = List.of(cluster.http(0), cluster.http(1));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Load load = new Load(cluster.httpAddresses(), "steady-");
        try {
            Future<?> running = pool.submit(load);
            ClusterHarness.await("load before the kill", Duration.ofSeconds(60), () -> load.succeeded.get() >= 100);
            victim.process().orElseThrow().destroyForcibly();
            assertThat(victim.process().get().onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
            long killedAt = System.nanoTime();
            ClusterHarness.await("the survivors marking the victim down", Duration.ofSeconds(30),
                    () -> survivors.stream().allMatch(h -> isDown(h, victim.internodeAddress())));
            long detectedAt = System.nanoTime();
            long beforeQuiet = load.succeeded.get();
            ClusterHarness.await("steady success with one node dead", Duration.ofSeconds(60),
                    () -> load.succeeded.get() >= beforeQuiet + 200);
            // a request begun before the survivors marked the victim down may still time out after it; one
            // begun after must not fail
            assertThat(load.lastFailedStartNanos.get()).as("no failure of a request started after the victim was "
                    + "seen down (detection took " + (detectedAt - killedAt) / 1_000_000 + " ms)")
                    .isLessThan(detectedAt);

            ClusterHarness.Run restart = ClusterHarness.cli("cluster", "start", "--dir", cluster.dir.toString(),
                    "--wait-seconds", "60");
            assertThat(restart.exitCode()).as(restart.out() + restart.err()).isZero();
            ClusterHarness.await("the restarted node's catch-up", Duration.ofSeconds(60),
                    () -> cluster.clusterAt(victim.httpAddress()).path("recovery_done").asBoolean());
            long afterRestart = load.succeeded.get();
            ClusterHarness.await("load after the restart", Duration.ofSeconds(60),
                    () -> load.succeeded.get() >= afterRestart + 100);
            load.running.set(false);
            running.get(30, TimeUnit.SECONDS);
        } finally {
            load.running.set(false);
            pool.shutdownNow();
            load.client.close();
        }
        assertThat(load.acknowledgedAtQuorum).hasSizeGreaterThan(200);
        try (RingClient reader = new RingClient(cluster.httpAddresses(), RingClient.Options.defaults())) {
            for (Map.Entry<String, String> write : load.acknowledgedAtQuorum.entrySet()) {
                Optional<RingClient.Value> read = reader.get(write.getKey().getBytes(StandardCharsets.UTF_8), "QUORUM");
                assertThat(read).as(write.getKey()).isPresent();
                assertThat(new String(read.get().value(), StandardCharsets.UTF_8)).isEqualTo(write.getValue());
            }
        }
        try (RingClient onlyVictim = new RingClient(List.of(victim.httpAddress()),
                new RingClient.Options(5_000, 60_000, 1, false))) {
            long presentOnVictimAtAll = load.acknowledgedAtQuorum.keySet().stream()
                    .filter(key -> onlyVictim.get(key.getBytes(StandardCharsets.UTF_8), "ALL").isPresent()).count();
            assertThat(presentOnVictimAtAll).as("every QUORUM write reads back at ALL through the restarted node")
                    .isEqualTo(load.acknowledgedAtQuorum.size());
        }
    }

    private boolean isDown(String observer, String subject) {
        JsonNode cluster = this.cluster.clusterAt(observer);
        for (JsonNode member : cluster.path("members")) {
            if (member.path("id").asText().equals(subject)) {
                return !member.path("up").asBoolean();
            }
        }
        return false;
    }
}
