package ringdb.storage.disk.file;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The sync thread of a {@link FileDisk}: collects sync requests, syncs each file once for all the
 * requests that arrived before the sync started, then runs their callbacks on this thread.
 */
final class GroupSyncer {
    private final long groupWindowMicros;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition requested = lock.newCondition();
    private List<FileAppendFile> pendingFiles = new ArrayList<>();
    private List<Consumer<Throwable>> pendingCallbacks = new ArrayList<>();
    private Thread thread;
    private boolean closed;

    GroupSyncer(long groupWindowMicros) {
        this.groupWindowMicros = groupWindowMicros;
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
                thread.start();
            }
            pendingFiles.add(file);
            pendingCallbacks.add(callback);
            if (pendingCallbacks.size() == 1) {
                requested.signal();
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
            if (groupWindowMicros > 0) {
                LockSupport.parkNanos(groupWindowMicros * 1000);
            }
            lock.lock();
            try {
                List<FileAppendFile> swapFiles = pendingFiles;
                pendingFiles = files;
                files = swapFiles;
                List<Consumer<Throwable>> swapCallbacks = pendingCallbacks;
                pendingCallbacks = callbacks;
                callbacks = swapCallbacks;
            } finally {
                lock.unlock();
            }
            syncAndComplete(files, callbacks);
            files.clear();
            callbacks.clear();
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

    private static void syncAndComplete(List<FileAppendFile> files, List<Consumer<Throwable>> callbacks) {
        FileAppendFile lastSynced = null;
        Throwable lastResult = null;
        for (int i = 0; i < files.size(); i++) {
            FileAppendFile file = files.get(i);
            if (file != lastSynced) {
                lastResult = syncQuietly(file);
                lastSynced = file;
            }
            callbacks.get(i).accept(lastResult);
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

    /** Stops the thread after it has completed every request made before. */
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
            try {
                toJoin.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
