package ringdb.server.transport;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import ringdb.core.NodeId;
import ringdb.core.message.MessageCodec;

/**
 * The internode wire framing (see docs/formats/messages.md): a u32 length of the bytes that follow,
 * then version, type, payload and a CRC32C, all produced and checked by {@link MessageCodec}.
 * Netty splits the stream at the length field and refuses a frame that claims more than
 * {@link MessageCodec#FRAME_SIZE_BYTES_MAX} before buffering it. The first frame each way is an
 * {@link InternodeHandshake} frame, with the same length prefix.
 */
public final class InternodeFraming {
    public static final String FRAME_DECODER = "frame-decoder";

    private InternodeFraming() {
    }

    /** A decoder emitting each frame without its length field, as {@link MessageCodec#decodeFrame} expects. */
    public static LengthFieldBasedFrameDecoder newFrameDecoder() {
        return new LengthFieldBasedFrameDecoder(
                MessageCodec.LENGTH_FIELD_BYTES + MessageCodec.FRAME_SIZE_BYTES_MAX,
                0, MessageCodec.LENGTH_FIELD_BYTES, 0, MessageCodec.LENGTH_FIELD_BYTES, true);
    }

    static void addInbound(ChannelPipeline pipeline, InternodeHandshake.Identity self, InboundMessageHandler.Sink sink,
                           TransportStats stats, InboundBacklog backlog) {
        addInbound(pipeline, self, sink, stats, backlog, peer -> { }, null);
    }

    static void addInbound(ChannelPipeline pipeline, InternodeHandshake.Identity self, InboundMessageHandler.Sink sink,
                           TransportStats stats, InboundBacklog backlog, java.util.function.Consumer<NodeId> accepted,
                           InternodeTls tls) {
        pipeline.addLast(FRAME_DECODER, newFrameDecoder());
        pipeline.addLast("message-handler", new InboundMessageHandler(self, sink, stats, backlog, accepted, tls));
    }
}
