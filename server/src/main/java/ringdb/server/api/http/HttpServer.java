package ringdb.server.api.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ringdb.server.api.ClientOperations;
import ringdb.server.api.ClientTimeouts;
import ringdb.server.api.ConnectionLimits;
import ringdb.server.api.OverloadRefusal;
import ringdb.server.api.ProtocolSelector;
import ringdb.server.api.RequestObserver;
import ringdb.server.auth.AuthService;
import ringdb.server.api.nativeprotocol.NativeApiHandlers;
import ringdb.core.data.Limits;
import ringdb.server.config.HostPort;
import ringdb.server.net.ReadDeadline;
import ringdb.server.tls.ClientTls;
import ringdb.server.transport.SocketTransport;

/**
 * The node's client listener. A connection that opens with the native protocol's preamble gets the
 * native protocol ({@link NativeApiHandlers}); any other gets HTTP: the HTTP/1.1 codec (bounded
 * request line and headers), a body aggregator bounded by the value limit, the API handler, then
 * (optionally) the dashboard handler for the paths it serves. Accepted sockets use TCP keepalive;
 * idle connections are closed and a request that trickles in is cut after its read deadline
 * ({@link ClientTimeouts}, {@link ReadDeadline}).
 *
 * <p>Threading: the listener and its connections run on the event loop group it is given (in the
 * server, the node's own thread, so a request reaches the node and its answer the socket without a
 * thread handoff); closing the server closes its channels, not the group.
 */
public final class HttpServer implements AutoCloseable {
    /** Longest request line accepted (method, path with the percent-encoded key, query). */
    public static final int INITIAL_LINE_BYTES_MAX = Limits.HTTP_INITIAL_LINE_BYTES_MAX;
    public static final int HEADER_BYTES_MAX = Limits.HTTP_HEADER_BYTES_MAX;
    private static final long CLOSE_WAIT_MILLIS = 2_000;
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    /**
     * Write-buffer water marks of each connection: above the high mark of answers queued for a
     * client that does not read them, the connection stops reading requests; below the low mark it
     * reads again.
     */
    public static final int WRITE_BUFFER_HIGH_BYTES = 64 * 1024;
    public static final int WRITE_BUFFER_LOW_BYTES = 32 * 1024;

    private final ChannelGroup connections;
    private final Channel channel;
    private final AtomicInteger inFlight;
    private final ConnectionLimits limits;
    private final AtomicLong readDeadlinesExpired;

    private HttpServer(ChannelGroup connections, Channel channel, AtomicInteger inFlight, ConnectionLimits limits,
                       AtomicLong readDeadlinesExpired) {
        this.readDeadlinesExpired = readDeadlinesExpired;
        this.limits = limits;
        this.inFlight = inFlight;
        this.connections = connections;
        this.channel = channel;
    }

    /**
     * Binds {@code address}. {@code dashboard} supplies a handler per connection for the paths
     * {@code dashboardServes} accepts (null = no dashboard).
     */
    public static HttpServer start(HostPort address, EventLoopGroup group, ClientOperations operations,
                                   RequestObserver observer, long idleTimeoutMillis, Predicate<String> dashboardServes,
                                   Supplier<ChannelHandler> dashboard) {
        return start(address, group, operations, observer, idleTimeoutMillis, dashboardServes, dashboard,
                ConnectionLimits.unlimited());
    }

    /** As above, admitting connections within {@code limits}; those past them are refused. */
    public static HttpServer start(HostPort address, EventLoopGroup group, ClientOperations operations,
                                   RequestObserver observer, long idleTimeoutMillis, Predicate<String> dashboardServes,
                                   Supplier<ChannelHandler> dashboard, ConnectionLimits limits) {
        return start(address, group, operations, observer, ClientTimeouts.httpIdleOnly(idleTimeoutMillis),
                dashboardServes, dashboard, limits);
    }

    /**
     * Binds {@code address}, admitting connections within {@code limits} (those past them are refused)
     * and holding them to {@code timeouts}.
     */
    public static HttpServer start(HostPort address, EventLoopGroup group, ClientOperations operations,
                                   RequestObserver observer, ClientTimeouts timeouts, Predicate<String> dashboardServes,
                                   Supplier<ChannelHandler> dashboard, ConnectionLimits limits) {
        return start(address, group, operations, observer, timeouts, dashboardServes, dashboard, limits,
                CrossSiteGuard.DEFAULT);
    }

    /** As above, refusing the API requests {@code guard} refuses (requests a page of another site may have sent). */
    public static HttpServer start(HostPort address, EventLoopGroup group, ClientOperations operations,
                                   RequestObserver observer, ClientTimeouts timeouts, Predicate<String> dashboardServes,
                                   Supplier<ChannelHandler> dashboard, ConnectionLimits limits, CrossSiteGuard guard) {
        return start(address, group, operations, observer, timeouts, dashboardServes, dashboard, limits, guard, null);
    }

