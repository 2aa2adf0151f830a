package ringdb.server.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection the node gives up on (bad input, an oversized body) without losing what it
 * wrote last: once {@code written} is on the wire, the node's side is shut down (the peer reads the
 * answer, then end of stream), everything the peer still sends is read and dropped, and the channel
 * is closed when the peer closes or after {@link #LINGER_MILLIS}. Closing at once while the peer's
 * bytes sit unread makes the kernel reset the connection, and the peer may then lose the answer.
 *
 * <p>Threading: call on the channel's event loop.
 */
public final class StagedClose {
    /** Longest wait for the peer to close after the node's side was shut down. */
    public static final long LINGER_MILLIS = 2_000;

    private StagedClose() {
    }

    /** Starts a staged close once {@code written} completes (at once if it is null). */
    public static void after(ChannelFuture written, Channel channel) {
        if (written == null) {
            start(channel);
        } else {
            written.addListener(done -> start(channel));
        }
    }

    private static void start(Channel channel) {
        if (!(channel instanceof DuplexChannel duplex) || !channel.isActive()) {
            channel.close();
            return;
        }
        if (channel.pipeline().get(Discard.class) == null) {
            channel.pipeline().addFirst(new Discard());
        }
        duplex.shutdownOutput().addListener(done -> {
            if (!done.isSuccess()) {
                channel.close();
            }
        });
        Runnable close = channel::close;
        channel.eventLoop().schedule(close, LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Drops everything read after the node gave up on the connection. */
    private static final class Discard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
