package ringdb.server.api.http;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import ringdb.core.schema.BuiltinTables;
import ringdb.cql.statements.DataResource;
import ringdb.cql.statements.Permission;
import ringdb.server.api.JsonResponses;
import ringdb.server.auth.AuthException;
import ringdb.server.auth.AuthService;

/**
 * Who sends an HTTP request, and whether they may, when the node requires logins: credentials are
 * HTTP Basic ({@code Authorization: Basic base64(role:password)}) or a token from
 * {@code POST /v1/auth/token} ({@code Authorization: Bearer TOKEN}). Then {@code /v1/kv} needs SELECT
 * (GET) or MODIFY (the others) on ringdb.kv, {@code /v1/rows/{ks}/{table}} SELECT (query) or MODIFY
 * on the table, {@code /v1/admin/...}, schema changes and the dashboard's actions a superuser; the
 * rest any role that logged in. No credentials or wrong ones: 401 with {@code WWW-Authenticate};
 * a role without the permission: 403 saying which.
 *
 * <p>Threading: any thread; stages complete on any thread.
 */
final class HttpAuthentication {
    static final String TOKEN_PATH = "/v1/auth/token";
    static final String LOGIN_PATH = "/v1/auth/login";
    static final String SESSION_PATH = "/v1/auth/session";
    static final String SESSION_COOKIE = "ringdb_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final String REALM = "Basic realm=\"ringdb\", charset=\"UTF-8\"";

    private final AuthService auth;

    HttpAuthentication(AuthService auth) {
        this.auth = auth;
    }

    boolean required() {
        return auth != null && auth.authenticationRequired();
    }

    AuthService service() {
        return auth;
    }

