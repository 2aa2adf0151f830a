package ringdb.server.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * How a certificate names the node that holds it. A node's id is its internode address
 * ({@code host:port}); its certificate names it with a subject alternative name of type URI
 * {@code ringdb://host:port} (what {@code ringdb certs create} writes), or with a common name equal
 * to the id. A node whose certificate does not name the id it claims in the internode handshake is
 * refused: holding one of the cluster's certificates is not enough to speak for another node.
 */
public final class NodeCertificates {
    /** The scheme of the URI subject alternative name that names a node: {@code ringdb://host:port}. */
    public static final String URI_PREFIX = "ringdb://";
    /** The GeneralName type of a URI in {@link X509Certificate#getSubjectAlternativeNames()}. */
    private static final int SAN_URI = 6;

    private NodeCertificates() {
    }

    /** The URI subject alternative name that names {@code nodeId}. */
    public static String uriOf(String nodeId) {
        return URI_PREFIX + nodeId;
    }

    /** The node ids {@code certificate} names: its {@code ringdb://} URIs, and common names of the form host:port. */
    public static List<String> namedIds(X509Certificate certificate) {
        List<String> ids = new ArrayList<>();
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> name : names) {
                    if (name.size() >= 2 && Integer.valueOf(SAN_URI).equals(name.get(0))
                            && String.valueOf(name.get(1)).startsWith(URI_PREFIX)) {
                        ids.add(String.valueOf(name.get(1)).substring(URI_PREFIX.length()));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // an unparseable extension names nothing; the common name may still
        }
        for (String commonName : commonNames(certificate)) {
            if (commonName.matches(".+:[0-9]{1,5}")) {
                ids.add(commonName);
            }
        }
        return ids;
    }

    /** Whether {@code certificate} names {@code nodeId}. */
    public static boolean names(X509Certificate certificate, String nodeId) {
        return namedIds(certificate).contains(nodeId);
    }

    /**
     * The reason {@code certificate} may not speak for {@code claimedId}, or null when it names it;
     * the reason says which ids the certificate does name.
     */
    public static String mismatch(X509Certificate certificate, String claimedId) {
        if (names(certificate, claimedId)) {
            return null;
        }
        List<String> named = namedIds(certificate);
        return "its certificate (" + certificate.getSubjectX500Principal().getName() + ") names "
                + (named.isEmpty() ? "no node id" : "node id " + String.join(", ", named)) + ", not " + claimedId;
    }

    private static List<String> commonNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    names.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            // no common name to read
        }
        return names;
    }
}
