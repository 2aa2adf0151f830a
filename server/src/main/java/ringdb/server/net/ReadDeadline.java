package ringdb.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The slowloris defence of a client connection: a request must arrive complete within
 * {@code deadlineMillis} of its first bytes. Put this handler first in the pipeline (it sees the raw
 * bytes) and its {@link #completion()} handler right after the decoder that emits whole requests.
 * The deadline starts when bytes arrive while no request is being read and ends when the decoder
 * emits a request. When it passes, the handler fires {@link Expired} down the pipeline, once; the
 * protocol's handler answers it (HTTP 408, a native error on the connection stream) and closes the
 * connection. A connection whose reading was turned off by backpressure is not the client's fault:
 * its deadline starts again when checked while reading is off.
 *
 * <p>Threading: the channel's event loop. {@code expiredCount} is shared by the listener's connections.
 */
public final class ReadDeadline extends ChannelInboundHandlerAdapter {
    /** The user event fired when a request did not arrive in time. */
    public record Expired(long deadlineMillis) {
    }

    private final long deadlineMillis;
    private final AtomicLong expiredCount;
    private ChannelHandlerContext context;
    private ScheduledFuture<?> timer;
    private long startedNanos;
    private boolean reading;
    private boolean expired;

    /** {@code deadlineMillis} must be positive; {@code expiredCount} counts connections cut. */
    public ReadDeadline(long deadlineMillis, AtomicLong expiredCount) {
        if (deadlineMillis <= 0) {
            throw new IllegalArgumentException("deadlineMillis must be positive, got " + deadlineMillis);
        }
        this.deadlineMillis = deadlineMillis;
        this.expiredCount = expiredCount;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!reading && !expired && message instanceof ByteBuf bytes && bytes.isReadable()) {
            reading = true;
            startedNanos = System.nanoTime();
            if (timer == null) { // a timer still pending from an earlier request re-checks at its time
                schedule(TimeUnit.MILLISECONDS.toNanos(deadlineMillis));
            }
        }
        ctx.fireChannelRead(message);
    }

    /** A handler that ends the request being read each time a decoded request passes it. */
    public ChannelHandler completion() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object message) {
                completed();
                ctx.fireChannelRead(message);
            }
        };
    }

    private void completed() {
        reading = false; // the timer, if any, is left to find nothing to do (cheaper than a cancel per request)
    }

    private void schedule(long delayNanos) {
        timer = context.executor().schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void check() {
        timer = null;
        if (!reading || expired || !context.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (!context.channel().config().isAutoRead()) {
            startedNanos = now; // the node stopped reading (backpressure): the rest of the request waits on us
        }
        long remainingNanos = TimeUnit.MILLISECONDS.toNanos(deadlineMillis) - (now - startedNanos);
        if (remainingNanos > 0) {
            schedule(remainingNanos);
            return;
        }
        expired = true;
        expiredCount.incrementAndGet();
        context.fireUserEventTriggered(new Expired(deadlineMillis));
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }
}
