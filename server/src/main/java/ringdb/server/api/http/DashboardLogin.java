package ringdb.server.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import ringdb.server.api.JsonResponses;
import ringdb.server.auth.AuthException;
import ringdb.server.auth.AuthService;

/**
 * The dashboard's login when the node requires one: {@code GET /} without credentials shows a login
 * form; {@code POST /v1/auth/login} with {@code {"user":..,"password":..}} (JSON: a cross-site HTML form
 * cannot send it) opens a session, a cookie {@code ringdb_session} (HttpOnly, SameSite=Strict) and
 * answers the session's CSRF token, which the page sends as {@code X-CSRF-Token} on every
 * state-changing request; {@code GET /v1/auth/session} answers the role and the token again (a
 * reloaded page), {@code DELETE /v1/auth/session} logs out.
 */
final class DashboardLogin {
    private static final String PAGE = """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>ringdb: log in</title>
            <style>body{font-family:sans-serif;max-width:22em;margin:6em auto}input,button{display:block;
            width:100%;margin:.4em 0;padding:.4em}#error{color:#b00}</style></head>
            <body><h1>ringdb</h1><p>This node requires a login.</p>
            <form id="login"><input id="user" placeholder="role" autocomplete="username" required>
            <input id="password" type="password" placeholder="password" autocomplete="current-password" required>
            <button>Log in</button><p id="error"></p></form>
            <script>
            document.getElementById("login").addEventListener("submit", async (event) => {
              event.preventDefault();
              const response = await fetch("/v1/auth/login", {method: "POST",
                headers: {"Content-Type": "application/json", "X-Ringdb-Request": "1"},
                body: JSON.stringify({user: document.getElementById("user").value,
                                      password: document.getElementById("password").value})});
              if (response.ok) {
                sessionStorage.setItem("ringdb_csrf", (await response.json()).csrf_token);
                location.reload();
              } else {
                document.getElementById("error").textContent = (await response.json()).message;
              }
            });
            </script></body></html>
            """;

    private DashboardLogin() {
    }

    /** The login form. */
    static FullHttpResponse page() {
        return JsonResponses.text(HttpResponseStatus.OK, PAGE, "text/html; charset=utf-8");
    }

    /** POST /v1/auth/login: reads the body now, answers through {@code answer} once the password is checked. */
    static void login(HttpAuthentication access, ChannelHandlerContext ctx, FullHttpRequest request,
                      BiConsumer<String, FullHttpResponse> answer) {
        if (!request.method().equals(HttpMethod.POST)) {
            answer.accept("invalid", JsonResponses.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                    "log in with POST " + HttpAuthentication.LOGIN_PATH + " {\"user\": ..., \"password\": ...}"));
            return;
        }
        String user;
        String password;
        try {
            JsonNode body = JsonResponses.JSON.readTree(request.content().toString(StandardCharsets.UTF_8));
            user = body == null ? null : body.path("user").asText(null);
            password = body == null ? null : body.path("password").asText(null);
        } catch (IOException e) {
            user = null;
            password = null;
        }
        if (user == null || password == null) {
            answer.accept("invalid", JsonResponses.error(HttpResponseStatus.BAD_REQUEST, "invalid",
                    "the body must be JSON {\"user\": ..., \"password\": ...}"));
            return;
        }
        AuthService auth = access.service();
        auth.login(user, password).whenComplete((role, failure) -> ctx.executor().execute(() -> {
            if (failure != null) {
                answer.accept("unauthorized", JsonResponses.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                        AuthException.message(failure)));
                return;
            }
            AuthService.Session session = auth.openSession(role);
            FullHttpResponse response = JsonResponses.json(HttpResponseStatus.OK, JsonResponses.JSON
                    .createObjectNode().put("role", role).put("csrf_token", session.csrfToken()));
            response.headers().set(HttpHeaderNames.SET_COOKIE, HttpAuthentication.sessionCookie(session.id(),
                    auth.settings().tokenValidityMillis() / 1000));
            answer.accept("ok", response);
        }));
    }

    /** GET /v1/auth/session: the session's role and CSRF token; DELETE: logs out. */
    static FullHttpResponse session(HttpAuthentication access, FullHttpRequest request) {
        AuthService.Session session = access.session(request.headers());
        if (session == null) {
            return JsonResponses.error(HttpResponseStatus.NOT_FOUND, "no_session", "the request has no dashboard "
                    + "session cookie (log in with POST " + HttpAuthentication.LOGIN_PATH + ")");
        }
        if (request.method().equals(HttpMethod.DELETE)) {
            access.service().closeSession(session.id());
            FullHttpResponse response = JsonResponses.json(HttpResponseStatus.OK, JsonResponses.JSON
                    .createObjectNode().put("logged_out", true));
            response.headers().set(HttpHeaderNames.SET_COOKIE, HttpAuthentication.sessionCookie("", 0));
            return response;
        }
        return JsonResponses.json(HttpResponseStatus.OK, JsonResponses.JSON.createObjectNode()
                .put("role", session.role()).put("csrf_token", session.csrfToken()));
    }
}
