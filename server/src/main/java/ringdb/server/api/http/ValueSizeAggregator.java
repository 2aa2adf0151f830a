package ringdb.server.api.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import ringdb.server.api.JsonResponses;
import ringdb.server.net.StagedClose;

/**
 * Aggregates a request body up to the value size limit; a larger body gets a JSON 413 that says
 * the limit, and the connection is closed once the answer is out (the rest of the body is read and
 * dropped meanwhile; see {@link StagedClose}).
 */
public final class ValueSizeAggregator extends HttpObjectAggregator {
    private final int valueSizeBytesMax;

    public ValueSizeAggregator(int valueSizeBytesMax) {
        super(valueSizeBytesMax);
        this.valueSizeBytesMax = valueSizeBytesMax;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        FullHttpResponse response = JsonResponses.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too_large",
                "request body is larger than the value limit of " + valueSizeBytesMax
                        + " bytes (max_value_size_bytes)");
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        StagedClose.after(ctx.writeAndFlush(response), ctx.channel());
    }
}
