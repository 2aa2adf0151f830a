package ringdb.server.cql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.ssl.ProgrammaticSslEngineFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.client.ClientTls;
import ringdb.server.runtime.ServerNode;
import ringdb.server.testing.OneNode;
import ringdb.server.tls.ReloadingTls;
import ringdb.server.transport.TestCertificates;
import ringdb.server.net.FreePorts;
import ringdb.server.testing.CqlSessions;

/**
 * TLS on a real node's CQL port with real drivers: the Java driver trusting the node's authority
 * and presenting a client certificate is served; plaintext, no certificate, a certificate of
 * another authority and an expired one are refused while the node keeps serving; optional TLS
 * serves both on one port; the Python driver connects with an ssl_context; a certificate rotated
 * while a session stays connected is what new sessions see.
 */
@Timeout(180)
class CqlTlsTest {
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    @TempDir
    Path dir;

    private Path trusted;
    private int internode;

    @BeforeEach
    void certificates() throws Exception {
        internode = FreePorts.loopback();
        TestCertificates.Issued authority = TestCertificates.authority("cluster-ca");
        trusted = authority.write(dir, "ca");
        TestCertificates.forNode(authority, "127.0.0.1:" + internode).write(dir, "node");
        TestCertificates.signedBy(authority, "operator").write(dir, "operator");
        TestCertificates.expired(authority, "late").write(dir, "late");
        TestCertificates.Issued foreign = TestCertificates.authority("foreign-ca");
        TestCertificates.signedBy(foreign, "stranger").write(dir, "stranger");
    }

    private ServerNode start(boolean requireClientAuth, boolean optional) {
        return start(requireClientAuth, optional, Map.of());
    }

    private ServerNode start(boolean requireClientAuth, boolean optional, Map<String, String> more) {
        Map<String, String> settings = OneNode.settings(dir.resolve("data"), internode);
        settings.putAll(OneNode.clientTls(dir.resolve("node.crt"), dir.resolve("node.key"), trusted,
                requireClientAuth));
        settings.put("client_encryption_optional", Boolean.toString(optional));
        settings.putAll(more);
        return OneNode.start(settings);
    }

    private SSLContext tls(Path authority, String client) {
        return ClientTls.fromPem(authority, client == null ? null : dir.resolve(client + ".crt"),
                client == null ? null : dir.resolve(client + ".key")).context();
    }

    /** A Java driver session; {@code ssl} null: plaintext. The node's certificate is checked against the host. */
    private static CqlSession connect(ServerNode node, SSLContext ssl) {
        return connect(node, ssl, null, null);
    }

