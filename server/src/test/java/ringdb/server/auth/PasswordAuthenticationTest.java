package ringdb.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.servererrors.UnauthorizedException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.client.ClientCredentials;
import ringdb.client.RingClient;
import ringdb.client.RingClientException;
import ringdb.server.config.ServerConfig;
import ringdb.server.runtime.ServerNode;
import ringdb.server.net.FreePorts;
import ringdb.server.testing.CqlSessions;

/**
 * A real node with PasswordAuthenticator and CassandraAuthorizer, used through the Java driver's
 * PlainTextAuthProvider and an HTTP client: logins, refused logins, a role without MODIFY refused
 * (and nothing written) until GRANT, admin endpoints refused to a non-superuser, Basic and tokens.
 */
@Timeout(180)
class PasswordAuthenticationTest {
    static final String SUPERUSER = "ringdb";
    static final String SUPERUSER_PASSWORD = "first-superuser-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static ServerNode node;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() throws IOException {
        Map<String, String> settings = new HashMap<>();
        int internode = FreePorts.loopback();
        settings.put("listen_address", "127.0.0.1");
        settings.put("internode_port", Integer.toString(internode));
        settings.put("http_port", Integer.toString(FreePorts.loopback()));
        settings.put("native_transport_port", Integer.toString(FreePorts.loopback()));
        settings.put("data_directory", dir.resolve("node").toString());
        settings.put("replication_factor", "1");
        settings.put("seeds", "127.0.0.1:" + internode);
        settings.put("authenticator", "PasswordAuthenticator");
        settings.put("authorizer", "CassandraAuthorizer");
        settings.put("auth_superuser_password", SUPERUSER_PASSWORD);
        ServerConfig config = ServerConfig.load(null, settings);
        node = ringdb.server.Nodes.start(config); // with the dashboard
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    static CqlSession connect(InetSocketAddress address, String user, String password) {
        var builder = CqlSessions.builder(address, CqlSessions.connectionTimeouts());
        if (user != null) {
            builder = builder.withAuthCredentials(user, password);
        }
        return builder.build();
    }

    @Test
    void theDriversPasswordProviderLogsInAndAWrongPasswordIsRefused() {
        try (CqlSession session = connect(node.cqlAddress(), SUPERUSER, SUPERUSER_PASSWORD)) {
            Row row = session.execute("SELECT release_version FROM system.local").one();
            assertThat(row).isNotNull();
        }
        assertThatThrownBy(() -> connect(node.cqlAddress(), SUPERUSER, "wrong").close())
                .isInstanceOf(AllNodesFailedException.class)
                .satisfies(e -> assertThat(((AllNodesFailedException) e).getAllErrors().values().iterator().next()
                        .get(0)).isInstanceOf(AuthenticationException.class)
                        .hasMessageContaining("Provided username ringdb and/or password are incorrect"));
        assertThatThrownBy(() -> connect(node.cqlAddress(), null, null).close())
                .isInstanceOf(AllNodesFailedException.class)
                .hasMessageContaining("requires authentication");
    }

    @Test
    void aRoleWithoutModifyCannotWriteUntilGranted() throws Exception {
        try (CqlSession admin = connect(node.cqlAddress(), SUPERUSER, SUPERUSER_PASSWORD)) {
            admin.execute("CREATE KEYSPACE shop WITH replication = {'class': 'SimpleStrategy', "
                    + "'replication_factor': 1}");
            admin.execute("CREATE TABLE shop.orders (id int PRIMARY KEY, item text)");
            admin.execute("INSERT INTO shop.orders (id, item) VALUES (1, 'tea')");
            admin.execute("CREATE ROLE clerk WITH PASSWORD = 'clerk-pw' AND LOGIN = true");
            admin.execute("GRANT SELECT ON KEYSPACE shop TO clerk");
            try (CqlSession clerk = connect(node.cqlAddress(), "clerk", "clerk-pw")) {
                assertThat(clerk.execute("SELECT item FROM shop.orders WHERE id = 1").one().getString(0))
                        .isEqualTo("tea");
                assertThatThrownBy(() -> clerk.execute("UPDATE shop.orders SET item = 'coffee' WHERE id = 1"))
                        .isInstanceOf(UnauthorizedException.class)
                        .hasMessageContaining("clerk").hasMessageContaining("MODIFY")
                        .hasMessageContaining("<table shop.orders>");
                // over HTTP too: a scan reads (SELECT), a row write modifies
                HttpResponse<String> scanned = send("POST", "/v1/rows/shop/orders/scan", basic("clerk", "clerk-pw"),
                        "{}");
                assertThat(scanned.statusCode()).as(scanned.body()).isEqualTo(200);
                assertThat(scanned.body()).contains("\"item\":\"tea\"");
                HttpResponse<String> written = send("POST", "/v1/rows/shop/orders", basic("clerk", "clerk-pw"),
                        "{\"rows\":[{\"id\":1,\"item\":\"coffee\"}]}");
                assertThat(written.statusCode()).as(written.body()).isEqualTo(403);
                assertThat(written.body()).contains("MODIFY");
                assertThat(admin.execute("SELECT item FROM shop.orders WHERE id = 1").one().getString(0))
                        .isEqualTo("tea");
                assertThatThrownBy(() -> clerk.execute("CREATE ROLE intruder WITH SUPERUSER = true"))
                        .isInstanceOf(UnauthorizedException.class);
                admin.execute("GRANT MODIFY ON TABLE shop.orders TO clerk");
                clerk.execute("UPDATE shop.orders SET item = 'coffee' WHERE id = 1");
                assertThat(admin.execute("SELECT item FROM shop.orders WHERE id = 1").one().getString(0))
                        .isEqualTo("coffee");
            }
            List<String> permissions = admin.execute("LIST ALL PERMISSIONS OF clerk").all().stream()
                    .map(r -> r.getString("resource") + " " + r.getString("permission")).toList();
            assertThat(permissions).containsExactly("<keyspace shop> SELECT", "<table shop.orders> MODIFY");
            List<String> roles = admin.execute("LIST ROLES").all().stream()
                    .map(r -> r.getString("role") + " super=" + r.getBoolean("super")).toList();
            assertThat(roles).contains("clerk super=false", "ringdb super=true");
            admin.execute("REVOKE MODIFY ON TABLE shop.orders FROM clerk");
            try (CqlSession clerk = connect(node.cqlAddress(), "clerk", "clerk-pw")) {
                assertThatThrownBy(() -> clerk.execute("DELETE FROM shop.orders WHERE id = 1"))
                        .isInstanceOf(UnauthorizedException.class);
            }
        }
    }

