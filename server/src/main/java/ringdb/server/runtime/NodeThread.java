package ringdb.server.runtime;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ringdb.core.Timers;

/**
 * The one thread a node's logic runs on. Network messages, client requests, timers and storage
 * completions all become tasks here, so the node never sees two events at once. Implements
 * {@link Timers} for the node. A task that throws is logged and does not stop the thread.
 *
 * <p>Inbound internode messages are counted: past {@link #INBOUND_BACKLOG_MAX} waiting messages,
 * new ones are refused (the network may drop; the senders' timeouts handle it) so that a flood
 * cannot exhaust memory.
 */
public final class NodeThread implements Timers, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeThread.class);
    public static final int INBOUND_BACKLOG_MAX = 200_000;

    private final ScheduledThreadPoolExecutor executor;
    private final AtomicInteger inboundBacklog = new AtomicInteger();
    private volatile Thread thread;

    public NodeThread(String name) {
        executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread t = new Thread(runnable, name);
            t.setDaemon(false);
            thread = t;
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
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
            } catch (Exception | Error e) {
                result.completeExceptionally(e);
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
        return Thread.currentThread() == thread;
    }

    public int inboundBacklog() {
        return inboundBacklog.get();
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            log.error("node task failed", e);
        }
    }

    /** Stops taking tasks and waits up to {@code waitMillis} for queued ones to finish. */
    public void shutdown(long waitMillis) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(waitMillis, TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }

    @Override
    public void close() {
        shutdown(5_000);
    }
}