    /** As above, with TLS on every connection when {@code tls} is not null (plaintext too when it is optional). */
    public static HttpServer start(HostPort address, EventLoopGroup group, ClientOperations operations,
                                   RequestObserver observer, ClientTimeouts timeouts, Predicate<String> dashboardServes,
                                   Supplier<ChannelHandler> dashboard, ConnectionLimits limits, CrossSiteGuard guard,
                                   ClientTls tls) {
        return start(address, group, operations, observer, timeouts, dashboardServes, dashboard, limits, guard, tls,
                null);
    }

    /** As above; {@code auth} (null: none) decides who may send what when the node requires logins. */
    public static HttpServer start(HostPort address, EventLoopGroup group, ClientOperations operations,
                                   RequestObserver observer, ClientTimeouts timeouts, Predicate<String> dashboardServes,
                                   Supplier<ChannelHandler> dashboard, ConnectionLimits limits, CrossSiteGuard guard,
                                   ClientTls tls, AuthService auth) {
        Predicate<String> passOn = dashboard == null ? path -> false : dashboardServes;
        AtomicInteger inFlight = new AtomicInteger();
        AtomicLong readDeadlinesExpired = new AtomicLong();
        ChannelGroup connections = new DefaultChannelGroup("ringdb-http", group.next());
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(SocketTransport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true) // the kernel finds peers that vanished
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(WRITE_BUFFER_LOW_BYTES, WRITE_BUFFER_HIGH_BYTES))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            connections.add(ch);
                            OverloadRefusal refusal = limits.admit(ch);
                            if (refusal != null) {
                                long refused = limits.refused();
                                if (Long.bitCount(refused) == 1) { // 1st, 2nd, 4th, 8th...: a flood logs little
                                    log.warn("refused client connection #{} (from {}): {}", refused,
                                            ch.remoteAddress(), refusal.message());
                                }
                                ch.pipeline().addLast(refusal);
                                return;
                            }
                            if (tls != null) {
                                tls.install(ch);
                            }
                            ReadDeadline deadline = timeouts.requestReadMillis() == 0 ? null
                                    : new ReadDeadline(timeouts.requestReadMillis(), readDeadlinesExpired);
                            if (deadline != null) {
                                ch.pipeline().addLast(deadline);
                            }
                            ch.pipeline().addLast(new ReadTimeoutHandler(timeouts.httpIdleMillis(),
                                    TimeUnit.MILLISECONDS));
                            List<ChannelHandler> http = new ArrayList<>(List.of(
                                    new HttpServerCodec(INITIAL_LINE_BYTES_MAX, HEADER_BYTES_MAX, 64 * 1024),
                                    new ValueSizeAggregator(operations.valueSizeBytesMax())));
                            if (deadline != null) {
                                http.add(deadline.completion());
                            }
                            http.add(new FlowControlHandler());
                            http.add(new HttpApiHandler(operations, observer, passOn, inFlight, limits.requestBytes(),
                                    guard, auth));
                            if (dashboard != null) {
                                http.add(dashboard.get());
                            }
                            ch.pipeline().addLast(new ProtocolSelector(new NativeApiHandlers(operations, observer,
                                    inFlight, limits.requestBytes(), timeouts.nativeIdleMillis(), auth),
                                    http.toArray(ChannelHandler[]::new)));
                        }
                    })
                    .bind(address.host(), address.port()).syncUninterruptibly().channel();
            return new HttpServer(connections, channel, inFlight, limits, readDeadlinesExpired);
        } catch (Exception e) { // bind failures arrive as undeclared checked exceptions
            throw new IllegalStateException("cannot listen for HTTP on " + address + ": " + e.getMessage(), e);
        }
    }

    /** The most bytes of answers queued (not yet written to the socket) on any one open connection. */
    public long largestPendingOutboundBytes() {
        long largest = 0;
        for (Channel connection : connections) {
            ChannelOutboundBuffer buffer = connection.unsafe().outboundBuffer();
            largest = Math.max(largest, buffer == null ? 0 : buffer.totalPendingWriteBytes());
        }
        return largest;
    }

    /** Whether every open connection has TCP keepalive on (SO_KEEPALIVE). */
    public boolean allConnectionsUseKeepAlive() {
        for (Channel connection : connections) {
            if (!Boolean.TRUE.equals(connection.config().getOption(ChannelOption.SO_KEEPALIVE))) {
                return false;
            }
        }
        return !connections.isEmpty();
    }

    /** Connections cut because a request did not arrive complete within the read deadline (slowloris). */
    public long readDeadlinesExpired() {
        return readDeadlinesExpired.get();
    }

    /** The admission limits of this listener, with their counts. */
    public ConnectionLimits limits() {
        return limits;
    }

    /** Open connections on the client port. */
    public int connectionCount() {
        return connections.size();
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
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return inFlight.get();
    }

    /** Closes the listener and every connection. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly(CLOSE_WAIT_MILLIS);
    }
}
