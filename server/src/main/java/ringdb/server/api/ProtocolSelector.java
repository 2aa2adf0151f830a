package ringdb.server.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import ringdb.core.protocol.NativeProtocol;
import ringdb.server.net.ReadDeadline;
import ringdb.server.net.StagedClose;

/**
 * The first handler of a client connection: looks at its first bytes and installs either the
 * native protocol (the connection opens with {@link NativeProtocol#PREAMBLE}) or HTTP (anything
 * else), then steps aside, passing on whatever it has read. A native connection of another
 * version is answered with an error on stream 0 and closed.
 */
public final class ProtocolSelector extends ByteToMessageDecoder {
    private final ChannelHandler[] http;
    private final NativeApiHandlerFactory nativeHandlers;
    private boolean refused;

    /** Makes the native protocol's handlers for one connection: its frame decoder, then its request handler. */
    public interface NativeApiHandlerFactory {
        ChannelHandler decoder();

        ChannelHandler handler();

        /** A native connection with no traffic either way this long is closed; 0: never. */
        default long idleTimeoutMillis() {
            return 0;
        }
    }

    public ProtocolSelector(NativeApiHandlerFactory nativeHandlers, ChannelHandler... http) {
        this.nativeHandlers = nativeHandlers;
        this.http = http;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (refused) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int seen = Math.min(in.readableBytes(), NativeProtocol.PREAMBLE.length);
        for (int i = 0; i < Math.min(seen, NativeProtocol.MAGIC.length); i++) {
            if (in.getByte(in.readerIndex() + i) != NativeProtocol.MAGIC[i]) {
                install(ctx, http);
                return;
            }
        }
        if (seen < NativeProtocol.PREAMBLE.length) {
            return; // a prefix of the magic so far
        }
        byte version = in.getByte(in.readerIndex() + NativeProtocol.MAGIC.length);
        in.skipBytes(NativeProtocol.PREAMBLE.length);
        if (version != NativeProtocol.VERSION) {
            refuseVersion(ctx, version);
            return;
        }
        ChannelPipeline pipeline = ctx.pipeline();
        if (pipeline.get(ReadTimeoutHandler.class) != null) {
            pipeline.remove(ReadTimeoutHandler.class); // native connections are kept while they are used
        }
        long idleMillis = nativeHandlers.idleTimeoutMillis();
        if (idleMillis > 0) {
            pipeline.addBefore(ctx.name(), null, new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
            pipeline.addBefore(ctx.name(), null, new IdleCloser());
        }
        // A client may close its side after its last request and still read the answers.
        ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        ReadDeadline deadline = pipeline.get(ReadDeadline.class);
        // Frames already decoded wait in the FlowControlHandler while the handler has stopped reading (backpressure).
        if (deadline == null) {
            install(ctx, nativeHandlers.decoder(), new FlowControlHandler(), nativeHandlers.handler());
        } else {
            install(ctx, nativeHandlers.decoder(), deadline.completion(), new FlowControlHandler(),
                    nativeHandlers.handler());
        }
    }

    /**
     * The preamble itself did not arrive within the read deadline: there is no protocol to answer in
     * yet, so the connection is just closed.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof ReadDeadline.Expired) {
            refused = true;
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    /** Closes a native connection that was idle past its timeout. */
    private static final class IdleCloser extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof IdleStateEvent) {
                ctx.close();
                return;
            }
            ctx.fireUserEventTriggered(event);
        }
    }

    private void install(ChannelHandlerContext ctx, ChannelHandler... handlers) {
        for (int i = handlers.length - 1; i >= 0; i--) {
            ctx.pipeline().addAfter(ctx.name(), null, handlers[i]); // each right after this one: last first
        }
        ctx.pipeline().remove(this); // the bytes read so far go on to the handlers just installed
    }

    private void refuseVersion(ChannelHandlerContext ctx, byte version) {
        byte[] json = JsonResponses.errorBody("unsupported_version", "native protocol version " + version
                + " is not supported; this node speaks version " + NativeProtocol.VERSION).toString()
                .getBytes(StandardCharsets.UTF_8);
        ByteBuf frame = Unpooled.buffer(NativeProtocol.LENGTH_BYTES + NativeProtocol.HEADER_BYTES + 2 + json.length);
        frame.writeInt(NativeProtocol.HEADER_BYTES + 2 + json.length).writeInt(NativeProtocol.CONNECTION_STREAM)
                .writeByte(NativeProtocol.ERROR).writeShort(400).writeBytes(json);
        refused = true;
        StagedClose.after(ctx.writeAndFlush(frame), ctx.channel());
    }
}
