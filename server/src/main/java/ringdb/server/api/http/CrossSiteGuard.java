package ringdb.server.api.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.NetUtil;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps web pages the operator happens to open from driving the node's API through the operator's
 * browser. Three checks, each refused with 403 and a message saying why:
 * <ul>
 *   <li><b>Host</b> (DNS rebinding: a page of a name the attacker controls, resolved to the node's
 *   address, would be same-origin with it): the {@code Host} header must be an IP address,
 *   {@code localhost}, or one of the allowed names (the node's own, {@code http_allowed_hosts}).
 *   A request without {@code Host} is not a browser's and passes.</li>
 *   <li><b>Origin</b>: a state-changing request (any method but GET, HEAD, OPTIONS) whose
 *   {@code Origin} header is present must come from the node itself: the origin's host and port
 *   are the {@code Host} header's.</li>
 *   <li><b>Form posts</b>: a POST to {@code /v1/kv}, {@code /v1/admin} or the dashboard's
 *   {@code /api/dashboard/} actions (the one state-changing
 *   method a page of another site can send without the browser asking first) needs a content type
 *   a form cannot send, or the {@link #REQUEST_HEADER} header (any value), which no page of
 *   another site can add without the browser asking the node first (and the node never agrees).
 *   A POST without a content type, or with {@code application/x-www-form-urlencoded},
 *   {@code multipart/form-data} or {@code text/plain}, and without the header, is refused.</li>
 * </ul>
 * Clients that are not browsers (RingClient, the CLI, curl with {@code -H}) pass all three.
 */
public final class CrossSiteGuard {
    /** The header that marks a request as sent by a program, not a form of some web page. */
    public static final String REQUEST_HEADER = "X-Ringdb-Request";
    private static final Set<String> FORM_TYPES = Set.of("application/x-www-form-urlencoded", "multipart/form-data",
            "text/plain");

    /** Checks Origin and form posts, and the Host header against no names but IP addresses and localhost. */
    public static final CrossSiteGuard DEFAULT = new CrossSiteGuard(Set.of(), false);

    private final Set<String> allowedHosts;
    private final boolean anyHost;

    private CrossSiteGuard(Set<String> allowedHosts, boolean anyHost) {
        this.allowedHosts = allowedHosts;
        this.anyHost = anyHost;
    }

    /**
     * A guard that also accepts the given host names in the {@code Host} header (case-insensitive,
     * without port); {@code *} among them accepts any name (no DNS rebinding protection).
     */
    public static CrossSiteGuard allowing(Iterable<String> hosts) {
        Set<String> names = new java.util.TreeSet<>();
        boolean any = false;
        for (String host : hosts) {
            String name = host.trim().toLowerCase(Locale.ROOT);
            if (name.equals("*")) {
                any = true;
            } else if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return new CrossSiteGuard(Set.copyOf(names), any);
    }

    /** Splits a comma-separated list of host names, as {@code http_allowed_hosts} holds them. */
    public static Set<String> parseHosts(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(name -> !name.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Why the request is refused, or null when it passes. {@code path} is the raw path. */
    public String refusal(HttpMethod method, String path, HttpHeaders headers) {
        String host = headers.get(HttpHeaderNames.HOST);
        if (host != null && !hostAllowed(host)) {
            return "Host '" + host + "' is not a name of this node (a page of another site may have made its "
                    + "name resolve to this node); use its IP address or add the name to http_allowed_hosts";
        }
        if (method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD) || method.equals(HttpMethod.OPTIONS)) {
            return null;
        }
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin != null && !sameOrigin(origin, host)) {
            return "cross-origin request refused: Origin '" + origin + "' is not this node ("
                    + (host == null ? "no Host header" : "Host '" + host + "'") + ")";
        }
        if (method.equals(HttpMethod.POST) && (path.startsWith("/v1/kv/") || path.startsWith("/v1/admin/")
                || path.startsWith("/v1/schema/") || path.startsWith("/v1/rows/")
                || path.startsWith("/api/dashboard/"))
                && !headers.contains(REQUEST_HEADER) && formLike(headers.get(HttpHeaderNames.CONTENT_TYPE))) {
            String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
            return "a POST " + (type == null ? "without a content type" : "of content type " + type) + " may be a "
                    + "form of another web site: send the header " + REQUEST_HEADER + ": 1 (or a content type such "
                    + "as application/octet-stream or application/json), or use PUT";
        }
        return null;
    }

    private static boolean formLike(String contentType) {
        if (contentType == null) {
            return true;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.isEmpty() || FORM_TYPES.contains(type);
    }

    private boolean hostAllowed(String hostHeader) {
        if (anyHost) {
            return true;
        }
        String name = hostName(hostHeader);
        return name != null && (name.equals("localhost") || NetUtil.isValidIpV4Address(name)
                || NetUtil.isValidIpV6Address(name) || allowedHosts.contains(name));
    }

    /** The host of a Host header without its port and brackets, lower case; null when malformed. */
    private static String hostName(String hostHeader) {
        String value = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            return end < 0 ? null : value.substring(1, end);
        }
        int colon = value.lastIndexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }

    private static boolean sameOrigin(String origin, String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        try {
            URI uri = new URI(origin.trim());
            if (uri.getHost() == null || uri.getScheme() == null) {
                return false; // "null" (a sandboxed or file page) and anything unparseable
            }
            int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            String host = hostHeader.trim().toLowerCase(Locale.ROOT);
            String originHost = uri.getHost().toLowerCase(Locale.ROOT);
            return host.equals(originHost + ":" + port)
                    || (port == 80 || port == 443) && host.equals(originHost);
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
