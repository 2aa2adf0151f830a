package ringdb.server.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import ringdb.core.protocol.NativeProtocol;
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
            pipeline.remove(ReadTimeoutHandler.class); // native connections are kept for the client's lifetime
        }
        // A client may close its side after its last request and still read the answers.
        ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        // Frames already decoded wait here while the handler has stopped reading (backpressure).
        install(ctx, nativeHandlers.decoder(), new FlowControlHandler(), nativeHandlers.handler());
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
