package ringdb.server.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import ringdb.server.config.HostPort;

/**
 * The node's HTTP listener: HTTP/1.1 codec (bounded request line and headers), a body aggregator
 * bounded by the value limit, the API handler, then (optionally) the dashboard handler for the
 * paths it serves. Idle connections are closed after {@code idleTimeoutMillis}.
 */
public final class HttpServer implements AutoCloseable {
    /** Longest request line accepted (method, path with the percent-encoded key, query). */
    public static final int INITIAL_LINE_BYTES_MAX = 256 * 1024;
    public static final int HEADER_BYTES_MAX = 16 * 1024;

    private final EventLoopGroup group;
    private final Channel channel;
    private final java.util.concurrent.atomic.AtomicInteger inFlight;

    private HttpServer(EventLoopGroup group, Channel channel, java.util.concurrent.atomic.AtomicInteger inFlight) {
        this.inFlight = inFlight;
        this.group = group;
        this.channel = channel;
    }

    /**
     * Binds {@code address}. {@code dashboard} supplies a handler per connection for the paths
     * {@code dashboardServes} accepts (null = no dashboard).
     */
    public static HttpServer start(HostPort address, int threads, HttpBackend backend, RequestObserver observer,
                                   long idleTimeoutMillis, Predicate<String> dashboardServes,
                                   Supplier<ChannelHandler> dashboard) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new io.netty.util.concurrent.DefaultThreadFactory("ringdb-http", true), NioIoHandler.newFactory());
        Predicate<String> passOn = dashboard == null ? path -> false : dashboardServes;
        java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new ReadTimeoutHandler(idleTimeoutMillis, TimeUnit.MILLISECONDS));
                            ch.pipeline().addLast(new HttpServerCodec(INITIAL_LINE_BYTES_MAX, HEADER_BYTES_MAX, 64 * 1024));
                            ch.pipeline().addLast(new ValueSizeAggregator(backend.valueSizeBytesMax()));
                            ch.pipeline().addLast(new HttpApiHandler(backend, observer, passOn, inFlight));
                            if (dashboard != null) {
                                ch.pipeline().addLast(dashboard.get());
                            }
                        }
                    })
                    .bind(address.host(), address.port()).syncUninterruptibly().channel();
            return new HttpServer(group, channel, inFlight);
        } catch (Exception e) { // bind failures arrive as undeclared checked exceptions
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IllegalStateException("cannot listen for HTTP on " + address + ": " + e.getMessage(), e);
        }
    }

    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /**
     * Drains: stops accepting connections, then waits up to {@code waitMillis} for the requests
     * already read to be answered. Returns how many were still unanswered.
     */
    public int drain(long waitMillis) {
        channel.close().syncUninterruptibly();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return inFlight.get();
    }

    /** Closes the listener and every connection. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
