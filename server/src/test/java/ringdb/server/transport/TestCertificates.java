package ringdb.server.transport;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
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
    }

    private TestCertificates() {
    }

    public static Issued authority(String name) throws Exception {
        KeyPair keys = keys();
        return new Issued(keys, sign(name, keys, name, keys, true));
    }

    public static Issued signedBy(Issued authority, String name) throws Exception {
        KeyPair keys = keys();
        String issuer = authority.certificate().getSubjectX500Principal().getName();
        return new Issued(keys, sign(name, keys, issuer, authority.keys(), false));
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
                                        boolean authority) throws IOException, OperatorCreationException,
            GeneralSecurityException {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                new X500Name(issuer.contains("=") ? issuer : "CN=" + issuer), BigInteger.valueOf(nextSerial()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
                new X500Name("CN=" + subject), subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
