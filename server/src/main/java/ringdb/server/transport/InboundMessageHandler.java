package ringdb.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ringdb.core.message.CodecException;
import ringdb.core.message.Envelope;
import ringdb.core.message.MessageCodec;
import ringdb.server.net.StagedClose;

/**
 * Decodes each inbound frame with {@link MessageCodec} and hands the envelope to the node. A frame
 * that cannot be decoded (bad version, unknown type, checksum mismatch, truncated payload, a
 * length over the limit) is logged with the reason and the remote address, and the connection is
 * closed: after a bad frame the stream position cannot be trusted. The node keeps serving.
 */
public final class InboundMessageHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger log = LoggerFactory.getLogger(InboundMessageHandler.class);

    /** Receives decoded envelopes on a Netty I/O thread; must not block. */
    public interface Sink {
        void deliver(Envelope envelope);
    }

    private final Sink sink;
    private final TransportStats stats;
    private boolean rejected;

    InboundMessageHandler(Sink sink, TransportStats stats) {
        this.sink = sink;
        this.stats = stats;
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
        Envelope envelope;
        try {
            envelope = MessageCodec.decodeFrame(bytes);
        } catch (CodecException e) {
            rejectConnection(ctx, e.getMessage());
            return;
        }
        stats.framesReceived.increment();
        stats.bytesReceived.add(length + MessageCodec.LENGTH_FIELD_BYTES);
        sink.deliver(envelope);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
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
        log.warn("closing internode connection from {}: bad frame: {}", ctx.channel().remoteAddress(), reason);
        StagedClose.after(null, ctx.channel());
    }
}
