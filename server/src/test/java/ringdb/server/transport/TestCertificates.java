package ringdb.server.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Throwaway certificate authorities and the certificates they sign, written as PEM files, for tests. */
public final class TestCertificates {
    private static long serial = 1;

    /** A key pair and its certificate. */
    public record Issued(KeyPair keys, X509Certificate certificate) {
        /** Writes {@code name.crt} and {@code name.key} (PKCS#8) under {@code dir}; returns the certificate's path. */
        public Path write(Path dir, String name) throws IOException, GeneralSecurityException {
            Path crt = dir.resolve(name + ".crt");
            Files.writeString(crt, pem("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
            Files.writeString(dir.resolve(name + ".key"), pem("PRIVATE KEY", keys.getPrivate().getEncoded()),
                    StandardCharsets.US_ASCII);
            return crt;
        }

        /** Writes {@code name.p12}: this key and certificate (then {@code chain}) as a PKCS#12 key store. */
        public Path writeKeyStore(Path dir, String name, char[] password, X509Certificate... chain)
                throws IOException, GeneralSecurityException {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            X509Certificate[] full = new X509Certificate[chain.length + 1];
            full[0] = certificate;
            System.arraycopy(chain, 0, full, 1, chain.length);
            store.setKeyEntry("key", keys.getPrivate(), password, full);
            return storeTo(store, dir.resolve(name + ".p12"), password);
        }
    }

    /** Writes the certificates of {@code authorities} into one PEM file. */
    public static Path writeTrusted(Path file, Issued... authorities) throws IOException, GeneralSecurityException {
        StringBuilder text = new StringBuilder();
        for (Issued authority : authorities) {
            text.append(pem("CERTIFICATE", authority.certificate().getEncoded()));
        }
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        return file;
    }

    /** Writes the certificates of {@code authorities} as a PKCS#12 trust store. */
    public static Path writeTrustStore(Path file, char[] password, Issued... authorities)
            throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < authorities.length; i++) {
            store.setCertificateEntry("ca-" + i, authorities[i].certificate());
        }
        return storeTo(store, file, password);
    }

    private static Path storeTo(KeyStore store, Path file, char[] password)
            throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password);
        }
        return file;
    }

    private TestCertificates() {
    }

    public static Issued authority(String name) throws Exception {
        KeyPair keys = keys();
        Instant now = Instant.now();
        return new Issued(keys, sign(name, keys, name, keys, true, null, now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(1))));
    }

    public static Issued signedBy(Issued authority, String name) throws Exception {
        return signedBy(authority, name, null);
    }

    /**
     * A node's certificate as {@code ringdb certs create} makes it: common name {@code node} (host:port)
     * and subject alternative names ringdb://host:port and the host's IP address.
     */
    public static Issued forNode(Issued authority, String node) throws Exception {
        GeneralNames names = new GeneralNames(new GeneralName[]{
            new GeneralName(GeneralName.uniformResourceIdentifier, "ringdb://" + node),
            new GeneralName(GeneralName.iPAddress, node.substring(0, node.lastIndexOf(':')))});
        return signedBy(authority, node, names);
    }

    private static Issued signedBy(Issued authority, String name, GeneralNames names) throws Exception {
        Instant now = Instant.now();
        return signedBy(authority, name, names, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
    }

    /** A certificate {@code authority} signed whose validity ended an hour ago. */
    public static Issued expired(Issued authority, String name) throws Exception {
        Instant now = Instant.now();
        return signedBy(authority, name, null, now.minus(Duration.ofDays(2)), now.minus(Duration.ofHours(1)));
    }

    private static Issued signedBy(Issued authority, String name, GeneralNames names, Instant notBefore,
                                   Instant notAfter) throws Exception {
        KeyPair keys = keys();
        String issuer = authority.certificate().getSubjectX500Principal().getName();
        return new Issued(keys, sign(name, keys, issuer, authority.keys(), false, names, notBefore, notAfter));
    }

    private static KeyPair keys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static synchronized long nextSerial() {
        return serial++;
    }

    private static X509Certificate sign(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys,
                                        boolean authority, GeneralNames names, Instant notBefore,
                                        Instant notAfter) throws IOException, OperatorCreationException,
            GeneralSecurityException {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                new X500Name(issuer.contains("=") ? issuer : "CN=" + issuer), BigInteger.valueOf(nextSerial()),
                Date.from(notBefore), Date.from(notAfter),
                new X500Name("CN=" + subject), subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
        if (names != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, names);
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
