package ringdb.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS settings of a client: which authorities it trusts to sign the nodes' certificates (a PEM
 * file, or the JVM's default trust store), and optionally its own certificate and key (PEM, the
 * key in PKCS#8) for nodes that require client certificates. The node's certificate must name the
 * host the client dialled (as HTTPS checks it): {@code ringdb certs create} puts the node's address
 * in its certificate.
 */
public final class ClientTls {
    private final SSLContext context;

    private ClientTls(SSLContext context) {
        this.context = context;
    }

    /**
     * Reads the PEM files: {@code caCertificate} (null: the JVM's default authorities), and
     * {@code certificate} with {@code privateKey} (both null: no client certificate). Throws
     * {@link IllegalArgumentException} naming the file and saying what is wrong.
     */
    public static ClientTls fromPem(Path caCertificate, Path certificate, Path privateKey) {
        if ((certificate == null) != (privateKey == null)) {
            throw new IllegalArgumentException("a client certificate needs its private key and the other way round "
                    + "(--cert and --key)");
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(certificate == null ? null : keyManagers(certificate, privateKey).getKeyManagers(),
                    caCertificate == null ? null : trustManagers(caCertificate).getTrustManagers(), null);
            return new ClientTls(context);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** Uses {@code context} as it is (a program's own key and trust managers). */
    public static ClientTls of(SSLContext context) {
        return new ClientTls(context);
    }

    public SSLContext context() {
        return context;
    }

    /** A client engine for {@code host:port} that checks the node's certificate names {@code host}. */
    SSLEngine newEngine(String host, int port) {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
        return engine;
    }

    private static TrustManagerFactory trustManagers(Path file) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
            int index = 0;
            for (Certificate authority : certificates(file)) {
                store.setCertificateEntry("ca-" + index++, authority);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the authority " + file + ": " + e.getMessage(), e);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory;
    }

    private static KeyManagerFactory keyManagers(Path certificate, Path privateKey) throws GeneralSecurityException {
        char[] password = "ringdb".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
            List<Certificate> chain = certificates(certificate);
            store.setKeyEntry("client", privateKey(privateKey, chain.get(0).getPublicKey().getAlgorithm()), password,
                    chain.toArray(Certificate[]::new));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + certificate + " or " + privateKey + ": "
                    + e.getMessage(), e);
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory;
    }

    private static List<Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("cannot read " + file);
        }
        try (InputStream in = Files.newInputStream(file)) {
            List<Certificate> read = new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (read.isEmpty()) {
                throw new IllegalArgumentException("no PEM certificate in " + file);
            }
            return read;
        }
    }

    private static PrivateKey privateKey(Path file, String algorithm) throws IOException, GeneralSecurityException {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("cannot read " + file);
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN PRIVATE KEY-----";
        int start = text.indexOf(begin);
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("no unencrypted PKCS#8 key (BEGIN PRIVATE KEY) in " + file);
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(start + begin.length(), end));
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    }
}
