package ringdb.server.transport;

import io.netty.channel.Channel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bound, in bytes, on internode messages received and not yet handled by the node. Past
 * {@code bytesMax} the connection a message arrived on stops reading (TCP then pushes back on that
 * peer); once the node has worked the queue down to half, every paused connection reads again. A
 * message that arrives while more than twice the bound waits (frames already buffered when reading
 * stopped) is dropped and counted: the network may drop, the senders' timeouts handle it.
 *
 * <p>Threading: any thread ({@link #admit} on the connections' event loops, {@link #processed} where
 * the node handles messages).
 */
final class InboundBacklog {
    private final long bytesMax;
    private final TransportStats stats;
    private final Set<Channel> paused = ConcurrentHashMap.newKeySet();

    InboundBacklog(long bytesMax, TransportStats stats) {
        if (bytesMax < 1) {
            throw new IllegalArgumentException("the inbound backlog bound must be positive, got " + bytesMax);
        }
        this.bytesMax = bytesMax;
        this.stats = stats;
    }

    /** Counts a message of {@code bytes} read from {@code channel}; false when it must be dropped instead. */
    boolean admit(Channel channel, long bytes) {
        long queued = stats.inboundQueuedBytes.addAndGet(bytes);
        if (queued > 2 * bytesMax && queued > bytes) {
            stats.inboundQueuedBytes.addAndGet(-bytes);
            stats.droppedInboundBacklog.increment();
            return false;
        }
        if (queued > bytesMax && channel.config().isAutoRead()) {
            channel.config().setAutoRead(false);
            paused.add(channel);
            stats.inboundPauses.increment();
            if (stats.inboundQueuedBytes.get() <= bytesMax / 2) {
                resumeAll(); // the node caught up between the count and the pause
            }
        }
        return true;
    }

    /** The node handled (or refused) a message admitted with {@code bytes}. */
    void processed(long bytes) {
        long queued = stats.inboundQueuedBytes.addAndGet(-bytes);
        if (queued <= bytesMax / 2 && !paused.isEmpty()) {
            resumeAll();
        }
    }

    /** Connections whose reading is paused now. */
    int pausedCount() {
        return paused.size();
    }

    private void resumeAll() {
        for (Channel channel : paused) {
            if (paused.remove(channel)) {
                channel.config().setAutoRead(true);
            }
        }
    }
}
