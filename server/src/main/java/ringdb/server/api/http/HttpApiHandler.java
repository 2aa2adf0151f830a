package ringdb.server.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.data.Limits;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.node.Node;
import ringdb.server.api.ClientOperations;
import ringdb.server.api.ClientResults;
import ringdb.server.api.JsonResponses;
import ringdb.server.api.RequestBytesBudget;
import ringdb.server.api.RequestObserver;
import ringdb.server.audit.AuditCategory;
import ringdb.server.net.ReadDeadline;
import ringdb.server.net.ReadGate;
import ringdb.server.net.StagedClose;

/**
 * The HTTP API: {@code PUT|GET|DELETE /v1/kv/{key}?cl=&timestamp=}, {@code GET /v1/cluster},
 * {@code GET /v1/ring?key=}, {@code GET /metrics}, {@code /v1/admin/...} (operations start jobs, see
 * {@link ClientOperations#admin}).
 * Requests not for the API (the dashboard) go to the next handler when {@code passOn} accepts them.
 *
 * <p>Answers come back from the node's thread in any order; they are written in request order
 * (HTTP/1.1 pipelining). Bad requests get a JSON 4xx saying what is wrong; a request Netty could
 * not parse also closes its connection. At most {@link #PIPELINED_REQUESTS_MAX} requests of one
 * connection are in flight (read, answer not yet written); then, or while the socket is not writable,
 * the connection stops reading ({@link ReadGate}).
 */
