package ringdb.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import ringdb.core.data.InvalidRequestException;

/**
 * Serves the dashboard over HTTP for any {@link DashboardSource}:
 * <ul>
 *   <li>{@code GET /} the page, {@code GET /assets/NAME} its files (from the jar)</li>
 *   <li>{@code GET /api/dashboard/state} the latest snapshot as JSON</li>
 *   <li>{@code GET /api/dashboard/lookup?key=K} where a key lives and what each replica holds</li>
 *   <li>{@code POST /api/dashboard/action} body {@code {"action":"put","params":{"key":"k",...}}}</li>
 *   <li>{@code GET /api/dashboard/stream} server-sent events: one {@code state} event every
 *       {@value #STREAM_INTERVAL_MILLIS} ms when the snapshot changed</li>
 * </ul>
 *
 * <p>Mounting: a server whose pipeline ends in {@code HttpServerCodec} and {@code HttpObjectAggregator}
 * either adds {@link #channelHandler()} before its own handler (requests the dashboard does not serve
 * are passed on), or calls {@link #handle} from its own routing. Threading: thread-safe; one instance
 * serves every channel.
 */
public final class DashboardHandler {
    public static final long STREAM_INTERVAL_MILLIS = 250;
    /** How long a lookup or an action may take before the page is told it is still pending. */
    public static final long REQUEST_TIMEOUT_MILLIS = 10_000;
    static final String API = "/api/dashboard/";

    private final DashboardSource source;
    private final ObjectMapper json = new ObjectMapper();
    private final StaticAssets assets = new StaticAssets();
    private final StateEncoder encoder;
    private final EventStreams streams;

    public DashboardHandler(DashboardSource source) {
        this.source = source;
        this.encoder = new StateEncoder(json);
        this.streams = new EventStreams(source, encoder, STREAM_INTERVAL_MILLIS);
    }

    /** True when {@code uri} is one the dashboard serves (the page, its assets, its API). */
    public static boolean serves(String uri) {
        String path = new QueryStringDecoder(uri).path();
        return path.equals("/") || path.equals("/index.html") || path.startsWith("/assets/")
                || path.startsWith(API);
    }

    /**
     * Answers {@code request} when it is the dashboard's and returns true; returns false (having done
     * nothing) otherwise. Never releases {@code request}: the caller owns it.
     */
    public boolean handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!serves(request.uri())) {
            return false;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        try {
            route(ctx, request, keepAlive);
        } catch (InvalidRequestException e) {
            sendError(ctx, HttpResponseStatus.BAD_REQUEST, e.getMessage(), keepAlive);
        }
        return true;
    }

    /** A handler to add to a pipeline after the HTTP codec and aggregator; passes on what it does not serve. */
    public ChannelHandler channelHandler() {
        return new MountedHandler();
    }

    /** Ends every open event stream (the server is shutting down). */
    public void close() {
        streams.close();
    }

    private void route(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        String path = query.path();
        HttpMethod method = request.method();
        if (path.equals(API + "action")) {
            requireMethod(method, HttpMethod.POST);
            action(ctx, request, keepAlive);
            return;
        }
        requireMethod(method, HttpMethod.GET);
        switch (path) {
            case "/", "/index.html" -> sendAsset(ctx, "index.html", keepAlive);
            case API + "state" -> send(ctx, HttpResponseStatus.OK, "application/json",
                    encoder.encode(source.snapshot()), keepAlive);
            case API + "lookup" -> lookup(ctx, query, keepAlive);
            case API + "stream" -> streams.open(ctx);
            default -> {
                if (path.startsWith("/assets/")) {
                    sendAsset(ctx, path.substring("/assets/".length()), keepAlive);
                } else {
                    sendError(ctx, HttpResponseStatus.NOT_FOUND, "no dashboard resource at " + path, keepAlive);
                }
            }
        }
    }

    private static void requireMethod(HttpMethod actual, HttpMethod expected) {
        if (!actual.equals(expected)) {
            throw new InvalidRequestException("method " + actual + " not allowed here; use " + expected);
        }
    }

    private void lookup(ChannelHandlerContext ctx, QueryStringDecoder query, boolean keepAlive) {
        String key = query.parameters().getOrDefault("key", List.of("")).get(0);
        reply(ctx, source.lookup(key), keepAlive);
    }

    private void action(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
        JsonNode body;
        try {
            body = json.readTree(request.content().toString(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("request body is not JSON: " + e.getOriginalMessage());
        }
        if (body == null || !body.path("action").isTextual()) {
            throw new InvalidRequestException("request body must be {\"action\": NAME, \"params\": {...}}");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : body.path("params").properties()) {
            JsonNode value = field.getValue();
            params.put(field.getKey(), value.isTextual() ? value.textValue() : value.toString());
        }
        reply(ctx, source.act(body.get("action").textValue(), params), keepAlive);
    }

    private void reply(ChannelHandlerContext ctx, CompletableFuture<?> result, boolean keepAlive) {
        result.orTimeout(REQUEST_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).whenComplete((value, failure) -> {
            if (failure == null) {
                send(ctx, HttpResponseStatus.OK, "application/json", toJson(value), keepAlive);
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof InvalidRequestException) {
                sendError(ctx, HttpResponseStatus.BAD_REQUEST, cause.getMessage(), keepAlive);
            } else if (cause instanceof TimeoutException) {
                sendError(ctx, HttpResponseStatus.GATEWAY_TIMEOUT, "no answer within "
                        + REQUEST_TIMEOUT_MILLIS / 1000 + " s (is the simulation paused?)", keepAlive);
            } else {
                sendError(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, String.valueOf(cause), keepAlive);
            }
        });
    }

    private byte[] toJson(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    private void sendAsset(ChannelHandlerContext ctx, String name, boolean keepAlive) {
        Optional<StaticAssets.Asset> asset = assets.find(name);
        if (asset.isEmpty()) {
            sendError(ctx, HttpResponseStatus.NOT_FOUND, "no dashboard asset called " + name, keepAlive);
            return;
        }
        send(ctx, HttpResponseStatus.OK, asset.get().contentType(), asset.get().bytes(), keepAlive);
    }

    private void sendError(ChannelHandlerContext ctx, HttpResponseStatus status, String message, boolean keepAlive) {
        send(ctx, status, "application/json", toJson(Map.of("error", message)), keepAlive);
    }

    static void send(ChannelHandlerContext ctx, HttpResponseStatus status, String contentType, byte[] body,
                     boolean keepAlive) {
        ByteBuf content = Unpooled.wrappedBuffer(body);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        HttpUtil.setContentLength(response, body.length);
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @ChannelHandler.Sharable
    private final class MountedHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof FullHttpRequest request && serves(request.uri())) {
                try {
                    handle(ctx, request);
                } finally {
                    request.release();
                }
                return;
            }
            ctx.fireChannelRead(message);
        }
    }
}
