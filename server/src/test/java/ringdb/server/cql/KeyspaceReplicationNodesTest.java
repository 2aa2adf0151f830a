package ringdb.server.cql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static ringdb.server.testing.Waits.await;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.core.Clock;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.types.CqlTypes;
import ringdb.core.store.LocalStore;
import ringdb.server.config.ServerConfig;
import ringdb.server.net.FreePorts;
import ringdb.server.runtime.FileStores;
import ringdb.server.runtime.ServerNode;
import ringdb.server.runtime.StoreFactory;
import ringdb.server.testing.CqlSessions;
import ringdb.server.testing.OneNode;
import ringdb.storage.rows.TombstoneKinds;

/**
 * Three real nodes on 127.0.0.1..3 with the cluster's replication_factor 3 and a keyspace of
 * replication factor 1: every row lands on exactly one node (its token's first replica, read from
 * each node's own store), QUORUM and ALL of that keyspace need that one node alone, and a keyspace
 * asking more replicas than the cluster places is refused over CQL and HTTP; a keyspace whose factor
 * is lowered keeps its extra copies until cleanup, which then drops them on every node but the first
 * replica.
 */
@Timeout(300)
class KeyspaceReplicationNodesTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int KEYS = 24;
    private static final List<String> HOSTS = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");

    @TempDir
    Path dir;

    private int cqlPort;
    private int seedPort;
    private final Map<String, List<LocalStore>> stores = new HashMap<>();

    private ServerNode start(String host, int internodePort) throws IOException {
        Map<String, String> settings = OneNode.periodicCommitLog(OneNode.settingsOn(host, internodePort,
                "127.0.0.1:" + seedPort, cqlPort, dir.resolve(host)));
        settings.put("replication_factor", "3");
        ServerConfig config = ServerConfig.load(null, settings);
        List<LocalStore> opened = new CopyOnWriteArrayList<>();
        stores.put(host, opened);
        FileStores files = new FileStores(config);
        StoreFactory capturing = new StoreFactory() {
            @Override
            public LocalStore open(Path directory, Clock clock, Timers timers) {
                LocalStore store = files.open(directory, clock, timers);
                opened.add(store);
                return store;
            }

            @Override
            public LocalStore open(Path directory, Clock clock, Timers timers,
                                   TombstoneKinds kinds) {
                LocalStore store = files.open(directory, clock, timers, kinds);
                opened.add(store);
                return store;
            }

            @Override
            public LocalStore openHints(Path directory, Clock clock, Timers timers) {
                return files.openHints(directory, clock, timers);
            }

            @Override
            public void close() {
                files.close();
            }
        };
        return ServerNode.start(config, capturing, null);
    }

    @Test
    void aKeyspaceOfFactorOneKeepsOneCopyAndCountsOneReplica() throws Exception {
        List<String> hosts = HOSTS;
        Map<String, ServerNode> nodes = new HashMap<>();
        try {
            startThree(nodes);
            ServerNode one = nodes.get(hosts.get(0));

            HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://"
                    + one.httpAddress().getHostString() + ":" + one.httpAddress().getPort() + "/v1/schema/keyspaces"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"big\",\"replication_factor\":4}"))
                    .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("replication_factor 4", "at most 3",
                    "replication_factor server setting");

            try (CqlSession session = CqlSessions.connect(one.cqlAddress())) {
                assertThatThrownBy(() -> session.execute("CREATE KEYSPACE big WITH replication = "
                        + "{'class':'SimpleStrategy','replication_factor':4}"))
                        .isInstanceOf(InvalidQueryException.class).hasMessageContaining("at most 3");
                session.execute("CREATE KEYSPACE solo WITH replication = "
                        + "{'class':'SimpleStrategy','replication_factor':1}");
                session.execute("CREATE TABLE solo.t (k int PRIMARY KEY, v text)");
                await(WAIT, "every node knows solo.t", () -> nodes.values().stream()
                        .allMatch(n -> call(n, () -> n.node().schema().table("solo", "t")) != null));
                TableMetadata table = call(one, () -> one.node().schema().table("solo", "t"));
                RowKeys keys = new RowKeys(table, ServerNode.partitioner(one.config())::token);
                for (int k = 0; k < KEYS; k++) {
                    session.execute(SimpleStatement.newInstance("INSERT INTO solo.t (k, v) VALUES (?, ?)", k, "v" + k)
                            .setConsistencyLevel(ConsistencyLevel.ALL));
                }
                int keyOfOne = assertOneCopyEach(nodes, hosts, keys);
                assertThat(keyOfOne).as("some key of %d is placed on the first node", KEYS).isNotNegative();

                // the other two nodes stop: the key placed on the first node alone still takes ALL and QUORUM
                NodeId two = call(nodes.get(hosts.get(1)), () -> nodes.get(hosts.get(1)).node().id());
                NodeId three = call(nodes.get(hosts.get(2)), () -> nodes.get(hosts.get(2)).node().id());
                nodes.remove(hosts.get(1)).close();
                nodes.remove(hosts.get(2)).close();
                await(WAIT, "the first node sees the others down", () -> call(one,
                        () -> !one.node().isAlive(two) && !one.node().isAlive(three)));
                int key = keyOfOne;
                for (ConsistencyLevel cl : List.of(ConsistencyLevel.ALL, ConsistencyLevel.QUORUM)) {
                    session.execute(SimpleStatement.newInstance("UPDATE solo.t SET v = ? WHERE k = ?", "at " + cl, key)
                            .setConsistencyLevel(cl));
                    assertThat(session.execute(SimpleStatement.newInstance("SELECT v FROM solo.t WHERE k = ?", key)
                            .setConsistencyLevel(cl)).one().getString(0)).isEqualTo("at " + cl);
                }
            }
        } finally {
            for (ServerNode node : nodes.values()) {
                node.close();
            }
        }
    }

    private void startThree(Map<String, ServerNode> nodes) throws IOException {
        cqlPort = FreePorts.loopback();
        seedPort = FreePorts.on(HOSTS.get(0));
        nodes.put(HOSTS.get(0), start(HOSTS.get(0), seedPort));
        nodes.put(HOSTS.get(1), start(HOSTS.get(1), FreePorts.on(HOSTS.get(1))));
        nodes.put(HOSTS.get(2), start(HOSTS.get(2), FreePorts.on(HOSTS.get(2))));
        await(WAIT, "every node sees a ring of three", () -> nodes.values().stream()
                .allMatch(n -> call(n, () -> n.node().ring().members().size()) == 3));
    }

    @Test
    void loweringAKeyspaceFactorThenCleanupOnEveryNodeLeavesOneCopyOfEachRow() throws Exception {
        Map<String, ServerNode> nodes = new HashMap<>();
        try {
            startThree(nodes);
            ServerNode one = nodes.get(HOSTS.get(0));
            try (CqlSession session = CqlSessions.connect(one.cqlAddress())) {
                session.execute("CREATE KEYSPACE shrink WITH replication = "
                        + "{'class':'SimpleStrategy','replication_factor':3}");
                session.execute("CREATE TABLE shrink.t (k int PRIMARY KEY, v text)");
                await(WAIT, "every node knows shrink.t", () -> nodes.values().stream()
                        .allMatch(n -> call(n, () -> n.node().schema().table("shrink", "t")) != null));
                TableMetadata table = call(one, () -> one.node().schema().table("shrink", "t"));
                RowKeys keys = new RowKeys(table, ServerNode.partitioner(one.config())::token);
                for (int k = 0; k < KEYS; k++) {
                    session.execute(SimpleStatement.newInstance("INSERT INTO shrink.t (k, v) VALUES (?, ?)", k, "v" + k)
                            .setConsistencyLevel(ConsistencyLevel.ALL));
                }
                byte[] aKey = keys.partition(PartitionKey.of(CqlTypes.INT.fromJava(0))).start();
                session.execute("ALTER KEYSPACE shrink WITH replication = "
                        + "{'class':'SimpleStrategy','replication_factor':1}");
                await(WAIT, "every node places shrink with one replica", () -> nodes.values().stream()
                        .allMatch(n -> call(n, () -> n.node().placement().factorOfKey(aKey)) == 1));
                for (int k = 0; k < KEYS; k++) {
                    long token = keys.token(PartitionKey.of(CqlTypes.INT.fromJava(k)));
                    KeyRange range = keys.partition(PartitionKey.of(CqlTypes.INT.fromJava(k)));
                    assertThat(HOSTS.stream().filter(host -> holds(host, token, range)))
                            .as("key %d is still on every node before cleanup (as Cassandra keeps it)", k)
                            .hasSize(3);
                }
                for (ServerNode node : nodes.values()) {
                    CompletableFuture<ClientResult> answer = new CompletableFuture<>();
                    call(node, () -> {
                        node.node().cleanup(answer::complete);
                        return null;
                    });
                    assertThat(answer.get(90, TimeUnit.SECONDS)).isInstanceOf(ClientResult.Completed.class);
                }
                assertOneCopyEach(nodes, HOSTS, keys);
                for (int k = 0; k < KEYS; k++) {
                    assertThat(session.execute(SimpleStatement.newInstance("SELECT v FROM shrink.t WHERE k = ?", k)
                            .setConsistencyLevel(ConsistencyLevel.QUORUM)).one().getString(0)).isEqualTo("v" + k);
                }
            }
        } finally {
            for (ServerNode node : nodes.values()) {
                node.close();
            }
        }
    }

    /** Checks that each key is held by its first replica alone; returns a key the first host holds, or -1. */
    private int assertOneCopyEach(Map<String, ServerNode> nodes, List<String> hosts, RowKeys keys) {
        ServerNode one = nodes.get(hosts.get(0));
        int keyOfOne = -1;
        for (int k = 0; k < KEYS; k++) {
            PartitionKey pk = PartitionKey.of(CqlTypes.INT.fromJava(k));
            long token = keys.token(pk);
            NodeId first = call(one, () -> one.node().ring().replicasForToken(token).get(0));
            List<String> holders = new ArrayList<>();
            for (String host : hosts) {
                if (holds(host, token, keys.partition(pk))) {
                    holders.add(host);
                }
            }
            assertThat(holders).as("the nodes holding key %d", k).hasSize(1);
            String owner = holders.get(0);
            assertThat(call(nodes.get(owner), () -> nodes.get(owner).node().id())).isEqualTo(first);
            if (owner.equals(hosts.get(0)) && keyOfOne < 0) {
                keyOfOne = k;
            }
        }
        return keyOfOne;
    }

    private boolean holds(String host, long token, KeyRange range) {
        for (LocalStore store : stores.get(host)) {
            if (!store.slice(token, range.start(), range.end(), false, 1).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static <T> T call(ServerNode node, java.util.concurrent.Callable<T> task) {
        try {
            return node.nodeThread().call(task).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the node's thread did not answer", e);
        }
    }
}
