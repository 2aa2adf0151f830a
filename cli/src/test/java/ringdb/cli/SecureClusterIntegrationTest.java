package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import ringdb.cli.cluster.LocalCluster;

/**
 * {@code ringdb cluster start --secure}: a real 2-node cluster of separate JVMs on 127.0.0.1 with
 * certificates made for it, internode mutual TLS, client TLS requiring a client certificate and password
 * authentication with a generated superuser. The CLI with the cluster's authority, the operator's
 * certificate and the superuser's credentials file is served; without any of them it is not.
 */
@Timeout(300)
class SecureClusterIntegrationTest {
    private ClusterHarness cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aSecureClusterServesClientsWithTheOperatorsCertificateOnly() throws Exception {
        Path dir = Files.createTempDirectory("ringdb-secure-");
        cluster = new ClusterHarness(dir);
        ClusterHarness.Run start = ClusterHarness.cli("cluster", "start", "--secure", "--dir", dir.toString(),
                "--nodes", "2", "--rf", "2", "--internode-port", "0", "--http-port", "0", "--wait-seconds", "180",
                "--heap", "256m", "--server-flag=--gossip-interval-ms=200");
        assertThat(start.exitCode()).as(start.out() + start.err()).isZero();
        assertThat(start.out()).contains("cluster of 2 nodes is up").contains("--cacert").contains("--credentials");
        String host = cluster.http(0);
        Path certs = dir.resolve(LocalCluster.CERTS_DIRECTORY);
        Path operator = certs.resolve("clients").resolve(LocalCluster.OPERATOR);
        Path credentials = dir.resolve(LocalCluster.CREDENTIALS_FILE);
        assertThat(Files.getPosixFilePermissions(credentials)).as("the superuser's password is the owner's only")
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(dir.resolve("node1").resolve("ringdb.yaml"))).as("no password in the config")
                .contains("authenticator: PasswordAuthenticator").doesNotContain("password=");
        List<String> certificate = List.of("--host", host, "--cacert", certs.resolve("ca.crt").toString(), "--cert",
                operator.resolve("client.crt").toString(), "--key", operator.resolve("client.key").toString());
        List<String> tls = java.util.stream.Stream.concat(certificate.stream(),
                java.util.stream.Stream.of("--credentials", credentials.toString())).toList();

        ClusterHarness.Run anonymous = ClusterHarness.cli(args(List.of("put", "secure-key", "v"), certificate));
        assertThat(anonymous.exitCode()).as("the certificate alone is not a login").isNotZero();
        assertThat(anonymous.err()).contains("authentication required");
        Path wrong = dir.resolve("wrong-credentials");
        Files.writeString(wrong, "user=ringdb\npassword=not-it\n");
        ClusterHarness.Run badPassword = ClusterHarness.cli(args(List.of("put", "secure-key", "v"),
                java.util.stream.Stream.concat(certificate.stream(), java.util.stream.Stream.of("--credentials",
                        wrong.toString())).toList()));
        assertThat(badPassword.exitCode()).isNotZero();
        assertThat(badPassword.err()).contains("password are incorrect");

        ClusterHarness.Run put = ClusterHarness.cli(args(List.of("put", "secure-key", "v", "--cl", "ALL"), tls));
        assertThat(put.exitCode()).as(put.out() + put.err()).isZero();
        ClusterHarness.Run get = ClusterHarness.cli(args(List.of("get", "secure-key", "--protocol", "http"), tls));
        assertThat(get.out().trim()).as(get.err()).isEqualTo("v");
        ClusterHarness.Run status = ClusterHarness.cli(args(List.of("status"), tls));
        assertThat(status.out()).as("both nodes up over internode TLS").containsPattern("UN +127\\.0\\.0\\.1")
                .doesNotContain("DN ").doesNotContain("WARNING");

        ClusterHarness.Run plaintext = ClusterHarness.cli("get", "secure-key", "--host", host);
        assertThat(plaintext.exitCode()).as("plaintext is refused").isNotZero();
        ClusterHarness.Run noCertificate = ClusterHarness.cli("get", "secure-key", "--host", host, "--cacert",
                certs.resolve("ca.crt").toString());
        assertThat(noCertificate.exitCode()).as("TLS without the client certificate is refused").isNotZero();
        assertThat(noCertificate.err()).contains("error:");
        ClusterHarness.Run clusterStatus = ClusterHarness.cli("cluster", "status", "--dir", dir.toString());
        assertThat(clusterStatus.out()).as("cluster status finds the certificates itself").contains("UN ");
    }

    private static String[] args(List<String> command, List<String> tls) {
        return java.util.stream.Stream.concat(command.stream(), tls.stream()).toArray(String[]::new);
    }
}
