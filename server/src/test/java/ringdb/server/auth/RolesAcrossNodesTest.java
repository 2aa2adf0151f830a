package ringdb.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static ringdb.server.testing.Waits.await;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.server.config.ServerConfig;
import ringdb.server.net.FreePorts;
import ringdb.server.runtime.FileStores;
import ringdb.server.runtime.ServerNode;
import ringdb.server.testing.OneNode;

/**
 * Two real nodes with password authentication: both create the system_auth tables and the first
 * superuser without conflict, and a role created through one node's CQL port logs in through the
 * other's (CQL and HTTP): roles are replicated data.
 */
@Timeout(180)
class RolesAcrossNodesTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private ServerConfig config(String host, int internode, String seed, int cqlPort) throws IOException {
        Map<String, String> settings = OneNode.settingsOn(host, internode, seed, cqlPort, dir.resolve(host));
        settings.put("replication_factor", "2");
        settings.put("authenticator", "PasswordAuthenticator");
        settings.put("authorizer", "CassandraAuthorizer");
        settings.put("auth_superuser_password", PasswordAuthenticationTest.SUPERUSER_PASSWORD);
        return ServerConfig.load(null, settings);
    }

    @Test
    void aRoleCreatedThroughOneNodeLogsInThroughTheOther() throws Exception {
        int cqlPort = FreePorts.on("127.0.0.1");
        int seedPort = FreePorts.on("127.0.0.1");
        ServerConfig first = config("127.0.0.1", seedPort, "127.0.0.1:" + seedPort, cqlPort);
        ServerConfig second = config("127.0.0.2", FreePorts.on("127.0.0.2"), "127.0.0.1:" + seedPort, cqlPort);
        try (ServerNode one = ServerNode.start(first, new FileStores(first), null);
             ServerNode two = ServerNode.start(second, new FileStores(second), null)) {
            await(WAIT, "node two sees both nodes up", () -> upMembers(two, "127.0.0.2") == 2);
            try (CqlSession viaOne = PasswordAuthenticationTest.connect(one.cqlAddress(),
                    PasswordAuthenticationTest.SUPERUSER, PasswordAuthenticationTest.SUPERUSER_PASSWORD)) {
                viaOne.execute("CREATE ROLE traveller WITH PASSWORD = 'roams' AND LOGIN = true");
            }
            try (CqlSession viaTwo = PasswordAuthenticationTest.connect(two.cqlAddress(), "traveller", "roams")) {
                assertThat(viaTwo.execute("SELECT cluster_name FROM system.local").one()).isNotNull();
            }
            HttpResponse<String> cluster = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.2:" + two.httpAddress().getPort() + "/v1/cluster"))
                    .header("Authorization", PasswordAuthenticationTest.basic("traveller", "roams"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(cluster.statusCode()).isEqualTo(200);
        }
    }

    /** Members node {@code node} reports up in GET /v1/cluster (asked as the superuser). */
    private static int upMembers(ServerNode node, String host) {
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://" + host + ":" + node.httpAddress().getPort() + "/v1/cluster"))
                    .header("Authorization", PasswordAuthenticationTest.basic(PasswordAuthenticationTest.SUPERUSER,
                            PasswordAuthenticationTest.SUPERUSER_PASSWORD))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                return 0;
            }
            int up = 0;
            for (var member : new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer.body())
                    .path("members")) {
                up += member.path("up").asBoolean() ? 1 : 0;
            }
            return up;
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
