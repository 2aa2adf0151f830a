package ringdb.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import ringdb.client.ClientTls;

/**
 * The TLS options of every command that connects to nodes as a client ({@code ringdb cql}, the
 * key-value and admin commands, {@code bench cluster}): {@code --tls} (cqlsh's {@code --ssl}), {@code --cacert},
 * {@code --cert} and {@code --key}.
 */
final class TlsOptions {
    @Option(names = {"--tls", "--ssl"},
            description = "Connect with TLS, as cqlsh --ssl (implied by --cacert, --cert and --key)")
    boolean tls;

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "PEM file of the authority that signed the nodes' certificates (default: the JVM's)")
    Path caCertificate;

    @Option(names = "--cert", paramLabel = "FILE",
            description = "PEM file of this client's certificate, for nodes that require one (with --key)")
    Path certificate;

    @Option(names = "--key", paramLabel = "FILE", description = "PEM file of the private key of --cert (PKCS#8)")
    Path privateKey;

    /** Whether the options ask for TLS: {@code --tls}, or any of the PEM files. */
    boolean requested() {
        return tls || caCertificate != null || certificate != null || privateKey != null;
    }

    /** The TLS settings the options ask for, or null for plaintext. */
    ClientTls clientTls() {
        if (!requested()) {
            return null;
        }
        return ClientTls.fromPem(caCertificate, certificate, privateKey);
    }
}
