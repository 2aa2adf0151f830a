package ringdb.storage.disk.file;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync thread of a {@link FileDisk}: collects sync requests, syncs each file once for all the
 * requests that arrived before the sync started, then runs their callbacks on this thread.
 *
 * <p>An interrupt does not stop the thread ({@link #close} does: writers waiting for their fsync must
 * still get it). It ends the wait for a group at once and stays set on the thread, except while a file
 * is written or forced: a {@link java.nio.channels.FileChannel} used by an interrupted thread closes
 * itself, which would fail the commit log for every later write.
 */
final class GroupSyncer {
    private static final Logger log = LoggerFactory.getLogger(GroupSyncer.class);
    /** A wait step that passes without a new request ends the group window early. */
    private static final long QUIET_STEP_NANOS = 20_000;
    /** The exit status of a process ended by a fatal error on the sync thread. */
    static final int FATAL_EXIT_STATUS = 70;

    /**
     * A group this large is synced at once, without waiting out the busy window: it already spreads
     * an fsync over enough writes (the writer's model is 64 in flight).
     */
    static final int BUSY_GROUP_SIZE = 64;

    private final long groupWindowMicros;
    private final long busyWindowNanos;
    private final LongSupplier ticker;
    private final Consumer<Throwable> onFatal;
    private volatile int pendingCount;
    private boolean arrivedDuringSync; // sync thread only
    private int lastGroupSize; // sync thread only
    private boolean interrupted; // sync thread only: an interrupt to restore after the file I/O
    private int groupTarget = BUSY_GROUP_SIZE; // guarded by lock: the group size that ends a busy wait
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition requested = lock.newCondition();
    private List<FileAppendFile> pendingFiles = new ArrayList<>();
    private List<Consumer<Throwable>> pendingCallbacks = new ArrayList<>();
    private Thread thread;
    private boolean closed;
    private final AtomicLong groups = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong syncNanos = new AtomicLong();

    GroupSyncer(long groupWindowMicros, long busyWindowMicros, LongSupplier ticker) {
        this(groupWindowMicros, busyWindowMicros, ticker, error -> Runtime.getRuntime().halt(FATAL_EXIT_STATUS));
    }

    /**
     * {@code onFatal} gets an {@link Error} that ended the sync thread, after it is logged: without
     * the thread no write would be acknowledged again, so by default the process halts.
     */
    GroupSyncer(long groupWindowMicros, long busyWindowMicros, LongSupplier ticker, Consumer<Throwable> onFatal) {
        this.onFatal = onFatal;
        this.groupWindowMicros = groupWindowMicros;
        this.busyWindowNanos = busyWindowMicros * 1000;
        this.ticker = ticker;
    }

    void request(FileAppendFile file, Consumer<Throwable> callback) {
        lock.lock();
        try {
            if (closed) {
                callback.accept(new IOException("disk is closed"));
                return;
            }
            if (thread == null) {
                thread = new Thread(this::run, "ringdb-disk-sync");
                thread.setDaemon(true);
                thread.setUncaughtExceptionHandler((dead, error) -> fatal(error));
                thread.start();
            }
            pendingFiles.add(file);
            pendingCallbacks.add(callback);
            pendingCount = pendingCallbacks.size();
            if (pendingCallbacks.size() == 1 || pendingCallbacks.size() == groupTarget) {
                requested.signal(); // the sync thread waits for a first request, or for a full group
            }
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        List<FileAppendFile> files = new ArrayList<>();
        List<Consumer<Throwable>> callbacks = new ArrayList<>();
        while (true) {
            if (!awaitRequests()) {
                return;
            }
            if (groupWindowMicros > 0 && !arrivedDuringSync) {
                // after an idle spell only: requests that arrive during a sync already form the next group
                awaitQuiet();
            } else if (busyWindowNanos > 0 && arrivedDuringSync) {
                awaitGroup();
            }
            lock.lock();
            try {
                List<FileAppendFile> swapFiles = pendingFiles;
                pendingFiles = files;
                files = swapFiles;
                List<Consumer<Throwable>> swapCallbacks = pendingCallbacks;
                pendingCallbacks = callbacks;
                callbacks = swapCallbacks;
                pendingCount = 0;
            } finally {
                lock.unlock();
            }
            groups.incrementAndGet();
            requests.addAndGet(callbacks.size());
            interrupted |= Thread.interrupted(); // kept off the channel, restored after the group
            syncAndComplete(files, callbacks);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            arrivedDuringSync = pendingCount > 0;
            lastGroupSize = callbacks.size();
            files.clear();
            callbacks.clear();
        }
    }

    /**
     * Lets more writers join the group: waits while requests keep arriving, at most the window,
     * and stops as soon as a quiet step passes without a new request.
     */
    private void awaitQuiet() {
        // Counted in steps, not read from a clock: a park lasts at least its step, so the window is an upper bound.
        long steps = Math.max(1, groupWindowMicros * 1000 / QUIET_STEP_NANOS);
        for (long step = 0; step < steps; step++) {
            int seen = pendingCount;
            LockSupport.parkNanos(QUIET_STEP_NANOS);
            if (pendingCount == seen) {
                return;
            }
        }
    }

    /**
     * Under load (requests arrived during the last sync) lets more writers join before the next
     * sync: waits the busy window, or until the group is as large as the writes in flight were (the
     * group just synced, whose writers may be back, and the requests already waiting), at most
     * {@link #BUSY_GROUP_SIZE}. An fsync and its wake-ups cost about the same for 3 writes as for 30,
     * so fewer, larger groups cost less CPU per write; each write waits at most the window longer,
     * and a few writers that all come back wait no longer than it takes them.
     */
    private void awaitGroup() {
        lock.lock();
        try {
            groupTarget = Math.min(BUSY_GROUP_SIZE, lastGroupSize + pendingCallbacks.size());
            long remaining = busyWindowNanos;
            while (pendingCallbacks.size() < groupTarget && !closed && remaining > 0) {
                try {
                    remaining = requested.awaitNanos(remaining);
                } catch (InterruptedException e) {
                    interrupted = true; // restored once what is pending is synced
                    return;
                }
            }
        } finally {
            groupTarget = BUSY_GROUP_SIZE;
            lock.unlock();
        }
    }

    private boolean awaitRequests() {
        lock.lock();
        try {
            while (pendingCallbacks.isEmpty()) {
                if (closed) {
                    return false;
                }
                requested.awaitUninterruptibly();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void syncAndComplete(List<FileAppendFile> files, List<Consumer<Throwable>> callbacks) {
        FileAppendFile lastSynced = null;
        Throwable lastResult = null;
        for (int i = 0; i < files.size(); i++) {
            FileAppendFile file = files.get(i);
            if (file != lastSynced) {
                long started = ticker.getAsLong();
                lastResult = syncQuietly(file);
                syncNanos.addAndGet(ticker.getAsLong() - started);
                lastSynced = file;
            }
            try {
                callbacks.get(i).accept(lastResult);
            } catch (RuntimeException e) {
                // A failing callback must not stop the sync thread, or every later write would hang.
                log.error("a durability callback failed", e);
            }
            // an Error ends the thread, and the uncaught exception handler the process
        }
    }

    private void fatal(Throwable error) {
        try {
            log.error("fatal error on the sync thread; the process ends", error);
            System.err.println("ringdb: fatal error on the disk sync thread, exiting: " + error);
        } finally {
            onFatal.accept(error);
        }
    }

    private static Throwable syncQuietly(FileAppendFile file) {
        try {
            file.sync();
            return null;
        } catch (IOException | RuntimeException e) {
            return e;
        }
    }

    /** Sync groups completed so far. */
    long groupCount() {
        return groups.get();
    }

    /** Nanoseconds spent in the syncs (buffer write and fsync) of completed groups. */
    long syncNanosTotal() {
        return syncNanos.get();
    }

    /** Requests completed so far (each is one acknowledged write in GROUP mode). */
    long requestCount() {
        return requests.get();
    }

    /**
     * Stops the thread after it has completed every request made before; an interrupt of the caller
     * does not cut this short (the thread ends after at most one sync) and is kept.
     */
    void close() {
        Thread toJoin;
        lock.lock();
        try {
            closed = true;
            requested.signal();
            toJoin = thread;
        } finally {
            lock.unlock();
        }
        if (toJoin != null && toJoin != Thread.currentThread()) {
            boolean interruptedCaller = false;
            while (toJoin.isAlive()) {
                try {
                    toJoin.join();
                } catch (InterruptedException e) {
                    interruptedCaller = true;
                }
            }
            if (interruptedCaller) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
