package ringdb.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.NotSslRecordException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ringdb.core.NodeId;
import ringdb.core.message.CodecException;
import ringdb.core.message.Envelope;
import ringdb.core.message.MessageCodec;
import ringdb.core.ring.Partitioner;
import ringdb.server.net.StagedClose;

/**
 * Decodes each inbound frame with {@link MessageCodec} and hands the envelope to the node. A frame
 * that cannot be decoded (bad version, unknown type, checksum mismatch, truncated payload, a
 * length over the limit) is logged with the reason and the remote address, and the connection is
 * closed: after a bad frame the stream position cannot be trusted. The node keeps serving. Each
 * message counts against the {@link InboundBacklog} until the node has handled it.
 *
 * <p>The first frame must be an {@link InternodeHandshake} HELLO from a node of this cluster: a
 * mismatch (another cluster, partitioner or protocol version, not a handshake at all) is answered
 * with a REFUSE frame saying why, logged, counted, and the connection closed; nothing of it
 * reaches the node. After the handshake, a frame whose sender is not the node that shook hands is
 * dropped and counted: a connection speaks for one node only. With TLS, the HELLO's node must be one
 * the peer's certificate names ({@link InternodeTls#peerMismatch}), else it is refused the same way.
 */
public final class InboundMessageHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger log = LoggerFactory.getLogger(InboundMessageHandler.class);
    private static final RefusalLog refusals = new RefusalLog(log, System::nanoTime);

    /** Receives decoded envelopes on a Netty I/O thread; must not block. */
    public interface Sink {
        /**
         * Hands {@code envelope} to the node. {@code processed} must run once, when the node has
         * handled the message or refused it: until then its bytes count against the inbound bound.
         */
        void deliver(Envelope envelope, Runnable processed);
    }

    private final Sink sink;
    private final TransportStats stats;
    private final InboundBacklog backlog;
    private final InternodeHandshake.Identity self;
    private final Partitioner partitioner;
    private final java.util.function.Consumer<NodeId> accepted;
    private final InternodeTls tls;
    private NodeId peer;
    private long forged;
    private boolean rejected;

    InboundMessageHandler(InternodeHandshake.Identity self, Sink sink, TransportStats stats, InboundBacklog backlog,
                          java.util.function.Consumer<NodeId> accepted, InternodeTls tls) {
        this.tls = tls;
        this.accepted = accepted;
        this.self = self;
        this.partitioner = Partitioner.ofClassName(self.partitioner());
        this.sink = sink;
        this.stats = stats;
        this.backlog = backlog;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        if (rejected) {
            return;
        }
        int length = frame.readableBytes();
        ByteBuffer bytes = ByteBuffer.allocate(length);
        frame.readBytes(bytes);
        bytes.flip();
        if (peer == null) {
            shakeHands(ctx, bytes);
            return;
        }
        Envelope envelope;
        try {
            envelope = MessageCodec.decodeFrame(bytes, partitioner);
        } catch (CodecException e) {
            rejectConnection(ctx, e.getMessage());
            return;
        }
        stats.framesReceived.increment();
        stats.bytesReceived.add(length + MessageCodec.LENGTH_FIELD_BYTES);
        if (!envelope.from().equals(peer)) {
            stats.forgedSenders.increment();
            if (forged++ == 0) { // once per connection: a flood of forged frames must not flood the log
                log.warn("dropping frames from {} that claim sender {}: the connection shook hands as {}",
                        ctx.channel().remoteAddress(), envelope.from(), peer);
            }
            return;
        }
        if (backlog.admit(ctx.channel(), length)) {
            sink.deliver(envelope, () -> backlog.processed(length));
        }
    }

    private void shakeHands(ChannelHandlerContext ctx, ByteBuffer bytes) {
        String reason;
        InternodeHandshake.Hello hello = null;
        try {
            InternodeHandshake.Frame frame = InternodeHandshake.decode(bytes);
            if (frame instanceof InternodeHandshake.Hello received) {
                hello = received;
                reason = InternodeHandshake.refusal(received, self);
            } else {
                reason = "expected a HELLO as the first frame, got " + frame.getClass().getSimpleName().toUpperCase();
            }
        } catch (IllegalArgumentException e) {
            reason = e.getMessage();
        }
        if (reason == null && tls != null) {
            String mismatch = tls.peerMismatch(ctx.channel(), hello.identity().node().id());
            if (mismatch != null) {
                stats.certificateMismatches.increment();
                reason = "certificate mismatch: the peer claims to be " + hello.identity().node() + " but " + mismatch;
            }
        }
        if (reason == null) {
            peer = hello.identity().node();
            stats.handshakesAccepted.increment();
            accepted.accept(peer);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(
                    InternodeHandshake.accept(InternodeHandshake.version(hello), self)), ctx.voidPromise());
            log.debug("internode connection from {} is node {}", ctx.channel().remoteAddress(), peer);
            return;
        }
        rejected = true;
        stats.handshakesRefused.increment();
        refusals.warn("refusing internode connection from {}: {}", ctx.channel().remoteAddress(), reason);
        ChannelFuture written = ctx.writeAndFlush(Unpooled.wrappedBuffer(InternodeHandshake.refuse(reason)));
        StagedClose.after(written, ctx.channel());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException && (cause.getCause() instanceof SSLException
                || cause instanceof NotSslRecordException)) {
            stats.tlsHandshakesFailed.increment();
            refusals.warn("refusing internode connection from {}: TLS failed: {}", ctx.channel().remoteAddress(),
                    cause.getCause() == null ? cause.getMessage() : cause.getCause().getMessage());
            ctx.close();
        } else if (cause instanceof TooLongFrameException) {
            rejectConnection(ctx, "frame length over the limit of " + MessageCodec.FRAME_SIZE_BYTES_MAX + " bytes ("
                    + cause.getMessage() + ")");
        } else if (cause instanceof DecoderException) {
            rejectConnection(ctx, cause.getMessage());
        } else {
            log.debug("internode connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    private void rejectConnection(ChannelHandlerContext ctx, String reason) {
        if (rejected) {
            return;
        }
        rejected = true;
        stats.badFrames.increment();
        refusals.warn("closing internode connection from {}: bad frame: {}", ctx.channel().remoteAddress(), reason);
        StagedClose.after(null, ctx.channel());
    }
}