public final class HttpApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(HttpApiHandler.class);
    private static final String KV_PREFIX = "/v1/kv/";
    private static final String ADMIN_PREFIX = "/v1/admin/";
    private static final String PROMETHEUS_TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Pipelining depth: requests of one connection read and not yet answered on the wire. */
    public static final int PIPELINED_REQUESTS_MAX = 128;

    private final ClientOperations operations;
    private final RequestObserver observer;
    private final Predicate<String> passOn;
    private final AtomicInteger inFlight;
    private final RequestBytesBudget budget;
    private final CrossSiteGuard guard;
    private final SchemaHttp schemaHttp;
    private final RowsHttp rowsHttp;
    private final HttpAuthentication access;
    private final TreeMap<Long, Answer> ready = new TreeMap<>();
    private ReadGate gate;
    private long nextSequence;
    private long nextToWrite;
    private boolean closed;

    private record Answer(FullHttpResponse response, boolean close, long bytes) {
    }

    /** A request's identity for answering it in order. */
    private record Request(ChannelHandlerContext ctx, long sequence, boolean keepAlive, String operation,
                           long startNanos, long bytes, AuditCategory audited, String auditedOperation) {
    }

    public HttpApiHandler(ClientOperations operations, RequestObserver observer, Predicate<String> passOn) {
        this(operations, observer, passOn, new AtomicInteger());
    }

    /** {@code inFlight} counts requests read and not yet answered (shared by every connection, for draining). */
    public HttpApiHandler(ClientOperations operations, RequestObserver observer, Predicate<String> passOn,
                          AtomicInteger inFlight) {
        this(operations, observer, passOn, inFlight, RequestBytesBudget.unlimited());
    }

    /** {@code budget} bounds the request bytes in flight on every connection; past it requests get 503. */
    public HttpApiHandler(ClientOperations operations, RequestObserver observer, Predicate<String> passOn,
                          AtomicInteger inFlight, RequestBytesBudget budget) {
        this(operations, observer, passOn, inFlight, budget, CrossSiteGuard.DEFAULT);
    }

    /** {@code guard} refuses requests a web page of another site could have sent (see {@link CrossSiteGuard}). */
    public HttpApiHandler(ClientOperations operations, RequestObserver observer, Predicate<String> passOn,
                          AtomicInteger inFlight, RequestBytesBudget budget, CrossSiteGuard guard) {
        this(operations, observer, passOn, inFlight, budget, guard, null);
    }

    /**
     * {@code auth} (null: none) decides who may send what when the node requires logins
     * (see {@link HttpAuthentication}).
     */
    public HttpApiHandler(ClientOperations operations, RequestObserver observer, Predicate<String> passOn,
                          AtomicInteger inFlight, RequestBytesBudget budget, CrossSiteGuard guard,
                          ringdb.server.auth.AuthService auth) {
        super(false);
        this.access = new HttpAuthentication(auth);
        this.guard = guard;
        this.budget = budget;
        this.inFlight = inFlight;
        this.operations = operations;
        this.observer = observer;
        this.passOn = passOn;
        this.schemaHttp = new SchemaHttp(operations);
        this.rowsHttp = new RowsHttp(operations);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        gate = new ReadGate(ctx.channel(), PIPELINED_REQUESTS_MAX);
    }

    /** The outbound buffer crossed a water mark: stop or resume reading. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        gate.update();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.rawPath();
        String refusal = request.decoderResult().isSuccess()
                ? guard.refusal(request.method(), path, request.headers()) : null;
        if (request.decoderResult().isSuccess() && !isApiPath(path) && passOn.test(path) && refusal == null) {
            if (access.required()) {
                dashboardAuthenticated(ctx, request, path);
                return;
            }
            ctx.fireChannelRead(request); // the dashboard's own paths (refused above like the API's)
            return;
        }
        try {
            inFlight.incrementAndGet();
            gate.admitted();
            long size = request.uri().length() + (long) request.content().readableBytes();
            boolean admitted = budget.tryAcquire(size);
            AuditCategory audited = HttpAuditing.category(request.method(), path, ADMIN_PREFIX);
            Request r = new Request(ctx, nextSequence++, HttpUtil.isKeepAlive(request), operationOf(request, path),
                    System.nanoTime(), admitted ? size : 0, audited,
                    audited == null ? null : request.method() + " " + request.uri());
            if (!admitted) {
                answer(r, "overloaded", JsonResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "overloaded",
                        budget.overloadedMessage(size)), false);
                return;
            }
            if (!request.decoderResult().isSuccess()) {
                Throwable cause = request.decoderResult().cause();
                answer(r, "malformed", JsonResponses.error(HttpResponseStatus.BAD_REQUEST, "malformed",
                        "malformed HTTP request: " + (cause == null ? "unparseable" : cause.getMessage())), true);
                return;
            }
            if (refusal != null) {
                answer(r, "forbidden", JsonResponses.error(HttpResponseStatus.FORBIDDEN, "forbidden", refusal), false);
                return;
            }
            if (access.required() && path.equals(HttpAuthentication.LOGIN_PATH)) {
                DashboardLogin.login(access, r.ctx(), request, (status, response) -> {
                    if (status.equals("ok") || status.equals("unauthorized")) {
                        HttpAuditing.login(operations.audit(), "dashboard login", r.ctx().channel().remoteAddress(),
                                null, status.equals("ok") ? null : new IllegalStateException(response.status()
                                        .toString()), null);
                    }
                    answer(r, status, response, false);
                });
                return;
            }
            if (access.required()) {
                authenticated(r, request.retain(), uri, path);
                return;
            }
            route(r, request, uri, path);
        } finally {
            request.release();
        }
    }

    /** Routes {@code request} (retained; released here) once its sender is known and allowed. */
    private void authenticated(Request r, FullHttpRequest request, QueryStringDecoder uri, String path) {
        access.authenticate(request.headers(), request.method()).thenCompose(role -> access.authorize(role,
                request.method(), path, false).thenApply(v -> role)).whenComplete((role, failure) -> r.ctx()
                .executor().execute(() -> {
                    try {
                        if (failure != null || path.equals(HttpAuthentication.TOKEN_PATH)) {
                            HttpAuditing.login(operations.audit(), "HTTP " + request.method() + " " + path,
                                    r.ctx().channel().remoteAddress(), role, failure, request.headers());
                        }
                        if (failure != null) {
                            answer(r, "unauthorized", HttpAuthentication.refusal(failure), false);
                        } else if (path.equals(HttpAuthentication.TOKEN_PATH)) {
                            token(r, request, role);
                        } else if (path.equals(HttpAuthentication.SESSION_PATH)) {
                            answer(r, "ok", DashboardLogin.session(access, request), false);
                        } else {
                            route(r, request, uri, path);
                        }
                    } finally {
                        request.release();
                    }
                }));
    }

    /** Passes a dashboard request on once its sender is known and allowed; else answers 401 or 403 itself. */
    private void dashboardAuthenticated(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        access.authenticate(request.headers(), request.method()).thenCompose(role -> access.authorize(role,
                request.method(), path, true)).whenComplete((v, failure) -> ctx.executor().execute(() -> {
                    if (failure == null) {
                        ctx.fireChannelRead(request);
                        return;
                    }
                    boolean page = request.method().equals(HttpMethod.GET) && (path.equals("/")
                            || path.equals("/index.html"));
                    boolean noCredentials = request.headers().get(HttpHeaderNames.AUTHORIZATION) == null;
                    request.release();
                    ctx.writeAndFlush(page && noCredentials ? DashboardLogin.page()
                            : HttpAuthentication.refusal(failure));
                }));
    }

    /** POST /v1/auth/token (Basic credentials): a token for the role; DELETE (with the token): revokes it. */
    private void token(Request r, FullHttpRequest request, String role) {
        if (request.method().equals(HttpMethod.DELETE)) {
            String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
            access.service().revokeToken(header.trim().substring(header.trim().indexOf(' ') + 1).trim());
            answer(r, "ok", JsonResponses.json(HttpResponseStatus.OK, JsonResponses.JSON.createObjectNode()
                    .put("revoked", true)), false);
            return;
        }
        if (!request.method().equals(HttpMethod.POST) || !HttpAuthentication.isBasic(request.headers())) {
            answer(r, "invalid", JsonResponses.error(HttpResponseStatus.BAD_REQUEST, "invalid", "a token is made by "
                    + "POST " + HttpAuthentication.TOKEN_PATH + " with Basic credentials (and revoked by DELETE "
                    + "with it as Bearer)"), false);
            return;
        }
        answer(r, "ok", JsonResponses.json(HttpResponseStatus.OK, JsonResponses.JSON.createObjectNode()
                .put("token", access.service().issueToken(role)).put("role", role)
                .put("expires_in_ms", access.service().settings().tokenValidityMillis())), false);
    }

    private static boolean isApiPath(String path) {
        return path.startsWith("/v1/") || path.equals("/metrics");
    }

    private static String operationOf(FullHttpRequest request, String path) {
        if (path.startsWith(KV_PREFIX)) {
            return request.method().name().toLowerCase(Locale.ROOT);
        }
        if (path.startsWith(SchemaHttp.PREFIX)) {
            return "schema";
        }
        if (path.startsWith(RowsHttp.PREFIX)) {
            return "rows";
        }
        return path.startsWith(ADMIN_PREFIX) ? "admin" : path.replace("/v1/", "").replace("/", "");
    }

    private void route(Request r, FullHttpRequest request, QueryStringDecoder uri, String path) {
        HttpMethod method = request.method();
        if (path.startsWith(KV_PREFIX)) {
            kv(r, request, uri, path.substring(KV_PREFIX.length()));
        } else if (path.equals("/v1/cluster")) {
            requireMethod(r, method, HttpMethod.GET, () -> answerJson(r, operations.cluster()));
        } else if (path.equals("/v1/ring")) {
            requireMethod(r, method, HttpMethod.GET, () -> ring(r, uri));
        } else if (path.equals("/metrics")) {
            requireMethod(r, method, HttpMethod.GET, () -> operations.metrics().whenComplete((text, failure) ->
                    answer(r, failure == null ? "ok" : "failed", failure == null
                            ? JsonResponses.text(HttpResponseStatus.OK, text, PROMETHEUS_TEXT_CONTENT_TYPE)
                            : failure(failure), false)));
        } else if (path.equals(SchemaHttp.PREFIX) || path.startsWith(SchemaHttp.PREFIX + "/")) {
            table(r, () -> schemaHttp.handle(method.name(), path, firstValues(uri), body(request)));
        } else if (path.startsWith(RowsHttp.PREFIX)) {
            table(r, () -> rowsHttp.handle(method.name(), path, firstValues(uri), body(request)));
        } else if (path.startsWith(ADMIN_PREFIX)) {
            operations.admin(method.name(), path.substring(ADMIN_PREFIX.length()), firstValues(uri))
                    .whenComplete((answer, failure) -> answer(r, failure == null && answer.status() < 400 ? "ok"
                            : "failed", failure == null ? JsonResponses.json(HttpResponseStatus.valueOf(
                            answer.status()), answer.body()) : failure(failure), false));
        } else {
            answer(r, "not_found", JsonResponses.error(HttpResponseStatus.NOT_FOUND, "not_found", "no such endpoint "
                    + path + "; the API has /v1/kv/{key}, /v1/schema/keyspaces, /v1/rows/{keyspace}/{table}, "
                    + "/v1/cluster, /v1/ring?key=, /metrics, "
                    + "/v1/admin/{repair,decommission,cancel-decommission,removenode,cancel-removenode,abort-bootstrap,"
                    + "cleanup,"
                    + "flush,snapshot,reloadssl,jobs}"), false);
        }
    }

    /** Runs a table request; a body or parameter it refuses at once is answered 400 like a failed future. */
    private void table(Request r, java.util.function.Supplier<CompletableFuture<ClientOperations.AdminAnswer>> call) {
        CompletableFuture<ClientOperations.AdminAnswer> future;
        try {
            future = call.get();
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        future.whenComplete((answer, failure) -> answer(r, failure == null && answer.status() < 400 ? "ok"
                : "failed", failure == null ? JsonResponses.json(HttpResponseStatus.valueOf(answer.status()),
                answer.body()) : failure(failure), false));
    }

    /** The request's JSON body; a missing node when it is empty. */
    private static JsonNode body(FullHttpRequest request) {
        if (request.content().readableBytes() == 0) {
            return RowsJson.missing();
        }
        byte[] bytes = new byte[request.content().readableBytes()];
        request.content().getBytes(request.content().readerIndex(), bytes);
        try {
            return JsonResponses.JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new InvalidRequestException("the body is not JSON: " + e.getMessage());
        }
    }

    private void requireMethod(Request r, HttpMethod actual, HttpMethod expected, Runnable action) {
        if (!actual.equals(expected)) {
            FullHttpResponse response = JsonResponses.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                    actual + " is not allowed here; use " + expected);
            response.headers().set(HttpHeaderNames.ALLOW, expected.name());
            answer(r, "invalid", response, false);
            return;
        }
        action.run();
    }

    private void kv(Request r, FullHttpRequest request, QueryStringDecoder uri, String rawKey) {
        byte[] key;
        ConsistencyLevel consistency;
        long timestampMicros;
        try {
            key = KeyPaths.decode(rawKey);
            Limits.checkKey(key);
            consistency = ConsistencyLevel.parse(param(uri, "cl", "ONE"));
            timestampMicros = parseTimestamp(param(uri, "timestamp", null));
        } catch (InvalidRequestException | IllegalArgumentException e) {
            answer(r, "invalid", JsonResponses.error(HttpResponseStatus.BAD_REQUEST, "invalid", e.getMessage()), false);
            return;
        }
        String keyText = new String(key, StandardCharsets.UTF_8);
        HttpMethod method = request.method();
        if (method.equals(HttpMethod.PUT) || method.equals(HttpMethod.POST)) {
            byte[] value = new byte[request.content().readableBytes()];
            request.content().readBytes(value);
            operations.put(key, value, consistency, timestampMicros, result -> answerResult(r, result, keyText));
        } else if (method.equals(HttpMethod.GET)) {
            operations.get(key, consistency, result -> answerResult(r, result, keyText));
        } else if (method.equals(HttpMethod.DELETE)) {
            operations.delete(key, consistency, timestampMicros, result -> answerResult(r, result, keyText));
        } else {
            FullHttpResponse response = JsonResponses.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                    method + " is not allowed on /v1/kv/{key}; use PUT, GET or DELETE");
            response.headers().set(HttpHeaderNames.ALLOW, "PUT, GET, DELETE");
            answer(r, "invalid", response, false);
        }
    }

    private static long parseTimestamp(String text) {
        if (text == null) {
            return Node.COORDINATOR_TIMESTAMP;
        }
        try {
            long value = Long.parseLong(text);
            if (value <= Long.MIN_VALUE + 1) {
                throw new IllegalArgumentException("timestamp " + text + " is out of range");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "timestamp must be a whole number of microseconds, got '" + text + "'", e);
        }
    }

    private void ring(Request r, QueryStringDecoder uri) {
        String key = param(uri, "key", null);
        if (key == null || key.isEmpty()) {
            answer(r, "invalid", JsonResponses.error(HttpResponseStatus.BAD_REQUEST, "invalid",
                    "missing query parameter 'key': use /v1/ring?key=KEY"), false);
            return;
        }
        answerJson(r, operations.ring(key.getBytes(StandardCharsets.UTF_8)));
    }

    private static String param(QueryStringDecoder uri, String name, String fallback) {
        List<String> values = uri.parameters().get(name);
        return values == null || values.isEmpty() ? fallback : values.get(0);
    }

    private static Map<String, String> firstValues(QueryStringDecoder uri) {
        Map<String, String> result = new LinkedHashMap<>();
        uri.parameters().forEach((name, values) -> result.put(name, values.isEmpty() ? "" : values.get(0)));
        return result;
    }

    private void answerResult(Request r, ClientResult result, String keyText) {
        answer(r, ClientResults.outcome(result), ClientResults.toResponse(result, keyText), false);
    }

    private void answerJson(Request r, CompletableFuture<JsonNode> future) {
        future.whenComplete((json, failure) -> {
            if (failure == null) {
                answer(r, "ok", JsonResponses.json(HttpResponseStatus.OK, json), false);
            } else {
                answer(r, "failed", failure(failure), false);
            }
        });
    }

    private static FullHttpResponse failure(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof UnsupportedOperationException) {
            return JsonResponses.error(HttpResponseStatus.NOT_IMPLEMENTED, "not_supported", cause.getMessage());
        }
        if (cause instanceof IllegalArgumentException || cause instanceof InvalidRequestException) {
            return JsonResponses.error(HttpResponseStatus.BAD_REQUEST, "invalid", cause.getMessage());
        }
        if (cause instanceof IllegalStateException) {
            return JsonResponses.error(HttpResponseStatus.CONFLICT, "conflict", cause.getMessage());
        }
        log.warn("request failed", cause);
        return JsonResponses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "failed",
                String.valueOf(cause.getMessage()));
    }

    /** Called from any thread; hops to the channel's event loop and writes answers in request order. */
    private void answer(Request r, String outcome, FullHttpResponse response, boolean close) {
        if (!r.ctx().executor().inEventLoop()) {
            r.ctx().executor().execute(() -> answer(r, outcome, response, close));
            return;
        }
        observer.onRequest(r.operation(), outcome, System.nanoTime() - r.startNanos());
        HttpAuditing.answered(operations.audit(), r.audited(), r.auditedOperation(), r.ctx().channel().remoteAddress(),
                response);
        inFlight.decrementAndGet();
        if (closed) {
            gate.released();
            budget.release(r.bytes());
            response.release();
            return;
        }
        boolean closeAfter = close || !r.keepAlive();
        response.headers().set(HttpHeaderNames.CONNECTION,
                closeAfter ? HttpHeaderValues.CLOSE : HttpHeaderValues.KEEP_ALIVE);
        ready.put(r.sequence(), new Answer(response, closeAfter, r.bytes()));
        while (!ready.isEmpty() && ready.firstKey() == nextToWrite) {
            Answer next = ready.pollFirstEntry().getValue();
            nextToWrite++;
            var written = r.ctx().writeAndFlush(next.response());
            long bytes = next.bytes();
            written.addListener(done -> {
                gate.released(); // in flight until written
                budget.release(bytes);
            });
            if (next.close()) {
                closed = true;
                StagedClose.after(written, r.ctx().channel());
                dropReady();
                return;
            }
        }
    }

    /**
     * A request did not arrive complete within the read deadline (a slowloris client): it is answered
     * 408, in order after the answers already due, and the connection is closed.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (!(event instanceof ReadDeadline.Expired expired)) {
            ctx.fireUserEventTriggered(event);
            return;
        }
        if (closed) {
            return;
        }
        inFlight.incrementAndGet();
        gate.admitted();
        Request r = new Request(ctx, nextSequence++, false, "incomplete", System.nanoTime(), 0, null, null);
        answer(r, "read_timeout", JsonResponses.error(HttpResponseStatus.REQUEST_TIMEOUT, "request_timeout",
                "the request did not arrive complete within " + expired.deadlineMillis()
                + " ms of its first bytes (client_request_read_timeout_ms); the connection is closed"), true);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        dropReady();
        ctx.fireChannelInactive();
    }

    /** Drops the answers that will not be written (the connection is closing): they are no longer in flight. */
    private void dropReady() {
        ready.values().forEach(a -> {
            a.response().release();
            gate.released();
            budget.release(a.bytes());
        });
        ready.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
