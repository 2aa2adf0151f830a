package ringdb.cli.certs;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import ringdb.server.tls.NodeCertificates;

/**
 * A certificate authority for one cluster and the certificates it signs: node certificates that
 * name the node's id ({@code host:port}) as their common name and as a {@code ringdb://host:port}
 * URI subject alternative name (plus the host as an IP or DNS name, so HTTPS clients such as curl
 * can check the address they dialled), and client certificates for operators. Keys are EC P-256,
 * signatures SHA-256 with ECDSA. Files are written as PEM (the private key unencrypted PKCS#8,
 * readable by its owner only) and PKCS#12.
 */
public final class CertificateAuthority {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A key pair and its certificate. */
    public record Issued(KeyPair keys, X509Certificate certificate) {
    }

    private final Issued authority;

    private CertificateAuthority(Issued authority) {
        this.authority = authority;
    }

    /** A new self-signed authority named {@code name}, valid for {@code validity} from now. */
    public static CertificateAuthority create(String name, Duration validity) {
        KeyPair keys = newKeys();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name)
                .addRDN(BCStyle.O, "ringdb").build();
        try {
            X509v3CertificateBuilder builder = builder(subject, keys, subject, validity);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
            return new CertificateAuthority(new Issued(keys, sign(builder, keys.getPrivate())));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a certificate authority: " + e.getMessage(), e);
        }
    }

    /** The authority of {@code certificate} and {@code privateKey} (PEM files, as {@link #writePem} writes them). */
    public static CertificateAuthority load(Path certificate, Path privateKey) {
        try {
            X509Certificate cert;
            try (var in = Files.newInputStream(certificate)) {
                cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            byte[] der = pemBody(Files.readString(privateKey, StandardCharsets.US_ASCII), "PRIVATE KEY");
            PrivateKey key = KeyFactory.getInstance(cert.getPublicKey().getAlgorithm())
                    .generatePrivate(new PKCS8EncodedKeySpec(der));
            return new CertificateAuthority(new Issued(new KeyPair(cert.getPublicKey(), key), cert));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read the certificate authority from " + certificate + " and "
                    + privateKey + ": " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return authority.certificate();
    }

    public Issued issued() {
        return authority;
    }

    /**
     * A certificate for the node {@code nodeId} (host:port), usable both as a TLS server and as a
     * client (a node is both on the internode port); {@code extraHosts} are further host names or
     * addresses clients may use to reach it.
     */
    public Issued issueNode(String nodeId, List<String> extraHosts, Duration validity) {
        int colon = nodeId.lastIndexOf(':');
        if (colon <= 0 || !nodeId.substring(colon + 1).matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException("a node id is host:port, got '" + nodeId + "'");
        }
        Set<String> hosts = new LinkedHashSet<>();
        hosts.add(nodeId.substring(0, colon));
        hosts.addAll(extraHosts);
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.uniformResourceIdentifier, NodeCertificates.uriOf(nodeId)));
        hosts.forEach(host -> names.add(hostName(host)));
        return issue(nodeId, names, validity, KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
    }

    /** A certificate for a client (an operator, a program) named {@code name}. */
    public Issued issueClient(String name, Duration validity) {
        return issue(name, List.of(), validity, KeyPurposeId.id_kp_clientAuth);
    }

    private Issued issue(String commonName, List<GeneralName> names, Duration validity, KeyPurposeId... purposes) {
        KeyPair keys = newKeys();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName)
                .addRDN(BCStyle.O, "ringdb").build();
        try {
            X509v3CertificateBuilder builder = builder(
                    X500Name.getInstance(authority.certificate().getSubjectX500Principal().getEncoded()), keys,
                    subject, validity);
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions.createAuthorityKeyIdentifier(authority.certificate()));
            if (!names.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            return new Issued(keys, sign(builder, authority.keys().getPrivate()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue a certificate for " + commonName + ": " + e.getMessage(), e);
        }
    }

    private static GeneralName hostName(String host) {
        boolean address = host.matches("[0-9.]+") || host.contains(":");
        if (address) {
            try {
                InetAddress.getByName(host); // a literal: no lookup
            } catch (IOException e) {
                throw new IllegalArgumentException("'" + host + "' is not an IP address", e);
            }
            return new GeneralName(GeneralName.iPAddress, host);
        }
        if (!host.matches("[A-Za-z0-9.*-]+")) {
            throw new IllegalArgumentException("'" + host + "' is not a host name");
        }
        return new GeneralName(GeneralName.dNSName, host);
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, KeyPair subjectKeys, X500Name subject,
                                                    Duration validity) {
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive, got " + validity);
        }
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject,
                subjectKeys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws CertIOException, GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static KeyPair newKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an EC key: " + e.getMessage(), e);
        }
    }

    /** Writes {@code issued}'s certificate to {@code certificate} and its private key to {@code privateKey}. */
    public static void writePem(Issued issued, Path certificate, Path privateKey) {
        try {
            writeText(certificate, pem("CERTIFICATE", issued.certificate().getEncoded()), false);
            writeText(privateKey, pem("PRIVATE KEY", issued.keys().getPrivate().getEncoded()), true);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode " + certificate + ": " + e.getMessage(), e);
        }
    }

    /** Writes a certificate alone as PEM (an authority others trust). */
    public static void writeCertificate(X509Certificate certificate, Path file) {
        try {
            writeText(file, pem("CERTIFICATE", certificate.getEncoded()), false);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode " + file + ": " + e.getMessage(), e);
        }
    }

    /** A PKCS#12 key store holding {@code issued}'s key and its chain up to {@code authority} (mode 600). */
    public static void writeKeyStore(Issued issued, X509Certificate authority, char[] password, Path file) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("ringdb", issued.keys().getPrivate(), password,
                    new X509Certificate[]{issued.certificate(), authority});
            writeStore(store, password, file);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** A PKCS#12 trust store holding {@code authority}. */
    public static void writeTrustStore(X509Certificate authority, char[] password, Path file) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ringdb-ca", authority);
            writeStore(store, password, file);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeStore(KeyStore store, char[] password, Path file)
            throws IOException, GeneralSecurityException {
        createOwnerOnly(file);
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password);
        }
    }

    /** A random password of 24 URL-safe characters. */
    public static String newPassword() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Writes {@code text} to {@code file}; {@code secret}: readable by its owner only (where possible). */
    public static void writeText(Path file, String text, boolean secret) {
        try {
            if (secret) {
                createOwnerOnly(file);
            } else if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void createOwnerOnly(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] pemBody(String text, String type) {
        String begin = "-----BEGIN " + type + "-----";
        int start = text.indexOf(begin);
        int end = text.indexOf("-----END " + type + "-----");
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("no " + begin + " block");
        }
        return Base64.getMimeDecoder().decode(text.substring(start + begin.length(), end));
    }
}
