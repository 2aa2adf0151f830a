package ringdb.server.cql;

import static org.assertj.core.api.Assertions.assertThat;
import static ringdb.server.testing.Waits.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
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
 * The Apache Cassandra Java driver against real nodes' CQL ports: it negotiates the protocol down to
 * v4, reads system.local and system.peers_v2, discovers the other node,
 * builds schema metadata from system_schema, prepares and executes, uses LZ4. Statements other than
 * the connect-time reads come with the CQL language; here a test fixture answers those reads.
 */
@Timeout(120)
class CqlDriverTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private ServerConfig config(String host, int internode, String seed, int cqlPort) throws IOException {
        Map<String, String> settings = OneNode.settingsOn(host, internode, seed, cqlPort, dir.resolve(host));
        settings.put("replication_factor", "1");
        settings.put("cluster_name", "drivertest");
        return ServerConfig.load(null, settings);
    }

    private static ServerNode start(ServerConfig config) {
        return ServerNode.start(config, new FileStores(config), null,
                context -> new SystemTableQueries(context.systemTables()));
    }

    private static CqlSession connect(InetSocketAddress contact, boolean lz4) {
        return CqlSessions.builder(contact, CqlSessions.connectionTimeouts()
                .withString(DefaultDriverOption.PROTOCOL_COMPRESSION, lz4 ? "lz4" : "none")).build();
    }

    @Test
    void theJavaDriverConnectsReadsTheSystemTablesAndTheSchemaAndPrepares() throws Exception {
        int internode = FreePorts.on("127.0.0.1");
        ServerConfig config = config("127.0.0.1", internode, "127.0.0.1:" + internode, FreePorts.on("127.0.0.1"));
        try (ServerNode node = start(config); CqlSession session = connect(node.cqlAddress(), true)) {
            assertThat(session.getContext().getProtocolVersion()).isEqualTo(ProtocolVersion.V5);
            Row local = session.execute("SELECT * FROM system.local WHERE key='local'").one();
            assertThat(local.getString("cluster_name")).isEqualTo("drivertest");
            assertThat(local.getUuid("host_id")).isEqualTo(CqlClusterView.hostId(node.node().id().id()));
            assertThat(local.getSet("tokens", String.class)).hasSize(16);
            assertThat(local.getString("release_version")).startsWith("4.0.");

            Collection<Node> nodes = session.getMetadata().getNodes().values();
            assertThat(nodes).hasSize(1);
            Node only = nodes.iterator().next();
            assertThat(only.getHostId()).isEqualTo(CqlClusterView.hostId(node.node().id().id()));
            assertThat(only.getDatacenter()).isEqualTo("datacenter1");
            assertThat(only.getSchemaVersion()).isEqualTo(local.getUuid("schema_version"));

            KeyspaceMetadata ringdb = session.getMetadata().getKeyspace("ringdb").orElseThrow();
            assertThat(ringdb.getReplication()).containsEntry("replication_factor", "1");
            TableMetadata kv = ringdb.getTable("kv").orElseThrow();
            assertThat(kv.getPartitionKey()).extracting(c -> c.getName().asInternal()).containsExactly("key");
            assertThat(kv.getColumn("value").orElseThrow().getType().asCql(false, true)).isEqualTo("blob");

            PreparedStatement prepared =
                    session.prepare("SELECT * FROM system_schema.tables WHERE keyspace_name = ?");
            byte[] id = new byte[prepared.getId().remaining()];
            prepared.getId().duplicate().get(id);
            assertThat(id).isEqualTo(PreparedCache.id(null, prepared.getQuery()));
            assertThat(prepared.getPartitionKeyIndices()).containsExactly(0);
            Row table = session.execute(prepared.bind("ringdb")).one();
            assertThat(table.getString("table_name")).isEqualTo("kv");

            assertThat(session.execute("SELECT * FROM system.peers_v2").all()).isEmpty(); // a node alone
        }
    }

    @Test
    void theDriverDiscoversThePeerOfTheNodeItConnectedToAndSeesItGoDown() throws Exception {
        int cqlPort = FreePorts.on("127.0.0.1");
        int seedPort = FreePorts.on("127.0.0.1");
        ServerConfig first = config("127.0.0.1", seedPort, "127.0.0.1:" + seedPort, cqlPort);
        ServerConfig second = config("127.0.0.2", FreePorts.on("127.0.0.2"), "127.0.0.1:" + seedPort, cqlPort);
        try (ServerNode one = start(first)) {
            ServerNode two = start(second);
            try (CqlSession session = awaitTwoPeers(one)) {
                Set<InetSocketAddress> seen = session.getMetadata().getNodes().values().stream()
                        .map(n -> (InetSocketAddress) n.getEndPoint().resolve()).collect(Collectors.toSet());
                assertThat(seen).containsExactlyInAnyOrder(one.cqlAddress(), two.cqlAddress());
                await(WAIT, "the driver has both nodes up", () -> session.getMetadata().getNodes().values().stream()
                        .allMatch(n -> n.getState() == NodeState.UP));
                two.close();
                await(WAIT, "the driver sees the stopped node down", () -> session.getMetadata().getNodes().values()
                        .stream().anyMatch(n -> n.getState() == NodeState.DOWN));
            } finally {
                two.close();
            }
        }
    }

    /** A session once node one's system.peers lists node two (gossip needs a moment after start). */
    private static CqlSession awaitTwoPeers(ServerNode one) {
        await(WAIT, "node one lists its peer in system.peers", () -> {
            try (CqlSession probe = connect(one.cqlAddress(), false)) {
                return probe.execute("SELECT * FROM system.peers").all().size() == 1;
            }
        });
        return connect(one.cqlAddress(), false);
    }
}
