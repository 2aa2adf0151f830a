package ringdb.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A small HTTP/1.1 client over Netty with persistent connections pooled per node: a request takes
 * an idle connection (or opens one), and gives it back when the answer is complete. Cheaper in
 * CPU than {@code java.net.http} at the request rates of the load generator.
 *
 * <p>Threading: thread-safe; {@link #exchange} blocks the calling thread until the answer, the
 * timeout or a failure. Failures are {@link RingClientException}s with error "unreachable" (the
 * request was never sent), "client_timeout" or "io" (the outcome is unknown).
 */
final class HttpTransport implements AutoCloseable {
    /** Largest answer accepted (a value of the 64 MiB ceiling plus headers). */
    static final int RESPONSE_BYTES_MAX = 65 * 1024 * 1024;
    private static final AttributeKey<CompletableFuture<Response>> PENDING = AttributeKey.valueOf("ringdb.pending");

    /** An answer: status, body, and the X-Ringdb-Timestamp header (0 when absent). */
    record Response(int status, byte[] body, long timestampMicros) {
    }

    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final Map<String, ConcurrentLinkedDeque<Channel>> idle = new ConcurrentHashMap<>();

    HttpTransport(int connectTimeoutMillis) {
        group = new MultiThreadIoEventLoopGroup(Math.min(2, Runtime.getRuntime().availableProcessors()),
                new DefaultThreadFactory("ringdb-client", true), NioIoHandler.newFactory());
        bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(RESPONSE_BYTES_MAX), new ResponseHandler());
                    }
                });
    }

    private static final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            CompletableFuture<Response> pending = ctx.channel().attr(PENDING).getAndSet(null);
            if (pending == null) {
                ctx.close();
                return;
            }
            byte[] body = new byte[response.content().readableBytes()];
            response.content().readBytes(body);
            String timestamp = response.headers().get("X-Ringdb-Timestamp");
            long micros = 0;
            try {
                micros = timestamp == null ? 0 : Long.parseLong(timestamp);
            } catch (NumberFormatException e) {
                micros = 0;
            }
            if (!HttpUtil.isKeepAlive(response)) {
                ctx.close();
            }
            pending.complete(new Response(response.status().code(), body, micros));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            CompletableFuture<Response> pending = ctx.channel().attr(PENDING).getAndSet(null);
            if (pending != null) {
                pending.completeExceptionally(new java.io.IOException("connection closed before the answer"));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            CompletableFuture<Response> pending = ctx.channel().attr(PENDING).getAndSet(null);
            if (pending != null) {
                pending.completeExceptionally(cause);
            }
            ctx.close();
        }
    }

    /** Sends one request to {@code node} ("host:port") and waits up to {@code timeoutMillis} for the answer. */
    Response exchange(String node, HttpMethod method, String pathAndQuery, byte[] body, long timeoutMillis) {
        Channel channel = acquire(node, timeoutMillis);
        CompletableFuture<Response> answer = new CompletableFuture<>();
        channel.attr(PENDING).set(answer);
        ByteBuf content = body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, pathAndQuery, content);
        request.headers().set(HttpHeaderNames.HOST, node);
        request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        channel.writeAndFlush(request);
        try {
            Response response = answer.get(timeoutMillis, TimeUnit.MILLISECONDS);
            release(node, channel);
            return response;
        } catch (TimeoutException e) {
            channel.close();
            throw new RingClientException(0, "client_timeout", "no answer from " + node + " within " + timeoutMillis + " ms", e);
        } catch (ExecutionException e) {
            channel.close();
            throw new RingClientException(0, "io", "request to " + node + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.close();
            throw new RingClientException(0, "interrupted", "interrupted while waiting for " + node, e);
        }
    }

    private Channel acquire(String node, long timeoutMillis) {
        ConcurrentLinkedDeque<Channel> channels = idle.computeIfAbsent(node, n -> new ConcurrentLinkedDeque<>());
        Channel channel;
        while ((channel = channels.pollFirst()) != null) {
            if (channel.isActive()) {
                return channel;
            }
        }
        int colon = node.lastIndexOf(':');
        if (colon <= 0) {
            throw new RingClientException(0, "unreachable", "node address must be host:port, got '" + node + "'");
        }
        ChannelFuture connect;
        try {
            connect = bootstrap.connect(node.substring(0, colon), Integer.parseInt(node.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new RingClientException(0, "unreachable", "port of '" + node + "' is not a number", e);
        }
        if (!connect.awaitUninterruptibly(timeoutMillis) || !connect.isSuccess()) {
            connect.channel().close();
            Throwable cause = connect.cause();
            throw new RingClientException(0, "unreachable", "cannot connect to " + node + ": "
                    + (cause == null ? "timed out" : cause.getMessage()), cause);
        }
        return connect.channel();
    }

    private void release(String node, Channel channel) {
        if (channel.isActive()) {
            idle.computeIfAbsent(node, n -> new ConcurrentLinkedDeque<>()).offerFirst(channel);
        }
    }

    @Override
    public void close() {
        idle.values().forEach(channels -> channels.forEach(Channel::close));
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
