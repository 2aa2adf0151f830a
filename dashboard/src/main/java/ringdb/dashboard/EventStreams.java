package ringdb.dashboard;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import ringdb.dashboard.model.DashboardState;

/**
 * The server-sent-events streams of every open page. Each stream sends the current snapshot when it
 * opens, then a {@code state} event on each tick when the snapshot changed, and a comment every few
 * seconds otherwise so proxies keep the connection. A viewer that cannot keep up (its channel is not
 * writable) skips ticks rather than queueing them: it always gets the newest state, never a backlog.
 *
 * <p>Threading: each stream's tick runs on its channel's event loop.
 */
final class EventStreams {
    private static final int IDLE_TICKS_BEFORE_COMMENT = 40;

    private final DashboardSource source;
    private final StateEncoder encoder;
    private final long intervalMillis;
    private final ChannelGroup open = new DefaultChannelGroup("dashboard-streams", GlobalEventExecutor.INSTANCE);

    EventStreams(DashboardSource source, StateEncoder encoder, long intervalMillis) {
        this.source = source;
        this.encoder = encoder;
        this.intervalMillis = intervalMillis;
    }

    void open(ChannelHandlerContext ctx) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        HttpUtil.setTransferEncodingChunked(response, true);
        ctx.writeAndFlush(response);
        Channel channel = ctx.channel();
        // A stream is long-lived and its client sends nothing: a read timeout would cut it every few seconds.
        ReadTimeoutHandler readTimeout = ctx.pipeline().get(ReadTimeoutHandler.class);
        if (readTimeout != null) {
            ctx.pipeline().remove(readTimeout);
        }
        open.add(channel);
        Stream stream = new Stream(channel);
        ScheduledFuture<?> ticks = channel.eventLoop().scheduleAtFixedRate(
                stream::tick, 0, intervalMillis, TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(closed -> ticks.cancel(false));
    }

    void close() {
        open.close();
    }

    private final class Stream {
        private final Channel channel;
        private long versionSent = Long.MIN_VALUE;
        private int idleTicks;

        Stream(Channel channel) {
            this.channel = channel;
        }

        void tick() {
            if (!channel.isActive() || !channel.isWritable()) {
                return;
            }
            DashboardState state = source.snapshot();
            if (state.version() != versionSent) {
                versionSent = state.version();
                idleTicks = 0;
                write(eventBytes(encoder.encode(state)));
            } else if (++idleTicks >= IDLE_TICKS_BEFORE_COMMENT) {
                idleTicks = 0;
                write(Unpooled.copiedBuffer(": idle\n\n", StandardCharsets.UTF_8));
            }
        }

        private ByteBuf eventBytes(byte[] json) {
            byte[] head = "event: state\ndata: ".getBytes(StandardCharsets.UTF_8);
            byte[] tail = "\n\n".getBytes(StandardCharsets.UTF_8);
            return Unpooled.wrappedBuffer(head, json, tail);
        }

        private void write(ByteBuf bytes) {
            channel.writeAndFlush(new DefaultHttpContent(bytes));
        }
    }
}
