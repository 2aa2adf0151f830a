package ringdb.server.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ringdb.server.config.HostPort;

/**
 * The one outbound connection from this node to one peer. Connects on the first send, is kept
 * alive, and after a failure is re-established with exponential backoff. Memory is bounded: at
 * most {@code queueBytesMax} bytes wait for a connection, and Netty's write buffer of an open
 * connection is bounded by the same figure (past it the channel is unwritable and further
 * messages are dropped and counted). The network is fire and forget, so dropping is allowed;
 * the node's own timeouts and retries handle loss.
 *
 * <p>A dead peer (its host gone, a partition that drops packets silently) is found by a
 * write-progress deadline: when messages wait in the connection's buffer and none of them reached
 * the socket for {@code userTimeoutMillis}, the connection is closed, its backlog dropped and
 * counted, and the next message reconnects after a backoff. With epoll sockets the kernel's
 * {@code TCP_USER_TIMEOUT} is set to the same value as well.
 *
 * <p>Each connection opens with this node's {@link InternodeHandshake} HELLO (messages follow it
 * at once, the peer handles none of them unless it accepts). A REFUSE from the peer (another
 * cluster, say) is logged with the peer's reason, counted, and the connection closed; the next
 * attempt waits the longest backoff, as a refusal is a configuration mistake, not a glitch. With
 * TLS, nothing is written until the TLS handshake is done and the peer's certificate names the node
 * dialled ({@link InternodeTls#peerMismatch}): a holder of another node's certificate at that
 * address is refused the same way and hears nothing.
 *
 * <p>Threading: {@link #send} may be called from any thread; all state lives on one event loop.
 */
final class PeerConnection {
    private static final Logger log = LoggerFactory.getLogger(PeerConnection.class);
    private static final long BACKOFF_INITIAL_MILLIS = 50;

    private final HostPort address;
    private final InternodeHandshake.Identity self;
    private final InternodeTls tls;
    private final byte[] hello;
    private final EventLoop loop;
    private final TransportStats stats;
    private final int connectTimeoutMillis;
    private final long backoffMaxMillis;
    private final long queueBytesMax;
    private final long userTimeoutMillis;
    private final ChannelFutureListener progress = this::onWritten;
    private long lastProgressNanos;
    private long failedWrites;
    private Throwable lostCause;
    private boolean takenAsDead;
    private ScheduledFuture<?> progressCheck;
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private long pendingBytes;
    private Channel channel;
    private boolean connecting;
    private long backoffMillis;
    private long nextAttemptNanos;
    private boolean closed;

    PeerConnection(HostPort address, InternodeHandshake.Identity self, InternodeTls tls, EventLoop loop,
                   TransportStats stats, int connectTimeoutMillis, long backoffMaxMillis, long queueBytesMax,
                   long userTimeoutMillis) {
        this.self = self;
        this.tls = tls;
        this.hello = InternodeHandshake.hello(self);
        this.userTimeoutMillis = userTimeoutMillis;
        this.address = address;
        this.loop = loop;
        this.stats = stats;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.backoffMaxMillis = backoffMaxMillis;
        this.queueBytesMax = queueBytesMax;
    }

    /** Queues one encoded frame (length field included) for the peer. */
    void send(byte[] frame) {
        if (loop.inEventLoop()) {
            sendOnLoop(frame); // the node thread is this loop in the server: no task per message
        } else {
            loop.execute(() -> sendOnLoop(frame));
        }
    }

