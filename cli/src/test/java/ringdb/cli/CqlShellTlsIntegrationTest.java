package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.server.net.FreePorts;
import ringdb.server.runtime.ServerNode;
import ringdb.server.testing.OneNode;

/**
 * {@code ringdb cql} against a node whose CQL port speaks TLS and requires client certificates
 * (certificates made by {@code ringdb certs create}): it connects with {@code --cacert}, {@code --cert}
 * and {@code --key}, and without them, or with an authority the JVM trusts instead, it cannot.
 */
@Timeout(120)
class CqlShellTlsIntegrationTest {
    @TempDir
    static Path dir;
    private static ServerNode node;
    private static String host;

    @BeforeAll
    static void startNode() throws IOException {
        int internode = FreePorts.loopback();
        Path certs = dir.resolve("certs");
        assertThat(Main.run("certs", "create", "--dir", certs.toString(), "--node", "127.0.0.1:" + internode,
                "--client", "operator")).isZero();
        Path nodeCerts = certs.resolve("nodes/127.0.0.1_" + internode);
        Map<String, String> settings = OneNode.settings(dir.resolve("node"), internode);
        settings.putAll(OneNode.clientTls(nodeCerts.resolve("node.crt"), nodeCerts.resolve("node.key"),
                certs.resolve("ca.crt"), true));
        node = OneNode.start(settings);
        host = "127.0.0.1:" + node.cqlAddress().getPort();
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    private static ClusterHarness.Run cql(String... args) {
        // a refused handshake fails at once; a TLS connection on a loaded machine may take seconds
        return ClusterHarness.cql(host, args);
    }

    private static String file(String path) {
        return dir.resolve("certs").resolve(path).toString();
    }

    @Test
    void theShellConnectsOverTlsWithTheAuthorityAndItsCertificate() {
        ClusterHarness.Run run = cql("--ssl", "--cacert", file("ca.crt"), "--cert", file("clients/operator/client.crt"),
                "--key", file("clients/operator/client.key"), "-e",
                "CREATE KEYSPACE tls WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};"
                        + "CREATE TABLE tls.t (k int PRIMARY KEY, v text); INSERT INTO tls.t (k, v) VALUES (1, 'x');"
                        + "SELECT v FROM tls.t WHERE k = 1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains(" v\n---\n x\n\n(1 rows)");
    }

    @Test
    void withoutTlsOrWithoutTheRightAuthorityOrCertificateItCannotConnect() {
        ClusterHarness.Run plain = cql("-e", "SELECT * FROM system.local");
        assertThat(plain.exitCode()).as("plaintext").isEqualTo(CqlCommand.EXIT_NO_CONNECTION);
        assertThat(plain.err()).contains("Connection error");
        ClusterHarness.Run jvmAuthorities = cql("--ssl", "--cert", file("clients/operator/client.crt"),
                "--key", file("clients/operator/client.key"), "-e", "SELECT * FROM system.local");
        assertThat(jvmAuthorities.exitCode()).as("the JVM's authorities do not know the node's")
                .isEqualTo(CqlCommand.EXIT_NO_CONNECTION);
        ClusterHarness.Run noCertificate = cql("--cacert", file("ca.crt"), "-e", "SELECT * FROM system.local");
        assertThat(noCertificate.exitCode()).as("the node requires a client certificate")
                .isEqualTo(CqlCommand.EXIT_NO_CONNECTION);
    }

    @Test
    void aMissingCertificateFileIsAClearError() {
        ClusterHarness.Run run = cql("--cacert", file("nope.crt"), "-e", "SELECT * FROM system.local");
        assertThat(run.exitCode()).isEqualTo(CqlCommand.EXIT_STATEMENT_FAILED);
        assertThat(run.err()).startsWith("error: ").contains("nope.crt");
    }
}