    @Test
    void httpNeedsCredentialsAndAdminNeedsASuperuser() throws Exception {
        try (CqlSession admin = connect(node.cqlAddress(), SUPERUSER, SUPERUSER_PASSWORD)) {
            admin.execute("CREATE ROLE IF NOT EXISTS reader WITH PASSWORD = 'reader-pw' AND LOGIN = true");
        }
        HttpResponse<String> anonymous = send("GET", "/v1/cluster", null, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Basic");
        assertThat(send("GET", "/v1/cluster", basic(SUPERUSER, "nope"), null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/v1/cluster", basic("reader", "reader-pw"), null).statusCode()).isEqualTo(200);

        Path snapshots = dir.resolve("node").resolve("data").resolve("snapshots");
        HttpResponse<String> refused = send("POST", "/v1/admin/snapshot?name=by-reader",
                basic("reader", "reader-pw"), "");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("reader").contains("not a superuser");
        assertThat(send("GET", "/v1/admin/jobs", basic("reader", "reader-pw"), null).statusCode()).isEqualTo(403);
        assertThat(Files.exists(snapshots.resolve("by-reader"))).isFalse();
        assertThat(send("GET", "/v1/admin/jobs", basic(SUPERUSER, SUPERUSER_PASSWORD), null).statusCode())
                .isEqualTo(200);

        HttpResponse<String> put = send("PUT", "/v1/kv/greeting", basic("reader", "reader-pw"), "hello");
        assertThat(put.statusCode()).isEqualTo(403);
        assertThat(put.body()).contains("MODIFY").contains("<table ringdb.kv>");
        assertThat(send("GET", "/v1/kv/greeting", basic(SUPERUSER, SUPERUSER_PASSWORD), null).statusCode())
                .isEqualTo(404);

        HttpResponse<String> token = send("POST", "/v1/auth/token", basic(SUPERUSER, SUPERUSER_PASSWORD), "");
        assertThat(token.statusCode()).isEqualTo(200);
        JsonNode tokenJson = JSON.readTree(token.body());
        String bearer = "Bearer " + tokenJson.get("token").asText();
        assertThat(tokenJson.get("role").asText()).isEqualTo(SUPERUSER);
        assertThat(send("PUT", "/v1/kv/greeting", bearer, "hello").statusCode()).isEqualTo(200);
        HttpResponse<String> read = send("GET", "/v1/kv/greeting", bearer, null);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).contains("hello");
        assertThat(send("GET", "/v1/kv/greeting", "Bearer not-a-token", null).statusCode()).isEqualTo(401);
        assertThat(send("DELETE", "/v1/auth/token", bearer, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/v1/kv/greeting", bearer, null).statusCode()).isEqualTo(401);
    }

    @Test
    void theDashboardLogsInWithASessionAndRefusesActionsWithoutItsCsrfToken() throws Exception {
        HttpResponse<String> page = send("GET", "/", null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("requires a login");
        assertThat(send("GET", "/api/dashboard/state", null, null).statusCode()).isEqualTo(401);

        HttpResponse<String> badLogin = sendJson("POST", "/v1/auth/login", null, null,
                "{\"user\":\"ringdb\",\"password\":\"wrong\"}");
        assertThat(badLogin.statusCode()).isEqualTo(401);
        HttpResponse<String> login = sendJson("POST", "/v1/auth/login", null, null,
                "{\"user\":\"" + SUPERUSER + "\",\"password\":\"" + SUPERUSER_PASSWORD + "\"}");
        assertThat(login.statusCode()).isEqualTo(200);
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).containsIgnoringCase("HttpOnly").contains("SameSite=Strict");
        String cookie = setCookie.split(";", 2)[0];
        String csrf = JSON.readTree(login.body()).get("csrf_token").asText();
        assertThat(sendJson("GET", "/api/dashboard/state", cookie, null, null).statusCode()).isEqualTo(200);

        String put = "{\"action\":\"put\",\"params\":{\"key\":\"csrf-key\",\"value\":\"v\",\"cl\":\"ONE\"}}";
        HttpResponse<String> forged = sendJson("POST", "/api/dashboard/action", cookie, null, put);
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("X-CSRF-Token");
        HttpResponse<String> wrongToken = sendJson("POST", "/api/dashboard/action", cookie, "not-the-token", put);
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        assertThat(send("GET", "/v1/kv/csrf-key", basic(SUPERUSER, SUPERUSER_PASSWORD), null).statusCode())
                .as("nothing was written").isEqualTo(404);
        assertThat(sendJson("POST", "/api/dashboard/action", cookie, csrf, put).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/v1/kv/csrf-key", basic(SUPERUSER, SUPERUSER_PASSWORD), null).statusCode())
                .isEqualTo(200);

        assertThat(sendJson("DELETE", "/v1/auth/session", cookie, csrf, null).statusCode()).isEqualTo(200);
        assertThat(sendJson("GET", "/api/dashboard/state", cookie, null, null).statusCode()).isEqualTo(401);
    }

    private static HttpResponse<String> sendJson(String method, String path, String cookie, String csrf, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + node.httpAddress().getPort() + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        if (csrf != null) {
            request.header("X-CSRF-Token", csrf);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theNativeProtocolNeedsALoginAndTheRolesPermissions() {
        try (CqlSession admin = connect(node.cqlAddress(), SUPERUSER, SUPERUSER_PASSWORD)) {
            admin.execute("CREATE ROLE IF NOT EXISTS kvreader WITH PASSWORD = 'kv-pw' AND LOGIN = true");
            admin.execute("GRANT SELECT ON TABLE ringdb.kv TO kvreader");
            admin.execute("CREATE KEYSPACE IF NOT EXISTS nscan WITH replication = {'class': 'SimpleStrategy', "
                    + "'replication_factor': 1}");
            admin.execute("CREATE TABLE IF NOT EXISTS nscan.items (id int PRIMARY KEY, name text)");
            admin.execute("INSERT INTO nscan.items (id, name) VALUES (1, 'pen')");
        }
        String host = "127.0.0.1:" + node.httpAddress().getPort();
        RingClient.Options options = new RingClient.Options(10_000, 5_000, 1, false, RingClient.Protocol.NATIVE);
        byte[] key = "native-key".getBytes(StandardCharsets.UTF_8);
        try (RingClient superuser = new RingClient(List.of(host),
                options.withCredentials(new ClientCredentials(SUPERUSER, SUPERUSER_PASSWORD)))) {
            superuser.put(key, "v1".getBytes(StandardCharsets.UTF_8), "ONE");
            RingClient.ScanPage scanned = superuser.scan("nscan", "items", RingClient.ScanStart.ringStart(), 10,
                    List.of("name"), "ONE");
            assertThat(scanned.rows()).hasSize(1);
            assertThat(new String(scanned.rows().get(0).get(1), StandardCharsets.UTF_8)).isEqualTo("pen");
        }
        try (RingClient anonymous = new RingClient(List.of(host), options)) {
            assertThatThrownBy(() -> anonymous.get(key, "ONE")).isInstanceOf(RingClientException.class)
                    .hasMessageContaining("authentication required");
        }
        try (RingClient wrong = new RingClient(List.of(host),
                options.withCredentials(new ClientCredentials(SUPERUSER, "wrong")))) {
            assertThatThrownBy(() -> wrong.get(key, "ONE")).isInstanceOf(RingClientException.class)
                    .hasMessageContaining("password are incorrect");
        }
        try (RingClient reader = new RingClient(List.of(host),
                options.withCredentials(new ClientCredentials("kvreader", "kv-pw")))) {
            assertThat(new String(reader.get(key, "ONE").orElseThrow().value(), StandardCharsets.UTF_8))
                    .isEqualTo("v1");
            assertThatThrownBy(() -> reader.put(key, "v2".getBytes(StandardCharsets.UTF_8), "ONE"))
                    .isInstanceOf(RingClientException.class).hasMessageContaining("MODIFY");
            assertThat(new String(reader.get(key, "ONE").orElseThrow().value(), StandardCharsets.UTF_8))
                    .as("nothing was written").isEqualTo("v1");
            // a scan reads: SELECT on the table, which this role lacks
            assertThatThrownBy(() -> reader.scan("nscan", "items", RingClient.ScanStart.ringStart(), 10, List.of(),
                    "ONE")).isInstanceOf(RingClientException.class).hasMessageContaining("SELECT")
                    .hasMessageContaining("kvreader").satisfies(e -> assertThat(((RingClientException) e).status())
                            .isEqualTo(403));
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> send(String method, String path, String authorization, String body)
            throws IOException, InterruptedException {
        InetSocketAddress http = node.httpAddress();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.getPort() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/octet-stream");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