    private static CqlSession connect(ServerNode node, SSLContext ssl, String user, String password) {
        InetSocketAddress contact; // named by its IP address (not "localhost"), the name the certificate holds
        try {
            contact = new InetSocketAddress(InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1}),
                    node.cqlAddress().getPort());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        var builder = CqlSessions.builder(contact, CqlSessions.connectionTimeouts()
                .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, Duration.ofSeconds(10)));
        if (ssl != null) {
            builder.withSslEngineFactory(new ProgrammaticSslEngineFactory(ssl, null, true));
        }
        if (user != null) {
            builder.withAuthCredentials(user, password);
        }
        return builder.build();
    }

    private static void createAndWrite(CqlSession session, String value) {
        session.execute("CREATE KEYSPACE IF NOT EXISTS app WITH replication = "
                + "{'class':'SimpleStrategy','replication_factor':1}");
        session.execute("CREATE TABLE IF NOT EXISTS app.kv (k text PRIMARY KEY, v text)");
        session.execute("INSERT INTO app.kv (k, v) VALUES ('k', '" + value + "')");
    }

    private static String read(CqlSession session) {
        return session.execute("SELECT v FROM app.kv WHERE k = 'k'").one().getString(0);
    }

    @Test
    void theDriverWithTheAuthorityAndACertificateIsServedAndOthersAreRefused() throws Exception {
        try (ServerNode node = start(true, false)) {
            try (CqlSession session = connect(node, tls(trusted, "operator"))) {
                createAndWrite(session, "over-tls");
                assertThat(read(session)).isEqualTo("over-tls");
                long failedBefore = node.clientTls().failedHandshakes();
                assertThatThrownBy(() -> connect(node, null).close()).as("a plaintext driver")
                        .isInstanceOf(AllNodesFailedException.class);
                assertThat(plaintextOptionsAnswer(node)).as("a plaintext OPTIONS gets no CQL answer").isEmpty();
                assertThatThrownBy(() -> connect(node, tls(trusted, null)).close()).as("a driver without certificate")
                        .isInstanceOf(AllNodesFailedException.class);
                assertThatThrownBy(() -> connect(node, tls(trusted, "stranger")).close())
                        .as("a certificate of another authority").isInstanceOf(AllNodesFailedException.class);
                assertThatThrownBy(() -> connect(node, tls(trusted, "late")).close()).as("an expired certificate")
                        .isInstanceOf(AllNodesFailedException.class);
                assertThatThrownBy(() -> connect(node, tls(dir.resolve("stranger.crt"), "operator")).close())
                        .as("a driver that does not trust the node's authority")
                        .isInstanceOf(AllNodesFailedException.class);
                awaitTrue("the node counted the refused handshakes",
                        () -> node.clientTls().failedHandshakes() >= failedBefore + 5);
                session.execute("INSERT INTO app.kv (k, v) VALUES ('k', 'still-served')");
                assertThat(read(session)).as("the session connected before keeps being served")
                        .isEqualTo("still-served");
            }
            try (CqlSession again = connect(node, tls(trusted, "operator"))) {
                assertThat(read(again)).as("a new TLS session after the refusals").isEqualTo("still-served");
            }
        }
    }

    @Test
    void theDriverWithTlsAndAPasswordProviderLogsInAndAWrongPasswordIsRefused() throws Exception {
        try (ServerNode node = start(true, false, Map.of("authenticator", "PasswordAuthenticator",
                "authorizer", "CassandraAuthorizer", "auth_superuser_password", "secret-over-tls"))) {
            try (CqlSession session = connect(node, tls(trusted, "operator"), "ringdb", "secret-over-tls")) {
                createAndWrite(session, "tls-and-password");
                assertThat(read(session)).isEqualTo("tls-and-password");
            }
            assertThatThrownBy(() -> connect(node, tls(trusted, "operator"), "ringdb", "wrong").close())
                    .as("the right certificate with a wrong password").isInstanceOf(AllNodesFailedException.class)
                    .satisfies(e -> assertThat(((AllNodesFailedException) e).getAllErrors().values().iterator()
                            .next().get(0)).isInstanceOf(AuthenticationException.class)
                            .hasMessageContaining("Provided username ringdb and/or password are incorrect"));
            assertThatThrownBy(() -> connect(node, tls(trusted, "operator")).close())
                    .as("the right certificate and no credentials").isInstanceOf(AllNodesFailedException.class)
                    .hasMessageContaining("requires authentication");
        }
    }

    @Test
    void optionalTlsServesTheDriverWithAndWithoutTlsOnOnePort() throws Exception {
        try (ServerNode node = start(false, true);
             CqlSession plain = connect(node, null);
             CqlSession secure = connect(node, tls(trusted, null))) {
            createAndWrite(plain, "plaintext");
            assertThat(read(secure)).isEqualTo("plaintext");
            secure.execute("INSERT INTO app.kv (k, v) VALUES ('k', 'tls')");
            assertThat(read(plain)).isEqualTo("tls");
        }
    }

    @Test
    void aRotatedCertificateIsSeenByNewSessionsWhileAConnectedOneKeepsGoing() throws Exception {
        TestCertificates.Issued second = TestCertificates.authority("second-ca");
        Path secondTrusted = second.write(dir, "second-ca");
        try (ServerNode node = start(false, false);
             CqlSession old = connect(node, tls(trusted, null))) {
            createAndWrite(old, "before");
            assertThatThrownBy(() -> connect(node, tls(secondTrusted, null)).close())
                    .as("the node does not present the second authority's certificate yet")
                    .isInstanceOf(AllNodesFailedException.class);
            TestCertificates.forNode(second, "127.0.0.1:" + internode).write(dir, "node");
            List<ReloadingTls.Outcome> outcomes = node.reloadTls();
            assertThat(outcomes).extracting(ReloadingTls.Outcome::reloaded).containsExactly(true);
            try (CqlSession fresh = connect(node, tls(secondTrusted, null))) {
                assertThat(read(fresh)).as("a new session gets the new certificate").isEqualTo("before");
            }
            assertThatThrownBy(() -> connect(node, tls(trusted, null)).close())
                    .as("new sessions trusting only the first authority no longer connect")
                    .isInstanceOf(AllNodesFailedException.class);
            old.execute("INSERT INTO app.kv (k, v) VALUES ('k', 'after')");
            assertThat(read(old)).as("the session connected before the rotation keeps going").isEqualTo("after");
        }
    }

    @Test
    void thePythonDriverConnectsWithAnSslContextAndAPassword() throws Exception {
        try (ServerNode node = start(true, false, Map.of("authenticator", "PasswordAuthenticator",
                "authorizer", "CassandraAuthorizer", "auth_superuser_password", "python-over-tls"))) {
            Object[] result = PythonDriverSuiteTest.run(List.of("/usr/bin/python3",
                    PythonDriverSuiteTest.repositoryFile("clients/python/tls_check.py").toString(),
                    node.cqlAddress().getHostString(), Integer.toString(node.cqlAddress().getPort()),
                    trusted.toString(), dir.resolve("operator.crt").toString(), dir.resolve("operator.key").toString(),
                    "ringdb", "python-over-tls"),
                    120);
            assertThat((int) result[0]).as("exit status of clients/python/tls_check.py; its output:\n%s", result[1])
                    .isZero();
            assertThat((String) result[1]).contains("ok  plaintext refused").contains("tls checks passed");
        }
    }

    /** What the node answers to a plaintext CQL OPTIONS on its TLS-only port: nothing (it closes). */
    private static byte[] plaintextOptionsAnswer(ServerNode node) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), node.cqlAddress().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(new byte[] {0x04, 0, 0, 1, 0x05, 0, 0, 0, 0}); // v4 OPTIONS, stream 1
            InputStream in = socket.getInputStream();
            byte[] answer = in.readAllBytes();
            return answer.length > 0 && answer[0] == (byte) 0x84 ? answer : new byte[0];
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling interval
        }
    }
}
