package ringdb.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.servererrors.QueryValidationException;
import com.datastax.oss.driver.api.core.ssl.ProgrammaticSslEngineFactory;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.client.ClientTls;
import ringdb.server.config.ServerConfig;
import ringdb.server.runtime.FileStores;
import ringdb.server.runtime.ServerNode;
import ringdb.server.transport.TestCertificates;
import ringdb.server.net.FreePorts;
import ringdb.server.testing.CqlSessions;

/**
 * A real node with audit_logging_enabled: TLS client handshakes (AUTH), CQL schema statements
 * (DDL), a role statement (DCL), the HTTP schema API (DDL) and admin endpoints (ADMIN) each leave a
 * JSON line with the node, the client's address and the outcome; reads, writes and GETs leave
 * none; and audit_logging_categories leaves out what it does not name.
 */
@Timeout(120)
class AuditedNodeTest {
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(20);

    @TempDir
    Path dir;

    private ServerConfig config(int internode, String categories) throws IOException {
        Map<String, String> settings = new HashMap<>();
        settings.put("listen_address", "127.0.0.1");
        settings.put("internode_port", Integer.toString(internode));
        settings.put("http_port", Integer.toString(FreePorts.loopback()));
        settings.put("native_transport_port", Integer.toString(FreePorts.loopback()));
        settings.put("data_directory", dir.resolve("data").toString());
        settings.put("replication_factor", "1");
        settings.put("gossip_interval_ms", "100");
        settings.put("ring_delay_ms", "300");
        settings.put("seeds", "127.0.0.1:" + internode);
        settings.put("client_encryption_enabled", "true");
        settings.put("client_encryption_certificate", dir.resolve("node.crt").toString());
        settings.put("client_encryption_private_key", dir.resolve("node.key").toString());
        settings.put("client_encryption_trusted_certificates", dir.resolve("ca.crt").toString());
        settings.put("client_encryption_require_client_auth", "true");
        settings.put("audit_logging_enabled", "true");
        settings.put("audit_logging_directory", dir.resolve("audit").toString());
        settings.put("audit_logging_categories", categories);
        return ServerConfig.load(null, settings);
    }

    private int certificates() throws Exception {
        int internode = FreePorts.loopback();
        TestCertificates.Issued authority = TestCertificates.authority("cluster-ca");
        authority.write(dir, "ca");
        TestCertificates.forNode(authority, "127.0.0.1:" + internode).write(dir, "node");
        TestCertificates.signedBy(authority, "operator").write(dir, "operator");
        TestCertificates.signedBy(TestCertificates.authority("foreign-ca"), "stranger").write(dir, "stranger");
        return internode;
    }

    private SSLContext tls(String client) {
        return ClientTls.fromPem(dir.resolve("ca.crt"), dir.resolve(client + ".crt"), dir.resolve(client + ".key"))
                .context();
    }

    private static CqlSession connect(ServerNode node, SSLContext ssl) throws IOException {
        InetSocketAddress contact = new InetSocketAddress(InetAddress.getByAddress("127.0.0.1",
                new byte[] {127, 0, 0, 1}), node.cqlAddress().getPort());
        return CqlSessions.builder(contact, CqlSessions.connectionTimeouts())
                .withSslEngineFactory(new ProgrammaticSslEngineFactory(ssl, null, true)).build();
    }

