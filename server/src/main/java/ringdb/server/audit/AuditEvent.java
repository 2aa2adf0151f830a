package ringdb.server.audit;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;

/**
 * One audited event: its category, the operation (a statement's text with passwords masked, an HTTP
 * method and path, a login...), whether it succeeded, the client's address ("host:port", null when
 * not from a client), the user (null when not known: no authentication, or before it) and, for a
 * failure, the reason.
 *
 * @param category what kind of event
 * @param operation what was asked, as the client asked it (never a password)
 * @param outcome success or failure
 * @param source the client's address "host:port", or null
 * @param user the authenticated (or, for a failed login, claimed) user, or null
 * @param reason why it failed (null for a success)
 */
public record AuditEvent(AuditCategory category, String operation, Outcome outcome, String source, String user,
                         String reason) {
    /** Whether the operation happened. */
    public enum Outcome { SUCCESS, FAILURE }

    public AuditEvent {
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** An operation that succeeded, asked by {@code user} (null: unknown) from {@code source} (null: none). */
    public static AuditEvent success(AuditCategory category, String operation, SocketAddress source, String user) {
        return new AuditEvent(category, operation, Outcome.SUCCESS, address(source), user, null);
    }

    /** An operation that failed or was refused, and why. */
    public static AuditEvent failure(AuditCategory category, String operation, SocketAddress source, String user,
                                     String reason) {
        return new AuditEvent(category, operation, Outcome.FAILURE, address(source), user, reason);
    }

    /** "host:port" of a socket address (the IP address, not a name: no lookup), or null. */
    public static String address(SocketAddress source) {
        if (source instanceof InetSocketAddress inet) {
            String host = inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return source == null ? null : source.toString();
    }
}