    /**
     * Completes once every frame handed to {@link #send} before this call has been written to the
     * socket; at once when there is no live connection (frames still waiting for a connection are
     * not waited for). Never fails.
     */
    Future<Void> flushed() {
        Promise<Void> done = loop.newPromise();
        loop.execute(() -> {
            if (channel != null && channel.isActive()) {
                // Netty writes a channel's buffers in order: this empty write completes after every earlier one.
                channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> done.trySuccess(null));
            } else {
                done.trySuccess(null);
            }
        });
        return done;
    }

    void close() {
        loop.execute(() -> {
            closed = true;
            dropPending();
            if (channel != null) {
                channel.close();
            }
        });
    }

    private void sendOnLoop(byte[] frame) {
        if (closed) {
            return;
        }
        if (channel != null && channel.isActive()) {
            write(frame);
            return;
        }
        if (pendingBytes + frame.length > queueBytesMax) {
            stats.droppedQueueFull.increment();
            return;
        }
        pending.addLast(frame);
        pendingBytes += frame.length;
        if (!connecting && System.nanoTime() >= nextAttemptNanos) {
            connect();
        } else if (!connecting && pending.size() == 1) {
            loop.schedule(this::connectIfPending, nextAttemptNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
    }

    private void write(byte[] frame) {
        if (!channel.isWritable()) {
            stats.droppedQueueFull.increment();
            return;
        }
        stats.framesSent.increment();
        stats.bytesSent.add(frame.length);
        if (userTimeoutMillis == 0) {
            channel.writeAndFlush(Unpooled.wrappedBuffer(frame), channel.voidPromise());
            return;
        }
        if (backlogBytes(channel) == 0) {
            lastProgressNanos = System.nanoTime(); // the deadline runs from the oldest message waiting
        }
        channel.writeAndFlush(Unpooled.wrappedBuffer(frame)).addListener(progress);
    }

    private void onWritten(ChannelFuture written) {
        if (written.isSuccess()) {
            lastProgressNanos = System.nanoTime();
            backoffMillis = 0;
            return;
        }
        if (closed) {
            return; // the transport closed or forgot this peer: not a dead peer
        }
        // The connection broke with this message unwritten (the kernel's TCP_USER_TIMEOUT, a reset...).
        stats.droppedDeadPeer.increment();
        if (failedWrites++ == 0) {
            lostCause = written.cause();
        }
    }

    private static long backlogBytes(Channel channel) {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    /** The connection's backlog made no progress to the socket for the user timeout: the peer is taken as dead. */
    private void checkProgress() {
        if (channel == null || !channel.isActive()) {
            return;
        }
        long backlog = backlogBytes(channel);
        long stalledNanos = System.nanoTime() - lastProgressNanos;
        if (backlog == 0 || stalledNanos < TimeUnit.MILLISECONDS.toNanos(userTimeoutMillis)) {
            return;
        }
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        long messages = buffer == null ? 0 : buffer.size();
        stats.deadPeerConnections.increment();
        takenAsDead = true; // closing fails the writes waiting: each is counted as dropped by onWritten
        log.warn("connection to {} made no progress for {} ms with {} bytes waiting: taking the peer as dead, "
                + "dropping {} messages and reconnecting with backoff", address,
                TimeUnit.NANOSECONDS.toMillis(stalledNanos), backlog, messages);
        backOff();
        channel.close();
    }

    private void backOff() {
        backoffMillis = backoffMillis == 0 ? BACKOFF_INITIAL_MILLIS : Math.min(backoffMillis * 2, backoffMaxMillis);
        nextAttemptNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMillis);
    }

    private void connectIfPending() {
        if (!closed && !connecting && !pending.isEmpty() && (channel == null || !channel.isActive())) {
            connect();
        }
    }

    private void connect() {
        connecting = true;
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(SocketTransport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark((int) Math.min(queueBytesMax / 2, Integer.MAX_VALUE / 2),
                                (int) Math.min(queueBytesMax, Integer.MAX_VALUE)))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.clientHandler(ch, address));
                        }
                        ch.pipeline().addLast(new FlushConsolidationHandler(256, true));
                        ch.pipeline().addLast(InternodeFraming.newFrameDecoder());
                        ch.pipeline().addLast(new HandshakeAnswer());
                    }
                });
        if (userTimeoutMillis > 0 && SocketTransport.isEpoll()) {
            bootstrap.option(EpollChannelOption.TCP_USER_TIMEOUT, (int) Math.min(userTimeoutMillis, Integer.MAX_VALUE));
        }
        bootstrap.connect(address.host(), address.port()).addListener((ChannelFuture future) -> onConnected(future));
    }

    private void onConnected(ChannelFuture future) {
        connecting = false;
        if (!future.isSuccess()) {
            stats.connectsFailed.increment();
            backOff();
            log.debug("cannot connect to {} ({}); next attempt in {} ms",
                    address, future.cause().toString(), backoffMillis);
            dropPending();
            return;
        }
        stats.connectsSucceeded.increment();
        Channel connected = future.channel();
        if (closed) {
            connected.close();
            return;
        }
        SslHandler ssl = tls == null ? null : connected.pipeline().get(SslHandler.class);
        if (ssl == null) {
            established(connected);
            return;
        }
        // Nothing is written until the peer proved it is the node dialled: messages wait in pending.
        connecting = true;
        ssl.handshakeFuture().addListener(handshake -> {
            connecting = false;
            if (!handshake.isSuccess()) {
                backOff(); // logged and counted by HandshakeAnswer.exceptionCaught
                dropPending();
                connected.close();
                return;
            }
            String mismatch = tls.peerMismatch(connected, address.toString());
            if (mismatch != null) {
                stats.certificateMismatches.increment();
                backoffMillis = backoffMaxMillis;
                nextAttemptNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMillis);
                log.warn("cannot talk to {}: certificate mismatch: the node answering there is not it: {}; "
                        + "next attempt in {} ms", address, mismatch, backoffMillis);
                dropPending();
                connected.close();
                return;
            }
            established(connected);
        });
    }

    /** The connection is open (and, with TLS, the peer proved its id): the HELLO, then every message waiting. */
    private void established(Channel connected) {
        if (userTimeoutMillis == 0) {
            backoffMillis = 0; // else once the connection carried a message: one that stalls at once keeps backing off
        }
        channel = connected;
        if (closed) {
            channel.close();
            return;
        }
        channel.closeFuture().addListener(closeFuture -> loop.execute(this::onDisconnected));
        channel.writeAndFlush(Unpooled.wrappedBuffer(hello), channel.voidPromise());
        if (userTimeoutMillis > 0) {
            long intervalMillis = Math.max(10, userTimeoutMillis / 4);
            progressCheck = loop.scheduleAtFixedRate(this::checkProgress, intervalMillis, intervalMillis,
                    TimeUnit.MILLISECONDS);
        }
        while (!pending.isEmpty()) {
            write(pending.pollFirst());
        }
        pendingBytes = 0;
    }

    private void onDisconnected() {
        if (progressCheck != null) {
            progressCheck.cancel(false);
            progressCheck = null;
        }
        if (failedWrites > 0 && !takenAsDead && !closed) {
            stats.deadPeerConnections.increment();
            backOff();
            log.warn("connection to {} broke with {} messages unwritten ({}); reconnecting with backoff", address,
                    failedWrites, String.valueOf(lostCause));
        }
        failedWrites = 0;
        lostCause = null;
        takenAsDead = false;
        channel = null;
        log.debug("connection to {} closed", address);
    }

    private void dropPending() {
        stats.droppedUnreachable.add(pending.size());
        pending.clear();
        pendingBytes = 0;
    }

    /** Reads the peer's answer to the HELLO; a refusal (or an answer that does not match) closes the connection. */
    private final class HandshakeAnswer extends SimpleChannelInboundHandler<ByteBuf> {
        private boolean answered;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            if (answered) {
                return; // nothing else is expected from the accepting side
            }
            answered = true;
            ByteBuffer bytes = ByteBuffer.allocate(frame.readableBytes());
            frame.readBytes(bytes);
            bytes.flip();
            String reason;
            try {
                InternodeHandshake.Frame answer = InternodeHandshake.decode(bytes);
                if (answer instanceof InternodeHandshake.Accept accept) {
                    reason = InternodeHandshake.mismatch(accept.identity(), self);
                    if (reason == null && accept.version() != InternodeHandshake.VERSION_MIN) {
                        reason = "the peer chose protocol version " + accept.version() + ", this node speaks "
                                + InternodeHandshake.VERSION_MIN + ".." + InternodeHandshake.VERSION_MAX;
                    }
                    if (reason == null) {
                        return;
                    }
                } else if (answer instanceof InternodeHandshake.Refuse refuse) {
                    reason = "it refused the connection: " + refuse.reason();
                } else {
                    reason = "it answered the handshake with a HELLO";
                }
            } catch (IllegalArgumentException e) {
                reason = "bad handshake answer: " + e.getMessage();
            }
            refused(ctx, reason);
        }

        private void refused(ChannelHandlerContext ctx, String reason) {
            stats.handshakesRefusedByPeer.increment();
            backoffMillis = backoffMaxMillis;
            nextAttemptNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMillis);
            log.warn("cannot talk to {}: {}; next attempt in {} ms", address, reason, backoffMillis);
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause.getCause() instanceof javax.net.ssl.SSLException tlsFailure) {
                stats.tlsHandshakesFailed.increment();
                log.warn("cannot talk to {}: TLS failed: {}", address, tlsFailure.getMessage());
            } else {
                log.debug("internode connection to {} failed: {}", address, cause.toString());
            }
            ctx.close();
        }
    }
}
