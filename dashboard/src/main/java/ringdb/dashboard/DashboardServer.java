package ringdb.dashboard;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A standalone HTTP server for the dashboard (used by {@code ringdb dashboard} for a simulated
 * cluster). Binds 127.0.0.1 only. Threading: start and close from one thread; serving runs on
 * Netty's event loops.
 */
public final class DashboardServer implements AutoCloseable {
    /** Largest request body accepted (actions are small JSON objects; a put value can be up to this). */
    public static final int REQUEST_SIZE_BYTES_MAX = 2 * 1024 * 1024;

    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final DashboardHandler handler;

    private DashboardServer(EventLoopGroup group, Channel serverChannel, DashboardHandler handler) {
        this.group = group;
        this.serverChannel = serverChannel;
        this.handler = handler;
    }

    /** Starts serving {@code source} on 127.0.0.1:{@code port} (0 = any free port). */
    public static DashboardServer start(DashboardSource source, int port) throws InterruptedException {
        DashboardHandler handler = new DashboardHandler(source);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            // Snapshots are JSON of a few hundred KiB for big clusters: compression cuts them ~10×.
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpContentCompressor(),
                                    new HttpObjectAggregator(REQUEST_SIZE_BYTES_MAX),
                                    handler.channelHandler(),
                                    new NotFound());
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
            return new DashboardServer(group, channel, handler);
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8088/}. */
    public String url() {
        return "http://127.0.0.1:" + port() + "/";
    }

    /** Blocks until the server channel closes. */
    public void awaitClose() throws InterruptedException {
        serverChannel.closeFuture().sync();
    }

    @Override
    public void close() {
        handler.close();
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Answers whatever the dashboard does not serve, and closes a connection that failed (a browser
     * that resets its connections when a page closes is routine, not worth a warning).
     */
    private static final class NotFound extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            byte[] body = ("{\"error\":\"nothing here; the dashboard is at /\"}").getBytes(StandardCharsets.UTF_8);
            DashboardHandler.send(ctx, HttpResponseStatus.NOT_FOUND, "application/json", body,
                    HttpUtil.isKeepAlive(request));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
