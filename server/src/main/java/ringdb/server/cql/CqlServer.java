package ringdb.server.cql;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ringdb.server.api.ClientTimeouts;
import ringdb.server.api.ConnectionLimits;
import ringdb.server.api.OverloadRefusal;
import ringdb.server.api.RequestObserver;
import ringdb.server.audit.AuditLog;
import ringdb.server.config.HostPort;
import ringdb.server.net.ReadDeadline;
import ringdb.server.tls.ClientTls;
import ringdb.server.transport.SocketTransport;

/**
 * The node's CQL listener ({@code native_transport_port}): Cassandra's native protocol v3 and v4
 * for the drivers and tools of Cassandra. Each connection is admitted within the client port's
 * {@link ConnectionLimits} (past them it is answered Overloaded and closed), held to the read
 * deadline and idle timeout of {@link ClientTimeouts}, and stops reading while its answers pile up
 * above the write water marks (a client that never reads holds at most about the high mark). With
 * client TLS ({@code client_encryption_*}) it speaks TLS like the node's other client ports, sharing
 * their certificates and reloads.
 *
 * <p>Threading: the listener and its connections run on the event loop group it is given (in the
 * server, the node's own thread); closing the server closes its channels, not the group.
 */
public final class CqlServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CqlServer.class);
    private static final long CLOSE_WAIT_MILLIS = 2_000;
    public static final int WRITE_BUFFER_HIGH_BYTES = 256 * 1024;
    public static final int WRITE_BUFFER_LOW_BYTES = 128 * 1024;

    /** What a listener serves and how it protects itself. */
    public record Settings(HostPort address, CqlQueryHandler queries, Authenticator authenticator, CqlEvents events,
                           ConnectionLimits limits, ClientTimeouts timeouts, RequestObserver observer,
                           int maxFrameBytes, int preparedStatementsMax) {
    }

    private final ChannelGroup connections;
    private final Channel channel;
    private final AtomicInteger inFlight;
    private final AtomicLong readDeadlinesExpired;

    private CqlServer(ChannelGroup connections, Channel channel, AtomicInteger inFlight,
                      AtomicLong readDeadlinesExpired) {
        this.connections = connections;
        this.channel = channel;
        this.inFlight = inFlight;
        this.readDeadlinesExpired = readDeadlinesExpired;
    }

    /** Binds {@code settings.address()} in plaintext, without an audit log (see below). */
    public static CqlServer start(Settings settings, EventLoopGroup group) {
        return start(settings, null, AuditLog.DISABLED, group);
    }

    /**
     * Binds {@code settings.address()}; throws IllegalStateException saying why it cannot. With
     * {@code tls} (null: plaintext), every connection starts with {@link ClientTls#install} (TLS only,
     * or TLS and plaintext on one port when it is optional; the certificates current when the
     * connection opens). Logins and schema, role and permission statements go to {@code audit}.
     */
    public static CqlServer start(Settings settings, ClientTls tls, AuditLog audit, EventLoopGroup group) {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicLong readDeadlinesExpired = new AtomicLong();
        CqlServices services = new CqlServices(settings.queries(), settings.authenticator(),
                new PreparedCache(settings.preparedStatementsMax()), settings.events(),
                settings.limits().requestBytes(), inFlight, settings.observer(), settings.maxFrameBytes(), audit);
        ChannelGroup connections = new DefaultChannelGroup("ringdb-cql", group.next());
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(SocketTransport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(WRITE_BUFFER_LOW_BYTES, WRITE_BUFFER_HIGH_BYTES))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            connections.add(ch);
                            if (tls != null) {
                                tls.install(ch); // first, so even a refusal below is answered over TLS
                            }
                            initConnection(ch, settings, services, readDeadlinesExpired);
                        }
                    })
                    .bind(settings.address().host(), settings.address().port()).syncUninterruptibly().channel();
            return new CqlServer(connections, channel, inFlight, readDeadlinesExpired);
        } catch (Exception e) { // bind failures arrive as undeclared checked exceptions
            throw new IllegalStateException("cannot listen for CQL on " + settings.address() + ": "
                    + e.getMessage() + " (native_transport_address, native_transport_port)", e);
        }
    }

    private static void initConnection(SocketChannel ch, Settings settings, CqlServices services,
                                       AtomicLong readDeadlinesExpired) {
        ChannelPipeline pipeline = ch.pipeline();
        OverloadRefusal refusal = settings.limits().admit(ch);
        if (refusal != null) {
            long refused = settings.limits().refused();
            if (Long.bitCount(refused) == 1) {
                log.warn("refused CQL connection #{} (from {}): {}", refused, ch.remoteAddress(), refusal.message());
            }
            pipeline.addLast(new CqlFrameDecoder(settings.maxFrameBytes()), new CqlRefusal(refusal.message()));
            return;
        }
        long readMillis = settings.timeouts().requestReadMillis();
        ReadDeadline deadline = readMillis == 0 ? null : new ReadDeadline(readMillis, readDeadlinesExpired);
        if (deadline != null) {
            pipeline.addLast(deadline);
        }
        long idleMillis = settings.timeouts().nativeIdleMillis();
        if (idleMillis > 0) {
            pipeline.addLast(new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS), new IdleCloser());
        }
        pipeline.addLast(new CqlFrameDecoder(settings.maxFrameBytes()));
        if (deadline != null) {
            pipeline.addLast(deadline.completion());
        }
        pipeline.addLast(new FlowControlHandler(), new CqlConnection(services));
    }

    /** Closes a connection idle past native_transport_idle_timeout_ms. */
    private static final class IdleCloser extends io.netty.channel.ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof IdleStateEvent) {
                ctx.close();
                return;
            }
            ctx.fireUserEventTriggered(event);
        }
    }

    /** Requests being served now (read, not yet answered). */
    public int inFlight() {
        return inFlight.get();
    }

    /** Open CQL connections. */
    public int connectionCount() {
        return connections.size();
    }

    /** The most bytes of answers queued (not yet written to the socket) on any one open connection. */
    public long largestPendingOutboundBytes() {
        long largest = 0;
        for (Channel connection : connections) {
            var buffer = connection.unsafe().outboundBuffer();
            largest = Math.max(largest, buffer == null ? 0 : buffer.totalPendingWriteBytes());
        }
        return largest;
    }

    /** Connections cut because a frame did not arrive complete within the read deadline. */
    public long readDeadlinesExpired() {
        return readDeadlinesExpired.get();
    }

    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Stops accepting connections and waits up to {@code waitMillis} for requests read to be answered. */
    public int drain(long waitMillis) {
        channel.close().syncUninterruptibly();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return inFlight.get();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly(CLOSE_WAIT_MILLIS);
    }
}