    /**
     * The role the request's credentials stand for; fails with an UNAUTHENTICATED {@link AuthException}.
     * Without an Authorization header, the dashboard's session cookie counts; then a request that is
     * not GET or HEAD must carry the session's CSRF token in {@value #CSRF_HEADER} (a browser sends
     * the cookie with whatever page makes the request; only the dashboard's own page knows the token).
     */
    CompletionStage<String> authenticate(HttpHeaders headers, HttpMethod method) {
        String header = headers.get(HttpHeaderNames.AUTHORIZATION);
        AuthService.Session session = header == null || header.isBlank() ? session(headers) : null;
        if (session != null) {
            boolean read = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
            String csrf = headers.get(CSRF_HEADER);
            if (!read && (csrf == null || !java.security.MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
                    session.csrfToken().getBytes(StandardCharsets.UTF_8)))) {
                return CompletableFuture.failedFuture(new AuthException(AuthException.Kind.UNAUTHORIZED,
                        "missing or wrong " + CSRF_HEADER + " header: a state-changing request of a dashboard "
                        + "session must carry the session's CSRF token (GET " + SESSION_PATH + ")"));
            }
            return auth.isSuperuser(session.role()).thenApply(ignored -> session.role());
        }
        if (header == null || header.isBlank()) {
            return failed("authentication required: send HTTP Basic credentials or a token from POST " + TOKEN_PATH
                    + " (Authorization: Bearer TOKEN)");
        }
        String scheme = header.trim().split(" ", 2)[0].toLowerCase(Locale.ROOT);
        String value = header.trim().length() > scheme.length() ? header.trim().substring(scheme.length()).trim() : "";
        if (scheme.equals("bearer")) {
            String role = auth.tokenRole(value);
            if (role == null) {
                return failed("the token is unknown or expired; get a new one from POST " + TOKEN_PATH);
            }
            return auth.isSuperuser(role).thenApply(ignored -> role); // the role must still exist: read (cached)
        }
        if (!scheme.equals("basic")) {
            return failed("unsupported authorization scheme '" + scheme + "'; use Basic or Bearer");
        }
        String decoded = decodeBase64(value);
        if (decoded == null) {
            return failed("malformed Basic credentials: not base64");
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return failed("malformed Basic credentials: expected role:password");
        }
        return auth.login(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    /** The dashboard session the request's cookie names, or null. */
    AuthService.Session session(HttpHeaders headers) {
        String cookies = headers.get(HttpHeaderNames.COOKIE);
        if (cookies == null) {
            return null;
        }
        for (io.netty.handler.codec.http.cookie.Cookie cookie
                : io.netty.handler.codec.http.cookie.ServerCookieDecoder.STRICT.decode(cookies)) {
            if (cookie.name().equals(SESSION_COOKIE)) {
                return auth.session(cookie.value());
            }
        }
        return null;
    }

    /** The Set-Cookie value of a session (an empty value and max-age 0 to end it). */
    static String sessionCookie(String id, long maxAgeSeconds) {
        io.netty.handler.codec.http.cookie.DefaultCookie cookie =
                new io.netty.handler.codec.http.cookie.DefaultCookie(SESSION_COOKIE, id);
        cookie.setHttpOnly(true);
        cookie.setPath("/");
        cookie.setMaxAge(maxAgeSeconds);
        cookie.setSameSite(io.netty.handler.codec.http.cookie.CookieHeaderNames.SameSite.Strict);
        return io.netty.handler.codec.http.cookie.ServerCookieEncoder.STRICT.encode(cookie);
    }

    /** Whether the request's credentials are Basic (a token is minted only for a password). */
    static boolean isBasic(HttpHeaders headers) {
        String header = headers.get(HttpHeaderNames.AUTHORIZATION);
        return header != null && header.trim().toLowerCase(Locale.ROOT).startsWith("basic ");
    }

    /** Completes when {@code role} may send {@code method path}; fails with an UNAUTHORIZED {@link AuthException}. */
    CompletionStage<Void> authorize(String role, HttpMethod method, String path, boolean dashboard) {
        boolean read = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
        if (path.startsWith("/v1/admin/") || (dashboard && !read)
                || (path.startsWith(SchemaHttp.PREFIX) && !read)) {
            return auth.isSuperuser(role).thenAccept(superuser -> {
                if (!superuser) {
                    throw new AuthException(AuthException.Kind.UNAUTHORIZED, "User " + role + " is not a superuser: "
                            + method + " " + path + " needs one");
                }
            });
        }
        if (path.startsWith("/v1/kv/")) {
            return auth.check(role, read ? Permission.SELECT : Permission.MODIFY,
                    DataResource.table(BuiltinTables.KEYSPACE, BuiltinTables.KEY_VALUE_TABLE));
        }
        if (path.startsWith(RowsHttp.PREFIX)) {
            String[] parts = path.substring(RowsHttp.PREFIX.length()).split("/", -1);
            if (parts.length >= 2 && !parts[0].isEmpty() && !parts[1].isEmpty()) {
                boolean reads = parts.length == 3 && (parts[2].equals("query") || parts[2].equals("scan"));
                return auth.check(role, reads ? Permission.SELECT : Permission.MODIFY,
                        DataResource.table(parts[0], parts[1]));
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    /** The role that Basic credentials in {@code headers} name (for the audit log), or null. */
    static String claimedRole(HttpHeaders headers) {
        String header = headers == null ? null : headers.get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || !header.trim().regionMatches(true, 0, "basic ", 0, 6)) {
            return null;
        }
        String decoded = decodeBase64(header.trim().substring(6).trim());
        int colon = decoded == null ? -1 : decoded.indexOf(':');
        return colon <= 0 ? null : decoded.substring(0, colon);
    }

    private static String decodeBase64(String value) {
        try {
            return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The answer to a request refused for who sent it: 401 with WWW-Authenticate, or 403. */
    static FullHttpResponse refusal(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof AuthException a && a.kind() == AuthException.Kind.UNAUTHORIZED) {
            return JsonResponses.error(HttpResponseStatus.FORBIDDEN, "forbidden", a.getMessage());
        }
        String message = cause instanceof AuthException ? cause.getMessage()
                : "authentication failed: " + cause.getMessage();
        FullHttpResponse response = JsonResponses.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized", message);
        response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, REALM);
        return response;
    }

    private static <T> CompletionStage<T> failed(String message) {
        return CompletableFuture.failedFuture(new AuthException(AuthException.Kind.UNAUTHENTICATED, message));
    }
}
