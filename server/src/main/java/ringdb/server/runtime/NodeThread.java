package ringdb.server.runtime;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ringdb.core.Timers;
import ringdb.server.transport.SocketTransport;

/**
 * The one thread a node's logic runs on. Network messages, client requests, timers and storage
 * completions all become tasks here, so the node never sees two events at once. Implements
 * {@link Timers} for the node. A task that throws an exception is logged and does not stop the
 * thread; one that throws an {@link Error} (out of memory, a broken invariant) ends the process
 * through the fatal handler: a node whose state may be half-updated must not keep serving.
 *
 * <p>The thread is a Netty event loop, and the node's HTTP and internode sockets are served by it
 * too ({@link #eventLoopGroup}): a request is decoded, handled by the node and answered on one
 * thread, with no handoff between an I/O thread and the node's. On a small machine the handoffs
 * (two context switches per request) cost more than the request itself. Storage fsyncs, flushes
 * and compactions stay on their own threads; their completions come back here as tasks.
 *
 * <p>Inbound internode messages are counted: past {@link #INBOUND_BACKLOG_MAX} waiting messages,
 * new ones are refused (the network may drop; the senders' timeouts handle it) so that a flood
 * cannot exhaust memory.
 */
public final class NodeThread implements Timers, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeThread.class);
    public static final int INBOUND_BACKLOG_MAX = 200_000;
    /** The exit status of a process ended by a fatal error on the node thread. */
    public static final int FATAL_EXIT_STATUS = 70;

    private final EventLoopGroup group;
    private final EventLoop executor;
    private final AtomicInteger inboundBacklog = new AtomicInteger();
    private final Consumer<Throwable> onFatal;

    /** A node thread whose fatal errors halt the JVM with {@link #FATAL_EXIT_STATUS}. */
    public NodeThread(String name) {
        this(name, error -> Runtime.getRuntime().halt(FATAL_EXIT_STATUS));
    }

    /** A node thread that hands an {@link Error} thrown by a task to {@code onFatal}, after logging it. */
    public NodeThread(String name, Consumer<Throwable> onFatal) {
        this.onFatal = Objects.requireNonNull(onFatal, "onFatal");
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name, false),
                SocketTransport.ioHandlerFactory());
        executor = group.next();
    }

    /** The one-thread event loop group to serve the node's sockets on. Closing this NodeThread stops it. */
    public EventLoopGroup eventLoopGroup() {
        return group;
    }

    /** Runs {@code task} on the node thread as soon as possible. */
    public void execute(Runnable task) {
        executor.execute(() -> runSafely(task));
    }

    /** Runs an inbound message's delivery, unless the backlog is full; returns false when refused. */
    public boolean offerInbound(Runnable task) {
        if (inboundBacklog.incrementAndGet() > INBOUND_BACKLOG_MAX) {
            inboundBacklog.decrementAndGet();
            return false;
        }
        executor.execute(() -> {
            inboundBacklog.decrementAndGet();
            runSafely(task);
        });
        return true;
    }

    /** Computes a value on the node thread (status snapshots for HTTP and metrics). */
    public <T> CompletableFuture<T> call(Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                result.complete(task.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            } catch (Error e) {
                result.completeExceptionally(e);
                fatal(e);
            }
        });
        return result;
    }

    @Override
    public Cancellable schedule(long delayMicros, Runnable task) {
        var future = executor.schedule(() -> runSafely(task), Math.max(0, delayMicros), TimeUnit.MICROSECONDS);
        return () -> future.cancel(false);
    }

    public boolean isNodeThread() {
        return executor.inEventLoop();
    }

    public int inboundBacklog() {
        return inboundBacklog.get();
    }

    private void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("node task failed", e);
        } catch (Error e) {
            fatal(e);
        }
    }

    private void fatal(Error error) {
        try {
            log.error("fatal error on the node thread; the process ends", error);
            System.err.println("ringdb: fatal error on the node thread, exiting: " + error);
        } finally {
            onFatal.accept(error);
        }
    }

    /**
     * Stops taking tasks and waits up to {@code waitMillis} for queued ones to finish (scheduled
     * timers that are not yet due are dropped). Close the sockets served on this thread first.
     */
    public void shutdown(long waitMillis) {
        if (!group.shutdownGracefully(0, waitMillis, TimeUnit.MILLISECONDS).awaitUninterruptibly(waitMillis + 1_000)) {
            log.warn("the node thread did not stop within {} ms", waitMillis);
        }
    }

    @Override
    public void close() {
        shutdown(5_000);
    }
}
