package ringdb.server.api.http;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import ringdb.server.audit.AuditCategory;
import ringdb.server.audit.AuditEvent;
import ringdb.server.audit.AuditLog;
import ringdb.server.auth.AuthException;

/**
 * What the HTTP API records in the audit log: every request that asks for a change through the
 * admin endpoints ({@code /v1/admin/...}: category ADMIN; what the CLI's admin commands call) or the
 * schema API ({@code /v1/schema/...}: DDL), that is every method but GET and HEAD, with its outcome
 * (a status below 400 is a success; otherwise the answer's text is the reason), refusals included.
 */
final class HttpAuditing {
    /** The most characters of an answer written as a failure's reason. */
    static final int REASON_CHARS_MAX = 1024;

    private HttpAuditing() {
    }

    /** The category of a request, or null when it is not audited. */
    static AuditCategory category(HttpMethod method, String path, String adminPrefix) {
        if (method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD)) {
            return null;
        }
        if (path.startsWith(adminPrefix)) {
            return AuditCategory.ADMIN;
        }
        if (path.equals(SchemaHttp.PREFIX) || path.startsWith(SchemaHttp.PREFIX + "/")) {
            return AuditCategory.DDL;
        }
        return null;
    }

    /** Records the answer to an audited request ({@code operation}: method and URI). */
    static void answered(AuditLog audit, AuditCategory category, String operation, SocketAddress source,
                         FullHttpResponse response) {
        if (category == null || !audit.records(category)) {
            return;
        }
        int status = response.status().code();
        if (status < 400) {
            audit.record(AuditEvent.success(category, operation, source, null));
            return;
        }
        String body = response.content().toString(response.content().readerIndex(),
                Math.min(response.content().readableBytes(), REASON_CHARS_MAX), StandardCharsets.UTF_8);
        audit.record(AuditEvent.failure(category, operation, source, null, status + " " + body));
    }

    /**
     * Records a login over HTTP ({@code operation}: Basic credentials or a token, the dashboard's
     * login form, a token issued): a success with its role, or a failure to authenticate with the role
     * the credentials claimed (never the password). Refusals for lack of permission are not logins.
     */
    static void login(AuditLog audit, String operation, SocketAddress source, String role, Throwable failure,
                      HttpHeaders headers) {
        if (!audit.records(AuditCategory.AUTH)) {
            return;
        }
        if (failure == null) {
            audit.record(AuditEvent.success(AuditCategory.AUTH, operation, source, role));
            return;
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof AuthException refused && refused.kind() == AuthException.Kind.UNAUTHORIZED) {
            return;
        }
        audit.record(AuditEvent.failure(AuditCategory.AUTH, operation, source,
                role != null ? role : HttpAuthentication.claimedRole(headers), AuthException.message(failure)));
    }
}
