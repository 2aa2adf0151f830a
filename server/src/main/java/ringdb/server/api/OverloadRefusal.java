package ringdb.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import ringdb.core.protocol.NativeProtocol;
import ringdb.server.net.StagedClose;

/**
 * The whole pipeline of a client connection the node refuses because it is overloaded: once the
 * client's first byte shows its protocol, it is answered (HTTP: a 503 with a JSON body saying why and
 * the limit; native: an ERROR frame on stream 0 with status 503 and the same body) and closed with a
 * staged close. A client that sends nothing is closed after {@link #SILENT_CLOSE_MILLIS}.
 */
public final class OverloadRefusal extends ByteToMessageDecoder {
    /** How long a refused client that sends nothing keeps its connection. */
    public static final long SILENT_CLOSE_MILLIS = 5_000;

    private final String error;
    private final long limit;
    private final String message;
    private boolean answered;

    public OverloadRefusal(String error, long limit, String message) {
        this.error = error;
        this.limit = limit;
        this.message = message;
    }

    public String message() {
        return message;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Runnable close = ctx::close;
        ctx.executor().schedule(close, SILENT_CLOSE_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (answered || !in.isReadable()) {
            in.skipBytes(in.readableBytes());
            return;
        }
        answered = true;
        boolean nativeProtocol = in.getByte(in.readerIndex()) == NativeProtocol.MAGIC[0];
        in.skipBytes(in.readableBytes());
        ObjectNode body = JsonResponses.errorBody("overloaded", message).put("reason", error).put("limit", limit);
        ChannelFuture written;
        if (nativeProtocol) {
            byte[] json = body.toString().getBytes(StandardCharsets.UTF_8);
            int length = NativeProtocol.HEADER_BYTES + 2 + json.length;
            ByteBuf frame = ctx.alloc().buffer(NativeProtocol.LENGTH_BYTES + length);
            frame.writeInt(length).writeInt(NativeProtocol.CONNECTION_STREAM)
                    .writeByte(NativeProtocol.ERROR).writeShort(HttpResponseStatus.SERVICE_UNAVAILABLE.code())
                    .writeBytes(json);
            written = ctx.writeAndFlush(frame);
        } else {
            ctx.pipeline().addBefore(ctx.name(), null, new HttpResponseEncoder());
            FullHttpResponse response = JsonResponses.json(HttpResponseStatus.SERVICE_UNAVAILABLE, body);
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            written = ctx.writeAndFlush(response);
        }
        StagedClose.after(written, ctx.channel());
    }
}
