package ringdb.storage.disk.file;

import java.util.ArrayDeque;

/** One background lane of a {@link FileDisk}: a daemon thread running tasks in submission order. */
final class BackgroundWorker {
    private final String name;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private Thread thread;
    private boolean closed;

    BackgroundWorker(String name) {
        this.name = name;
    }

    synchronized void submit(Runnable task) {
        if (closed) {
            throw new IllegalStateException("disk is closed; cannot run " + name + " work");
        }
        if (thread == null) {
            thread = new Thread(this::run, name);
            thread.setDaemon(true);
            thread.start();
        }
        queue.add(task);
        notifyAll();
    }

    private void run() {
        while (true) {
            Runnable task;
            synchronized (this) {
                while (queue.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                if (queue.isEmpty()) {
                    return;
                }
                task = queue.poll();
            }
            task.run();
        }
    }

    /** Runs what was submitted, then stops. */
    void close() {
        Thread toJoin;
        synchronized (this) {
            closed = true;
            notifyAll();
            toJoin = thread;
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
