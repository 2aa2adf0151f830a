package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ringdb.server.tls.NodeCertificates;

/** {@code ringdb certs create}: an authority, node certificates naming their ids, client certificates, PKCS#12. */
class CertsCommandTest {
    @TempDir
    Path dir;

    @Test
    void makesAnAuthorityAndCertificatesThatNameEachNode() throws Exception {
        assertThat(Main.run("certs", "create", "--dir", dir.toString(), "--nodes", "2", "--internode-port", "7100",
                "--client", "alice")).isZero();
        X509Certificate authority = read(dir.resolve("ca.crt"));
        X509Certificate first = read(dir.resolve("nodes/127.0.0.1_7100/node.crt"));
        X509Certificate second = read(dir.resolve("nodes/127.0.0.1_7101/node.crt"));
        first.verify(authority.getPublicKey());
        second.verify(authority.getPublicKey());
        assertThat(NodeCertificates.names(first, "127.0.0.1:7100")).isTrue();
        assertThat(NodeCertificates.names(first, "127.0.0.1:7101")).as("a certificate names its own node only")
                .isFalse();
        assertThat(NodeCertificates.mismatch(second, "127.0.0.1:7100")).contains("names node id 127.0.0.1:7101");
        assertThat(first.getSubjectAlternativeNames()).as("the address, for HTTPS clients such as curl")
                .anyMatch(name -> name.get(0).equals(7) && name.get(1).equals("127.0.0.1"));
        X509Certificate alice = read(dir.resolve("clients/alice/client.crt"));
        alice.verify(authority.getPublicKey());
        assertThat(alice.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");

        char[] password = Files.readString(dir.resolve("keystore-password.txt")).trim().toCharArray();
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("nodes/127.0.0.1_7100/node.p12"))) {
            keyStore.load(in, password);
        }
        assertThat(keyStore.getCertificate("ringdb")).isEqualTo(first);
        assertThat(keyStore.getKey("ringdb", password)).isNotNull();
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(dir.resolve("ca.key")))).isEqualTo("rw-------");
        }

        assertThat(Main.run("certs", "create", "--dir", dir.toString(), "--node", "10.0.0.5:7000")).isZero();
        read(dir.resolve("nodes/10.0.0.5_7000/node.crt")).verify(authority.getPublicKey());
        assertThat(read(dir.resolve("ca.crt"))).as("the authority is reused").isEqualTo(authority);
    }

    @Test
    void badInputIsAClearError() {
        assertThat(Main.run("certs", "create", "--dir", dir.toString(), "--node", "no-port")).isEqualTo(1);
        assertThat(Main.run("certs", "create", "--dir", dir.toString(), "--days", "0")).isEqualTo(2);
    }

    private static X509Certificate read(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