    private HttpResponse<String> post(ServerNode node, String path, String body) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(tls("operator"))
                .connectTimeout(Duration.ofSeconds(10)).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + node.httpAddress().getPort()
                + path)).timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<JsonNode> audited() throws IOException {
        return FileAuditLogTest.lines(dir.resolve("audit").resolve(FileAuditLog.FILE_NAME));
    }

    private static String describe(JsonNode line) {
        return line.get("category").asText() + " " + line.get("outcome").asText() + " "
                + line.get("operation").asText();
    }

    @Test
    void eachKindOfEventLeavesAJsonLine() throws Exception {
        ServerConfig config = config(certificates(), "AUTH,DDL,DCL,ADMIN");
        try (ServerNode node = ServerNode.start(config, new FileStores(config), null)) {
            try (CqlSession session = connect(node, tls("operator"))) {
                session.execute("CREATE KEYSPACE app WITH replication = {'class':'SimpleStrategy',"
                        + "'replication_factor':1}");
                session.execute("CREATE TABLE app.kv (k text PRIMARY KEY, v text)");
                session.execute("INSERT INTO app.kv (k, v) VALUES ('k', 'v')");
                session.execute("SELECT v FROM app.kv WHERE k = 'k'");
                assertThatThrownBy(() -> session.execute("CREATE TABLE nowhere.kv (k text PRIMARY KEY)"))
                        .isInstanceOf(QueryValidationException.class);
                assertThatThrownBy(() -> session.execute("CREATE ROLE alice WITH PASSWORD = 'sekret' AND LOGIN = true"))
                        .isInstanceOf(QueryValidationException.class);
            }
            assertThatThrownBy(() -> connect(node, tls("stranger")).close())
                    .isInstanceOf(AllNodesFailedException.class);
            assertThat(post(node, "/v1/schema/keyspaces", "{\"name\":\"web\",\"replication_factor\":1}")
                    .statusCode()).isLessThan(300);
            assertThat(post(node, "/v1/admin/reloadssl", "").statusCode()).isEqualTo(200);
            assertThat(post(node, "/v1/admin/removenode", "").statusCode()).isEqualTo(400);
            awaitLine("the refused TLS handshake", l -> describe(l).startsWith("AUTH FAILURE TLS handshake"));
            List<JsonNode> lines = audited();
            List<String> described = new ArrayList<>();
            lines.forEach(l -> described.add(describe(l)));
            assertThat(described).as("every audited event, and nothing else").contains(
                    "DDL SUCCESS CREATE KEYSPACE app WITH replication = {'class':'SimpleStrategy',"
                            + "'replication_factor':1}",
                    "DDL SUCCESS CREATE TABLE app.kv (k text PRIMARY KEY, v text)",
                    "DDL FAILURE CREATE TABLE nowhere.kv (k text PRIMARY KEY)",
                    "DCL FAILURE CREATE ROLE alice WITH PASSWORD = '*****' AND LOGIN = true",
                    "DDL SUCCESS POST /v1/schema/keyspaces",
                    "ADMIN SUCCESS POST /v1/admin/reloadssl",
                    "ADMIN FAILURE POST /v1/admin/removenode")
                    .noneMatch(d -> d.contains("INSERT") || d.contains("SELECT") || d.contains("GET "));
            assertThat(described).filteredOn(d -> d.startsWith("AUTH SUCCESS TLS client certificate")).isNotEmpty();
            assertThat(Files.readString(dir.resolve("audit").resolve(FileAuditLog.FILE_NAME)))
                    .as("no password in the audit log").doesNotContain("sekret");
            for (JsonNode line : lines) {
                assertThat(line.get("node").asText()).isEqualTo(config.nodeId().id());
                assertThat(line.get("source").asText()).as(describe(line)).startsWith("127.0.0.1:");
                assertThat(line.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            }
            assertThat(lines).filteredOn(l -> describe(l).startsWith("AUTH SUCCESS")).allSatisfy(l ->
                    assertThat(l.get("user").asText()).isEqualTo("CN=operator"));
            assertThat(lines).filteredOn(l -> describe(l).startsWith("ADMIN FAILURE")).allSatisfy(l ->
                    assertThat(l.get("reason").asText()).startsWith("400 "));
        }
    }

    @Test
    void categoriesNotNamedAreNotRecorded() throws Exception {
        ServerConfig config = config(certificates(), "ADMIN");
        try (ServerNode node = ServerNode.start(config, new FileStores(config), null)) {
            try (CqlSession session = connect(node, tls("operator"))) {
                session.execute("CREATE KEYSPACE app WITH replication = {'class':'SimpleStrategy',"
                        + "'replication_factor':1}");
            }
            assertThat(post(node, "/v1/admin/reloadssl", "").statusCode()).isEqualTo(200);
            assertThat(audited()).extracting(AuditedNodeTest::describe)
                    .containsExactly("ADMIN SUCCESS POST /v1/admin/reloadssl");
        }
    }

    private void awaitLine(String what, java.util.function.Predicate<JsonNode> wanted) throws IOException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (audited().stream().noneMatch(wanted)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for the audit line of " + what + "; the log has "
                        + audited());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling interval
        }
    }
}
