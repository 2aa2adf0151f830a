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

    private HttpServer(EventLoopGroup group, Channel channel) {
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
                            ch.pipeline().addLast(new HttpApiHandler(backend, observer, passOn));
                            if (dashboard != null) {
                                ch.pipeline().addLast(dashboard.get());
                            }
                        }
                    })
                    .bind(address.host(), address.port()).syncUninterruptibly().channel();
            return new HttpServer(group, channel);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IllegalStateException("cannot listen for HTTP on " + address + ": " + e.getMessage(), e);
        }
    }

    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Stops accepting connections; open ones finish their current request within a second. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
