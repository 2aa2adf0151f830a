package ringdb.server.cql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static ringdb.server.testing.Waits.await;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeStateListenerBase;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import com.datastax.oss.driver.api.core.metadata.schema.ColumnMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.server.config.ServerConfig;
import ringdb.server.net.FreePorts;
import ringdb.server.runtime.FileStores;
import ringdb.server.runtime.ServerNode;
import ringdb.server.testing.CqlSessions;
import ringdb.server.testing.OneNode;

/**
 * Three real nodes on 127.0.0.1, 127.0.0.2 and 127.0.0.3 with {@code partitioner: murmur3} and
 * replication factor 2, two in this JVM and the third a separate process that is killed with SIGKILL
 * mid-run, used through the Apache Cassandra Java driver connected to the first alone: it discovers
 * the others, sees the schema, runs DDL, prepared statements and paging over 10k rows, routes each
 * request to a replica (the nodes' placement metrics say so), fails over when a node dies, and no
 * write it saw acknowledged at QUORUM is lost once the node is back.
 */
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CqlThreeNodesTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern PLACEMENT =
            Pattern.compile("ringdb_coordinator_requests\\{placement=\"(replica|forwarded)\"} ([0-9.eE+]+)");

    private Path dir;

    private int cqlPort;
    private int seedPort;
    private final Map<String, Integer> httpPorts = new HashMap<>();
    private final Map<String, Integer> internodePorts = new HashMap<>();
    private ServerNode one;
    private ServerNode two;
    private Process three;
    private CqlSession session;
    private final List<String> removedNodes = new CopyOnWriteArrayList<>();

    private Map<String, String> settings(String host) throws IOException {
        Map<String, String> settings = OneNode.periodicCommitLog(OneNode.settingsOn(host,
                internodePorts.computeIfAbsent(host, h -> port(h)), httpPorts.computeIfAbsent(host, h -> port(h)),
                "127.0.0.1:" + seedPort, cqlPort, dir.resolve(host)));
        settings.put("replication_factor", "2");
        settings.put("partitioner", "murmur3");
        return settings;
    }

    private static int port(String host) {
        return FreePorts.on(host);
    }

    private ServerNode startInJvm(String host) throws IOException {
        ServerConfig config = ServerConfig.load(null, settings(host));
        return ServerNode.start(config, new FileStores(config), null);
    }

    /** Starts the node of 127.0.0.3 as its own JVM (same classpath), so it can be killed outright. */
    private Process startProcess() throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=logback-server-test.xml", "ringdb.server.ServerMain"));
        settings("127.0.0.3").forEach((key, value) -> command.addAll(List.of("--" + key, value)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node3.log").toFile())).start();
        await(WAIT, "the node of 127.0.0.3 listens for CQL", () -> {
            if (!process.isAlive()) {
                throw new AssertionError("the node of 127.0.0.3 exited with " + process.exitValue()
                        + "; see " + dir.resolve("node3.log"));
            }
            try (Socket socket = new Socket("127.0.0.3", cqlPort)) {
                return socket.isConnected();
            } catch (IOException e) {
                return false;
            }
        });
        return process;
    }

    private CqlSession connect(InetSocketAddress contact) {
        return CqlSessions.builder(contact, CqlSessions.timeouts()
                // after DDL, until every live node reports the new schema (the driver's default gives up after 10 s
                // and goes on, and the next statement could reach a node that has not learnt the change)
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(60))
                .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(200))
                .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(1)))
                .withNodeStateListener(new NodeStateListenerBase() {
                    @Override
                    public void onRemove(Node node) {
                        removedNodes.add(node.getEndPoint().toString());
                    }

                    @Override
                    public void close() {
                        // nothing held
                    }
                }).build();
    }

    @BeforeAll
    void startCluster(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        cqlPort = FreePorts.on("127.0.0.1");
        seedPort = FreePorts.on("127.0.0.1");
        internodePorts.put("127.0.0.1", seedPort);
        one = startInJvm("127.0.0.1");
        two = startInJvm("127.0.0.2");
        // opened before the third node exists, so its peers tables lack it: the driver must learn of the
        // node from the topology event pushed once the node is in system.peers, as it does with Cassandra
        session = connect(one.cqlAddress());
        three = startProcess();
        await(WAIT, "the driver connected to one node before the third joined discovers all three, each up", () ->
                session.getMetadata().getNodes().values().stream()
                        .filter(n -> n.getState() == com.datastax.oss.driver.api.core.metadata.NodeState.UP)
                        .count() == 3);
    }

    @AfterAll
    void stopCluster() {
        if (session != null) {
            session.close();
        }
        if (three != null) {
            three.destroyForcibly();
        }
        if (two != null) {
            two.close();
        }
        if (one != null) {
            one.close();
        }
    }

    @Test
    @Order(1)
    void theDriverSeesEveryNodeAndMurmur3TokensAndTheSchemaItsDdlMade() {
        Set<Integer> ports = session.getMetadata().getNodes().values().stream()
                .map(n -> ((InetSocketAddress) n.getEndPoint().resolve()).getPort()).collect(Collectors.toSet());
        assertThat(ports).containsExactly(cqlPort);
        assertThat(session.getMetadata().getNodes().values()).extracting(n -> ((InetSocketAddress) n.getEndPoint()
                .resolve()).getAddress().getHostAddress()).containsExactlyInAnyOrder("127.0.0.1", "127.0.0.2",
                "127.0.0.3");
        TokenMap tokens = session.getMetadata().getTokenMap().orElseThrow();
        assertThat(tokens.getPartitionerName()).isEqualTo("org.apache.cassandra.dht.Murmur3Partitioner");
        assertThat(tokens.getTokenRanges()).hasSize(3 * 16);

        session.execute("CREATE KEYSPACE app WITH replication = {'class':'SimpleStrategy','replication_factor':2}");
        session.execute("CREATE TABLE app.kv (k text PRIMARY KEY, v int)");
        session.execute("CREATE TABLE app.events (a text, b int, c int, v text, PRIMARY KEY ((a, b), c))");
        session.execute("CREATE TABLE app.wide (p int, c int, v text, PRIMARY KEY (p, c))");
        session.execute("CREATE TABLE app.scan (k int, c int, n int, PRIMARY KEY (k, c))");
        await(WAIT, "the driver's metadata shows the new tables", () -> session.getMetadata().getKeyspace("app")
                .flatMap(k -> k.getTable("wide")).isPresent() && session.checkSchemaAgreement());
        TableMetadata events = session.getMetadata().getKeyspace("app").orElseThrow().getTable("events")
                .orElseThrow();
        assertThat(events.getPartitionKey()).extracting(c -> c.getName().asInternal()).containsExactly("a", "b");
        assertThat(events.getClusteringColumns().keySet()).extracting(ColumnMetadata::getName)
                .extracting(n -> n.asInternal()).containsExactly("c");
    }

    private double[] placements() throws Exception {
        double[] sum = new double[2];
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (Map.Entry<String, Integer> node : httpPorts.entrySet()) {
            String body = client.send(HttpRequest.newBuilder(URI.create("http://" + node.getKey() + ":"
                    + node.getValue() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = PLACEMENT.matcher(body);
            int found = 0;
            while (m.find()) {
                sum[m.group(1).equals("replica") ? 0 : 1] += Double.parseDouble(m.group(2));
                found++;
            }
            assertThat(found).as("placement metrics of " + node.getKey()).isEqualTo(2);
        }
        return sum;
    }

    @Test
    @Order(2)
    void preparedRequestsGoStraightToAReplica() throws Exception {
        double[] before = placements();
        PreparedStatement insert = session.prepare("INSERT INTO app.kv (k, v) VALUES (?, ?)");
        PreparedStatement select = session.prepare("SELECT v FROM app.kv WHERE k = ?");
        PreparedStatement insertEvent = session.prepare("INSERT INTO app.events (a, b, c, v) VALUES (?, ?, ?, ?)");
        PreparedStatement selectEvent = session.prepare("SELECT v FROM app.events WHERE a = ? AND b = ?");
        int keys = 200;
        for (int i = 0; i < keys; i++) {
            session.execute(insert.bind("key-" + i, i).setConsistencyLevel(ConsistencyLevel.QUORUM));
            session.execute(insertEvent.bind("user-" + i, i % 7, 1, "e" + i));
        }
        for (int i = 0; i < keys; i++) {
            Row row = session.execute(select.bind("key-" + i).setConsistencyLevel(ConsistencyLevel.ONE)).one();
            assertThat(row).isNotNull();
            assertThat(row.getInt("v")).isEqualTo(i);
            assertThat(session.execute(selectEvent.bind("user-" + i, i % 7)).one().getString("v")).isEqualTo("e" + i);
        }
        double[] after = placements();
        double asReplica = after[0] - before[0];
        double forwarded = after[1] - before[1];
        assertThat(asReplica + forwarded).as("requests counted").isGreaterThanOrEqualTo(4 * keys);
        assertThat(forwarded).as("requests a coordinator had to forward, of " + (asReplica + forwarded))
                .isLessThanOrEqualTo((asReplica + forwarded) / 100);
    }

    @Test
    @Order(3)
    void tenThousandRowsComeBackInPages() {
        PreparedStatement insert = session.prepare("INSERT INTO app.wide (p, c, v) VALUES (?, ?, ?)");
        Semaphore inFlight = new Semaphore(64);
        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (int c = 0; c < 10_000; c++) {
            inFlight.acquireUninterruptibly();
            writes.add(session.executeAsync(insert.bind(1, c, "v" + c)).toCompletableFuture()
                    .whenComplete((r, e) -> inFlight.release()));
        }
        CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).join();
        ResultSet rows = session.execute(session.prepare("SELECT c, v FROM app.wide WHERE p = ?").bind(1)
                .setPageSize(700));
        int expected = 0;
        int pages = 1;
        for (Row row : rows) {
            assertThat(row.getInt("c")).isEqualTo(expected);
            assertThat(row.getString("v")).isEqualTo("v" + expected);
            expected++;
            if (rows.getAvailableWithoutFetching() == 0 && !rows.isFullyFetched()) {
                pages++;
            }
        }
        assertThat(expected).isEqualTo(10_000);
        assertThat(pages).isGreaterThanOrEqualTo(10_000 / 700);
    }

    @Test
    @Order(4)
    void filteredTokenRangeScansOverTheRingPageOverEveryMatchingRowOnce() {
        PreparedStatement insert = session.prepare("INSERT INTO app.scan (k, c, n) VALUES (?, ?, ?)");
        TokenMap tokens = session.getMetadata().getTokenMap().orElseThrow();
        Map<String, Long> tokenOf = new HashMap<>();
        for (int k = 0; k < 100; k++) {
            long token = ((com.datastax.oss.driver.internal.core.metadata.token.Murmur3Token) tokens.newToken(
                    com.datastax.oss.driver.api.core.type.codec.TypeCodecs.INT.encode(k,
                            com.datastax.oss.driver.api.core.ProtocolVersion.V4))).getValue();
            for (int c = 0; c < 3; c++) {
                session.execute(insert.bind(k, c, k * 3 + c).setConsistencyLevel(ConsistencyLevel.QUORUM));
                tokenOf.put(k + "/" + c, token);
            }
        }
        PreparedStatement ranged = session.prepare("SELECT k, c FROM app.scan WHERE token(k) > ? AND token(k) <= ? "
                + "AND n < 240 AND c != 1 ALLOW FILTERING");
        List<String> all = new ArrayList<>();
        long step = Long.MAX_VALUE / 4 + 1; // eight ranges of 2^61 tokens, each spanning several nodes' ranges
        long next = Long.MIN_VALUE;
        for (int i = 0; i < 8; i++) {
            long start = next;
            long end = i == 7 ? Long.MAX_VALUE : start + step;
            next = end;
            List<String> expected = tokenOf.entrySet().stream().filter(e -> e.getValue() > start
                    && e.getValue() <= end).map(Map.Entry::getKey).filter(key -> !key.endsWith("/1")
                    && Integer.parseInt(key.split("/")[0]) < 80).sorted().toList();
            ResultSet rows = session.execute(ranged.bind(start, end).setPageSize(5)
                    .setConsistencyLevel(ConsistencyLevel.QUORUM));
            List<String> got = new ArrayList<>();
            rows.forEach(row -> got.add(row.getInt("k") + "/" + row.getInt("c")));
            assertThat(got).as("range %d", i).doesNotHaveDuplicates();
            assertThat(got.stream().sorted().toList()).as("range %d", i).isEqualTo(expected);
            all.addAll(got);
        }
        assertThat(all).hasSize(160).doesNotHaveDuplicates();
    }

    @Test
    @Order(4)
    void moreReplicasThanTheReplicationFactorIsUnavailable() {
        PreparedStatement select = session.prepare("SELECT v FROM app.kv WHERE k = ?");
        assertThatThrownBy(() -> session.execute(select.bind("key-1").setConsistencyLevel(ConsistencyLevel.THREE)))
                .isInstanceOfSatisfying(UnavailableException.class, e -> {
                    assertThat(e.getRequired()).isEqualTo(3);
                    assertThat(e.getAlive()).isEqualTo(2);
                });
        assertThat(session.execute(select.bind("key-1").setConsistencyLevel(ConsistencyLevel.TWO)).one().getInt(0))
                .isEqualTo(1);
    }

    @Test
    @Order(5)
    void aKilledNodeLosesNoAcknowledgedQuorumWriteAndAllOnItsRangesIsUnavailable() throws Exception {
        PreparedStatement insert = session.prepare("INSERT INTO app.kv (k, v) VALUES (?, ?)");
        List<String> acknowledged = new ArrayList<>();
        int failed = 0;
        int afterKill = 0;
        // With RF 2, QUORUM needs both replicas: after the kill only the keys the dead node does not replicate
        // (about a third, depending on its token share) can be acknowledged, so the loop runs until 300 are,
        // bounded in count and time.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        for (int i = 0; i < 6_000 && afterKill < 300 && System.nanoTime() < deadline; i++) {
            if (i == 300) {
                three.destroyForcibly(); // SIGKILL: no drain, no flush, no goodbye in gossip
                assertThat(three.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            String key = "run-" + i;
            try {
                session.execute(insert.bind(key, i).setConsistencyLevel(ConsistencyLevel.QUORUM));
                acknowledged.add(key);
                afterKill += i >= 300 ? 1 : 0;
            } catch (DriverException e) {
                failed++; // a write that was not acknowledged may or may not have happened
            }
        }
        assertThat(afterKill).as("writes acknowledged after the kill (the driver failed over); failed: " + failed)
                .isGreaterThanOrEqualTo(300);

        // once the nodes hold the dead one down, ALL on a key it replicates is Unavailable, as a driver exception
        TokenMap tokens = session.getMetadata().getTokenMap().orElseThrow();
        Node dead = session.getMetadata().getNodes().values().stream().filter(n -> ((InetSocketAddress) n
                .getEndPoint().resolve()).getAddress().getHostAddress().equals("127.0.0.3")).findFirst()
                .orElseThrow();
        String onDead = null;
        for (int i = 0; onDead == null && i < 1_000; i++) {
            ByteBuffer routingKey = ByteBuffer.wrap(("probe-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (tokens.getReplicas("app", routingKey).contains(dead)) {
                onDead = "probe-" + i;
            }
        }
        assertThat(onDead).isNotNull();
        BoundStatement all = insert.bind(onDead, 0).setConsistencyLevel(ConsistencyLevel.ALL);
        await(WAIT, "ALL on the dead node's range is Unavailable", () -> {
            try {
                session.execute(all);
                return false;
            } catch (UnavailableException e) {
                return e.getRequired() == 2 && e.getAlive() == 1;
            } catch (DriverException e) {
                return false; // a write timeout while the failure detector has not convicted it yet
            }
        });

        three = startProcess(); // the same data directory: the commit log replays what it acknowledged
        try {
            await(WAIT, "the restarted node is up for the driver", () -> dead.getState()
                    == com.datastax.oss.driver.api.core.metadata.NodeState.UP);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " (driver state " + dead.getState() + ", process alive "
                    + three.isAlive() + ", nodes removed for the driver " + removedNodes
                    + "); the end of node3.log:\n" + tail(dir.resolve("node3.log"), 60), e);
        }
        PreparedStatement select = session.prepare("SELECT v FROM app.kv WHERE k = ?");
        List<String> lost = new ArrayList<>();
        for (String key : acknowledged) {
            Row row = readAtQuorum(select, key);
            if (row == null || row.getInt("v") != Integer.parseInt(key.substring("run-".length()))) {
                lost.add(key);
            }
        }
        assertThat(lost).as("acknowledged QUORUM writes read back at QUORUM").isEmpty();
        // a restart is not a removal: system.peers keeps listing the node while its new generation has not
        // gossiped its CQL address yet, so the driver keeps the node (and this test's reference to it)
        assertThat(removedNodes).as("nodes the driver was told were removed from the cluster").isEmpty();
    }

    private static String tail(Path file, int lines) throws IOException {
        List<String> all = Files.readAllLines(file);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** A QUORUM read, retried while the restarted node is still being taken up again by its peers. */
    private Row readAtQuorum(PreparedStatement select, String key) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                return session.execute(select.bind(key).setConsistencyLevel(ConsistencyLevel.QUORUM)).one();
            } catch (UnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
    }
}
