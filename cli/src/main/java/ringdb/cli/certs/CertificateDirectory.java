package ringdb.cli.certs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The files of a cluster's certificates under one directory, as {@code ringdb certs create} lays
 * them out:
 *
 * <pre>
 * ca.crt  ca.key                  the cluster's certificate authority (keep ca.key offline)
 * truststore.p12                  ca.crt as a PKCS#12 trust store
 * keystore-password.txt           the password of every .p12 file here
 * nodes/HOST_PORT/node.crt, node.key, node.p12     one node's certificate (names HOST:PORT)
 * clients/NAME/client.crt, client.key, client.p12  one client's certificate
 * </pre>
 *
 * An existing authority in the directory is reused, so certificates for more nodes can be added
 * later and the nodes made earlier keep trusting them.
 */
public final class CertificateDirectory {
    private final Path root;
    private final CertificateAuthority authority;
    private final String password;
    private final boolean createdAuthority;

    /** The files of one node's or client's certificate. */
    public record CertificateFiles(Path certificate, Path privateKey, Path keyStore) {
    }

    private CertificateDirectory(Path root, CertificateAuthority authority, String password, boolean created) {
        this.root = root;
        this.authority = authority;
        this.password = password;
        this.createdAuthority = created;
    }

    /** Opens {@code root}, making a new authority (valid {@code validity}) unless one is there. */
    public static CertificateDirectory open(Path root, String clusterName, Duration validity) {
        Path root0 = root.toAbsolutePath().normalize();
        Path crt = root0.resolve("ca.crt");
        Path key = root0.resolve("ca.key");
        Path passwordFile = root0.resolve("keystore-password.txt");
        if (Files.isRegularFile(crt) && Files.isRegularFile(key)) {
            String password = Files.isRegularFile(passwordFile) ? read(passwordFile).trim()
                    : CertificateAuthority.newPassword();
            if (!Files.isRegularFile(passwordFile)) {
                CertificateAuthority.writeText(passwordFile, password + "\n", true);
            }
            return new CertificateDirectory(root0, CertificateAuthority.load(crt, key), password, false);
        }
        CertificateAuthority authority = CertificateAuthority.create("ringdb " + clusterName + " CA", validity);
        String password = CertificateAuthority.newPassword();
        CertificateAuthority.writePem(authority.issued(), crt, key);
        CertificateAuthority.writeText(passwordFile, password + "\n", true);
        CertificateAuthority.writeTrustStore(authority.certificate(), password.toCharArray(),
                root0.resolve("truststore.p12"));
        return new CertificateDirectory(root0, authority, password, true);
    }

    /** Issues (or issues again, replacing the files) the certificate of node {@code nodeId}. */
    public CertificateFiles issueNode(String nodeId, List<String> extraHosts, Duration validity) {
        CertificateAuthority.Issued issued = authority.issueNode(nodeId, extraHosts, validity);
        return write(issued, root.resolve("nodes").resolve(nodeId.replace(':', '_')), "node");
    }

    /** Issues (or issues again) the certificate of client {@code name}. */
    public CertificateFiles issueClient(String name, Duration validity) {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("a client name is letters, digits, '.', '_' and '-', got '" + name
                    + "'");
        }
        CertificateAuthority.Issued issued = authority.issueClient(name, validity);
        return write(issued, root.resolve("clients").resolve(name), "client");
    }

    private CertificateFiles write(CertificateAuthority.Issued issued, Path dir, String stem) {
        CertificateFiles files = new CertificateFiles(dir.resolve(stem + ".crt"), dir.resolve(stem + ".key"),
                dir.resolve(stem + ".p12"));
        CertificateAuthority.writePem(issued, files.certificate(), files.privateKey());
        CertificateAuthority.writeKeyStore(issued, authority.certificate(), password.toCharArray(), files.keyStore());
        return files;
    }

    public Path root() {
        return root;
    }

    /** The authority's certificate (PEM): what nodes and clients trust. */
    public Path authorityCertificate() {
        return root.resolve("ca.crt");
    }

    public Path trustStore() {
        return root.resolve("truststore.p12");
    }

    public Path passwordFile() {
        return root.resolve("keystore-password.txt");
    }

    /** Whether {@link #open} made the authority (rather than finding one). */
    public boolean createdAuthority() {
        return createdAuthority;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
