package ringdb.server.cql;

import com.datastax.oss.protocol.internal.Compressor;
import com.datastax.oss.protocol.internal.Frame;
import com.datastax.oss.protocol.internal.FrameCodec;
import com.datastax.oss.protocol.internal.ProtocolV3ServerCodecs;
import com.datastax.oss.protocol.internal.ProtocolV4ServerCodecs;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.concurrent.TimeUnit;
import ringdb.server.api.OverloadRefusal;
import ringdb.server.net.StagedClose;

/**
 * The handler of a CQL connection past the client port's connection limits: its first frame is
 * answered Overloaded (0x1001) on its stream, saying which limit, and the connection is closed; a
 * client that sends nothing is closed after {@link OverloadRefusal#SILENT_CLOSE_MILLIS}.
 */
final class CqlRefusal extends ChannelInboundHandlerAdapter {
    private final String message;
    private boolean answered;

    CqlRefusal(String message) {
        this.message = message;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Runnable close = ctx::close;
        ctx.executor().schedule(close, OverloadRefusal.SILENT_CLOSE_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (answered) {
                return;
            }
            int version;
            int stream;
            if (msg instanceof CqlFrameDecoder.Whole whole) {
                version = whole.version();
                stream = whole.stream();
            } else if (msg instanceof CqlFrameDecoder.Refused refused) {
                version = refused.version();
                stream = refused.stream();
            } else {
                return;
            }
            answered = true;
            FrameCodec<ByteBuf> codec = new FrameCodec<>(new ByteBufPrimitives(ctx.alloc()), Compressor.none(),
                    new ProtocolV3ServerCodecs(), new ProtocolV4ServerCodecs());
            ByteBuf out = codec.encode(Frame.forResponse(version, stream, null, Frame.NO_PAYLOAD, List.of(),
                    ProtocolMessages.error(CqlException.overloaded(message))));
            ChannelFuture written = ctx.writeAndFlush(out);
            StagedClose.after(written, ctx.channel());
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }
}
