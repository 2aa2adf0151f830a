package ringdb.server.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import ringdb.server.config.HostPort;

/**
 * Whether a client port is open to other machines without protection: bound to an address that is
 * not loopback (a wildcard such as 0.0.0.0 included) without client authentication (today: TLS with
 * required client certificates, not optional). Such a
 * node is reachable by anyone on the network, who can read and write every key and call every admin
 * operation; the node says so loudly at start, in its metrics and in its status.
 */
public final class ClientPortExposure {
    private ClientPortExposure() {
    }

    /**
     * The warning for {@code port} ("HTTP and native", say) bound at {@code address} with {@code tls}
     * (null: none), or null when it is loopback only or every client must present a trusted
     * certificate.
     */
    public static String warning(String port, HostPort address, ClientTls tls) {
        return warning(port, address, tls, "http_address");
    }

    /** As above, for a port whose address is the setting {@code addressSetting}. */
    public static String warning(String port, HostPort address, ClientTls tls, String addressSetting) {
        boolean authenticated = tls != null && !tls.optional() && tls.requiresClientCertificates();
        if (authenticated || isLoopback(address.host())) {
            return null;
        }
        String protection = tls == null ? "with neither TLS nor authentication"
                : tls.optional() ? "with TLS optional (plaintext clients are served) and no authentication"
                : "with TLS but no authentication (client_encryption_require_client_auth is false)";
        return "the " + port + " port " + address + " is reachable from other machines " + protection
                + ": anyone who can connect can read and write every key and run admin operations; require client "
                + "certificates (client_encryption_enabled, client_encryption_require_client_auth), or bind "
                + addressSetting + " to 127.0.0.1 (docs/security.md)";
    }

    private static boolean isLoopback(String host) {
        try {
            InetAddress address = InetAddress.getByName(host);
            return address.isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false; // a name that does not resolve here may well resolve elsewhere: take it as exposed
        }
    }
}
