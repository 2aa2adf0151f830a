package ringdb.server.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import ringdb.server.config.ServerConfig;

/**
 * Where a TLS endpoint's key, certificate and trusted authorities come from: PEM files (a
 * certificate chain and its PKCS#8 private key; trusted certificates) or PKCS#12 stores (a key
 * store with the key and its chain; a trust store), as named by the keys
 * {@code <prefix>_certificate}, {@code _private_key}, {@code _keystore}, {@code _keystore_password},
 * {@code _trusted_certificates}, {@code _truststore} and {@code _truststore_password}. Reads the
 * files each time it is asked (so a reload sees new files); every failure is an
 * {@link IllegalArgumentException} naming the key and file and saying what is wrong.
 */
public record TlsMaterial(String prefix, Path certificate, Path privateKey, Path keyStore, String keyStorePassword,
                          Path trusted, Path trustStore, String trustStorePassword) {
    private static final char[] IN_MEMORY_PASSWORD = "ringdb".toCharArray();
    private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519", "Ed448");

    /** The material named by {@code prefix}'s keys of {@code config} (empty values: not given). */
    public static TlsMaterial fromConfig(ServerConfig config, String prefix) {
        return new TlsMaterial(prefix, path(config, prefix + "_certificate"), path(config, prefix + "_private_key"),
                path(config, prefix + "_keystore"), config.text(prefix + "_keystore_password"),
                path(config, prefix + "_trusted_certificates"), path(config, prefix + "_truststore"),
                config.text(prefix + "_truststore_password"));
    }

    /** PEM files only. */
    public static TlsMaterial pem(String prefix, Path certificate, Path privateKey, Path trusted) {
        return new TlsMaterial(prefix, certificate, privateKey, null, "", trusted, null, "");
    }

    private static Path path(ServerConfig config, String key) {
        String value = config.text(key);
        return value.isEmpty() ? null : Path.of(value);
    }

    /** Whether trusted authorities are given (as PEM or as a trust store). */
    public boolean hasTrust() {
        return trusted != null || trustStore != null;
    }

    /**
     * Checks that the key and certificate are given one way (PEM pair or key store), and trust when
     * {@code trustNeeded}, and that every file named can be read.
     */
    public void check(String enabledKey, boolean trustNeeded) {
        boolean pem = certificate != null || privateKey != null;
        if (pem && keyStore != null) {
            throw new IllegalArgumentException(prefix + "_keystore and " + prefix + "_certificate/_private_key are "
                    + "both set: give the key and certificate one way");
        }
        if (!pem && keyStore == null) {
            throw new IllegalArgumentException(prefix + "_certificate and " + prefix + "_private_key (PEM), or "
                    + prefix + "_keystore (PKCS#12), are required when " + enabledKey + " is true");
        }
        if (pem) {
            requireFile(prefix + "_certificate", certificate, enabledKey);
            requireFile(prefix + "_private_key", privateKey, enabledKey);
        } else {
            requireFile(prefix + "_keystore", keyStore, enabledKey);
        }
        if (trusted != null && trustStore != null) {
            throw new IllegalArgumentException(prefix + "_truststore and " + prefix + "_trusted_certificates are "
                    + "both set: give the trusted authorities one way");
        }
        if (trustNeeded && !hasTrust()) {
            throw new IllegalArgumentException(prefix + "_trusted_certificates (PEM) or " + prefix + "_truststore "
                    + "(PKCS#12) is required when " + enabledKey + " is true");
        }
        if (trusted != null) {
            requireFile(prefix + "_trusted_certificates", trusted, enabledKey);
        }
        if (trustStore != null) {
            requireFile(prefix + "_truststore", trustStore, enabledKey);
        }
    }

    private static void requireFile(String key, Path file, String enabledKey) {
        if (file == null) {
            throw new IllegalArgumentException(key + " is required when " + enabledKey + " is true");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(key + ": cannot read " + file);
        }
    }

    /** The files this material is read from (what a reload watches). */
    public List<Path> files() {
        List<Path> files = new ArrayList<>();
        for (Path file : new Path[]{certificate, privateKey, keyStore, trusted, trustStore}) {
            if (file != null) {
                files.add(file);
            }
        }
        return files;
    }

    /** A digest of the files' contents: it changes when any of them does (a missing file counts as empty). */
    public String fingerprint() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path file : files()) {
                digest.update(file.toString().getBytes(StandardCharsets.UTF_8));
                digest.update(Files.isReadable(file) ? Files.readAllBytes(file) : new byte[0]);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException | GeneralSecurityException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    /** This endpoint's key and certificate chain. */
    public KeyManagerFactory keyManagers() {
        String source = keyStore != null ? prefix + "_keystore " + keyStore
                : prefix + "_certificate " + certificate + " and " + prefix + "_private_key " + privateKey;
        try {
            KeyStore store;
            char[] password;
            if (keyStore != null) {
                password = keyStorePassword.toCharArray();
                store = loadPkcs12(keyStore, password);
                if (Collections.list(store.aliases()).stream().noneMatch(alias -> isKey(store, alias))) {
                    throw new IllegalArgumentException("the key store holds no private key");
                }
            } else {
                password = IN_MEMORY_PASSWORD;
                List<Certificate> chain = certificates(certificate);
                store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                PrivateKey key = privateKey(privateKey, chain.get(0));
                requireMatch(key, chain.get(0));
                store.setKeyEntry("ringdb", key, password,
                        chain.toArray(Certificate[]::new));
            }
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, password);
            return factory;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read the key and certificate from " + source + ": "
                    + e.getMessage(), e);
        }
    }

    /** The authorities this endpoint trusts, or null when none are given. */
    public TrustManagerFactory trustManagers() {
        if (!hasTrust()) {
            return null;
        }
        String source = trustStore != null ? prefix + "_truststore " + trustStore
                : prefix + "_trusted_certificates " + trusted;
        try {
            KeyStore store;
            if (trustStore != null) {
                store = loadPkcs12(trustStore, trustStorePassword.toCharArray());
            } else {
                store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                int index = 0;
                for (Certificate authority : certificates(trusted)) {
                    store.setCertificateEntry("trusted-" + index++, authority);
                }
            }
            if (store.size() == 0) {
                throw new IllegalArgumentException("no certificate in it");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read the trusted certificates from " + source + ": "
                    + e.getMessage(), e);
        }
    }

    /** Signs a few bytes with {@code key} and checks them with the certificate's public key. */
    private static void requireMatch(PrivateKey key, Certificate certificate) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> key.getAlgorithm();
        };
        byte[] probe = "ringdb key check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(probe);
        if (!verifier.verify(signature)) {
            throw new IllegalArgumentException("the private key does not go with the certificate");
        }
    }

    private static boolean isKey(KeyStore store, String alias) {
        try {
            return store.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static KeyStore loadPkcs12(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        } catch (IOException e) {
            throw new IOException("not a PKCS#12 store, or a wrong password (" + e.getMessage() + ")", e);
        }
        return store;
    }

    private static List<Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> read;
        try (InputStream in = Files.newInputStream(file)) {
            read = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (read.isEmpty()) {
            throw new IllegalArgumentException("no PEM certificate in " + file);
        }
        return new ArrayList<>(read);
    }

    private static PrivateKey privateKey(Path file, Certificate certificate) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        if (text.contains("-----BEGIN EC PRIVATE KEY-----") || text.contains("-----BEGIN RSA PRIVATE KEY-----")
                || text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            throw new IllegalArgumentException(file + " is not an unencrypted PKCS#8 key (BEGIN PRIVATE KEY); "
                    + "convert it with: openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName());
        }
        String begin = "-----BEGIN PRIVATE KEY-----";
        int start = text.indexOf(begin);
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("no PEM private key (BEGIN PRIVATE KEY) in " + file);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(start + begin.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad base64 in " + file, e);
        }
        String algorithm = certificate.getPublicKey().getAlgorithm();
        for (String candidate : algorithm == null ? KEY_ALGORITHMS : List.of(algorithm)) {
            try {
                return KeyFactory.getInstance(candidate).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // the next algorithm, or the error below
            }
        }
        throw new IllegalArgumentException("the key in " + file + " is not a PKCS#8 key of the certificate's "
                + "algorithm (" + Objects.toString(algorithm, "unknown") + ")");
    }
}
