package ringdb.server.cql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static ringdb.server.testing.Waits.await;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.server.config.ServerConfig;
import ringdb.server.net.FreePorts;
import ringdb.server.runtime.FileStores;
import ringdb.server.runtime.ServerNode;
import ringdb.server.testing.CqlSessions;
import ringdb.server.testing.OneNode;

/**
 * Two real nodes: a table created through one node's CQL port reaches the other node's schema (and
 * the metadata of a driver connected to it), and rows written at ALL through one read at ALL
 * through the other.
 */
@Timeout(120)
class CqlTwoNodesTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private ServerConfig config(String host, int internode, String seed, int cqlPort) throws IOException {
        Map<String, String> settings = OneNode.settingsOn(host, internode, seed, cqlPort, dir.resolve(host));
        settings.put("replication_factor", "2");
        return ServerConfig.load(null, settings);
    }

    private static CqlSession connect(InetSocketAddress contact) {
        return CqlSessions.builder(contact, CqlSessions.timeouts()
                // after DDL, until every live node reports the new schema (the driver's default gives up after 10 s
                // and goes on, and the next statement could reach a node that has not learnt the change)
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(60)))
                .build();
    }

    @Test
    void aTableCreatedThroughOneNodeIsUsedThroughTheOther() throws Exception {
        int cqlPort = FreePorts.on("127.0.0.1");
        int seedPort = FreePorts.on("127.0.0.1");
        ServerConfig first = config("127.0.0.1", seedPort, "127.0.0.1:" + seedPort, cqlPort);
        ServerConfig second = config("127.0.0.2", FreePorts.on("127.0.0.2"), "127.0.0.1:" + seedPort, cqlPort);
        try (ServerNode one = ServerNode.start(first, new FileStores(first), null);
             ServerNode two = ServerNode.start(second, new FileStores(second), null)) {
            await(WAIT, "node one lists node two in system.peers", () -> {
                try (CqlSession probe = connect(one.cqlAddress())) {
                    return probe.execute("SELECT * FROM system.peers").all().size() == 1;
                }
            });
            try (CqlSession viaOne = connect(one.cqlAddress()); CqlSession viaTwo = connect(two.cqlAddress())) {
                viaOne.execute("CREATE KEYSPACE app WITH replication = "
                        + "{'class':'SimpleStrategy','replication_factor':2}");
                viaOne.execute("CREATE TABLE app.kv (k text PRIMARY KEY, v int)");
                await(WAIT, "node two's driver metadata shows app.kv", () -> viaTwo.getMetadata().getKeyspace("app")
                        .flatMap(k -> k.getTable("kv")).isPresent());
                viaOne.execute(SimpleStatement.newInstance("INSERT INTO app.kv (k, v) VALUES ('a', 1)")
                        .setConsistencyLevel(ConsistencyLevel.ALL));
                assertThat(viaTwo.execute(SimpleStatement.newInstance("SELECT v FROM app.kv WHERE k = 'a'")
                        .setConsistencyLevel(ConsistencyLevel.ALL)).one().getInt(0)).isEqualTo(1);
            }
        }
    }

    @Test
    void aLoggedBatchIsLoggedOnTheOtherNodeAndRefusedAsUnavailableWhenNoOtherNodeCanLogIt() throws Exception {
        int cqlPort = FreePorts.on("127.0.0.1");
        int seedPort = FreePorts.on("127.0.0.1");
        ServerConfig first = config("127.0.0.1", seedPort, "127.0.0.1:" + seedPort, cqlPort);
        ServerConfig second = config("127.0.0.2", FreePorts.on("127.0.0.2"), "127.0.0.1:" + seedPort, cqlPort);
        ringdb.core.NodeId[] twoId = new ringdb.core.NodeId[1];
        try (ServerNode one = ServerNode.start(first, new FileStores(first), null)) {
            try (ServerNode two = ServerNode.start(second, new FileStores(second), null);
                 CqlSession session = connect(one.cqlAddress())) {
                twoId[0] = two.node().id();
                await(WAIT, "node one sees node two up", () -> one.nodeThread().call(() -> one.node().isAlive(twoId[0]))
                        .join());
                session.execute("CREATE KEYSPACE app WITH replication = "
                        + "{'class':'SimpleStrategy','replication_factor':2}");
                session.execute("CREATE TABLE app.kv (k text PRIMARY KEY, v int)");
                PreparedStatement insert = session.prepare("INSERT INTO app.kv (k, v) VALUES (?, ?)");
                session.execute(BatchStatement.newInstance(DefaultBatchType.LOGGED, insert.bind("a", 1),
                        insert.bind("b", 2), insert.bind("c", 3)).setConsistencyLevel(ConsistencyLevel.ALL));
                session.execute(SimpleStatement.newInstance("BEGIN BATCH INSERT INTO app.kv (k, v) VALUES ('d', 4); "
                        + "UPDATE app.kv SET v = 5 WHERE k = 'e'; APPLY BATCH").setConsistencyLevel(
                        ConsistencyLevel.QUORUM));
                // the driver sends each batch to either node: whichever coordinated it logged it on the other
                assertThat(one.nodeThread().call(() -> one.node().batchlogLoggedCount()).join()
                        + two.nodeThread().call(() -> two.node().batchlogLoggedCount()).join()).isEqualTo(2);
                await(WAIT, "the holders forgot the applied batches", () -> two.nodeThread().call(
                        () -> two.node().batchlogHeldCount()).join() == 0 && one.nodeThread().call(
                        () -> one.node().batchlogHeldCount()).join() == 0);
                for (ServerNode node : List.of(one, two)) {
                    try (CqlSession direct = connect(node.cqlAddress())) {
                        assertThat(direct.execute(SimpleStatement.newInstance("SELECT k, v FROM app.kv")
                                .setConsistencyLevel(ConsistencyLevel.ONE)).all()).hasSize(5);
                    }
                }
            }
            try (CqlSession session = connect(one.cqlAddress())) {
                await(WAIT, "node one sees node two down",
                        () -> !one.nodeThread().call(() -> one.node().isAlive(twoId[0])).join());
                PreparedStatement insert = session.prepare("INSERT INTO app.kv (k, v) VALUES (?, ?)");
                assertThatThrownBy(() -> session.execute(BatchStatement.newInstance(DefaultBatchType.LOGGED,
                        insert.bind("x", 1), insert.bind("y", 2)).setConsistencyLevel(ConsistencyLevel.ONE)))
                        .hasMessageContaining(UnavailableException.class.getSimpleName() + ": Not enough replicas "
                                + "available for query at consistency ONE (1 required but only 0 alive)");
                assertThat(session.execute("SELECT k FROM app.kv WHERE k IN ('x', 'y')").all()).isEmpty();
                // at QUORUM (RF 2: both replicas) the partitions cannot be written: refused before logging
                assertThatThrownBy(() -> session.execute(BatchStatement.newInstance(DefaultBatchType.LOGGED,
                        insert.bind("x", 1), insert.bind("y", 2)).setConsistencyLevel(ConsistencyLevel.QUORUM)))
                        .hasMessageContaining(UnavailableException.class.getSimpleName() + ": Not enough replicas "
                                + "available for query at consistency QUORUM "
                                + "(2 required but only 1 alive)");
                assertThat(session.execute("SELECT k FROM app.kv WHERE k IN ('x', 'y')").all()).isEmpty();
                assertThat(one.nodeThread().call(() -> one.node().batchlogHeldCount()).join()).isZero();
                String metrics = metrics(one);
                assertThat(metrics).contains("ringdb_batchlog_batches_refused 2.0")
                        .contains("ringdb_batchlog_pending 0.0").contains("ringdb_batchlog_batches_logged ")
                        .contains("ringdb_batchlog_batches_removed ").contains("ringdb_batchlog_batches_replayed 0.0");
                session.execute(BatchStatement.newInstance(DefaultBatchType.UNLOGGED, insert.bind("x", 1),
                        insert.bind("y", 2)).setConsistencyLevel(ConsistencyLevel.ONE));
                assertThat(session.execute("SELECT k FROM app.kv WHERE k IN ('x', 'y')").all()).hasSize(2);
            }
        }
    }

    @Test
    void eachPeerRowShowsThatPeersOwnSchemaVersionSoDriversWaitForAgreement() throws Exception {
        int cqlPort = FreePorts.on("127.0.0.1");
        int seedPort = FreePorts.on("127.0.0.1");
        ServerConfig first = config("127.0.0.1", seedPort, "127.0.0.1:" + seedPort, cqlPort);
        ServerConfig second = config("127.0.0.2", FreePorts.on("127.0.0.2"), "127.0.0.1:" + seedPort, cqlPort);
        try (ServerNode one = ServerNode.start(first, new FileStores(first), null)) {
            ringdb.core.NodeId twoId;
            try (ServerNode two = ServerNode.start(second, new FileStores(second), null);
                 CqlSession session = connect(one.cqlAddress())) {
                twoId = two.node().id();
                await(WAIT, "node one lists node two in system.peers", () -> versions(session, one).size() == 2);
                ResultSet created = session.execute("CREATE KEYSPACE agreed WITH replication = "
                        + "{'class':'SimpleStrategy','replication_factor':2}");
                assertThat(created.getExecutionInfo().isSchemaInAgreement()).isTrue();
                await(WAIT, "node one shows node two's version equal to its own", () -> {
                    List<UUID> versions = versions(session, one);
                    return versions.get(0).equals(versions.get(1));
                });
                // the driver adds node two on its own schedule, after the peers table listed it, and opens its
                // pool after that (a first attempt may fail while node two still starts): wait until it is UP
                await(WAIT, "the driver has a connection to node two", () -> session.getMetadata().getNodes().values()
                        .stream().anyMatch(n -> two.cqlAddress().equals(n.getEndPoint().resolve())
                                && n.getState() == com.datastax.oss.driver.api.core.metadata.NodeState.UP));
                assertThat(versions(session, two).get(0)).as("node two's own version")
                        .isEqualTo(versions(session, one).get(0));
            }
            try (CqlSession session = connect(one.cqlAddress())) {
                await(WAIT, "node one sees node two down", () -> !one.nodeThread().call(() -> one.node().isAlive(twoId))
                        .join());
                session.execute("CREATE KEYSPACE missed WITH replication = "
                        + "{'class':'SimpleStrategy','replication_factor':1}");
                List<UUID> versions = versions(session, one);
                assertThat(versions.get(1)).as("node two, down, did not learn the keyspace: its version differs")
                        .isNotEqualTo(versions.get(0));
            }
        }
    }

    /** schema_version of system.local, then of system.peers' rows, as {@code node} answers them. */
    private static List<UUID> versions(CqlSession session, ServerNode node) {
        com.datastax.oss.driver.api.core.metadata.Node target = session.getMetadata().getNodes().values().stream()
                .filter(n -> node.cqlAddress().equals(n.getEndPoint().resolve())).findFirst().orElseThrow();
        List<UUID> versions = new ArrayList<>();
        versions.add(session.execute(SimpleStatement.newInstance("SELECT schema_version FROM system.local")
                .setNode(target)).one().getUuid(0));
        session.execute(SimpleStatement.newInstance("SELECT schema_version FROM system.peers").setNode(target))
                .forEach(row -> versions.add(row.getUuid(0)));
        return versions;
    }


    private static String metrics(ServerNode node) throws java.io.IOException {
        java.net.InetSocketAddress http = node.httpAddress();
        try (java.io.InputStream in = java.net.URI.create("http://" + http.getHostString() + ":" + http.getPort()
                + "/metrics").toURL().openStream()) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
