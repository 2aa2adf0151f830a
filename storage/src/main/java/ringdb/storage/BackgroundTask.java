package ringdb.storage;

import java.util.concurrent.CountDownLatch;

/**
 * Work handed to {@link ringdb.storage.disk.Disk#background}: runs once, records its result or
 * failure, and lets the owner's thread wait for it or poll it. {@code onFinished} runs on the
 * worker's thread right after the outcome is recorded (to wake the owner); it must not block.
 */
final class BackgroundTask<T> implements Runnable {
    interface Work<T> {
        T run() throws Exception;
    }

    private final Work<T> work;
    private final Runnable onFinished;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile T result;
    private volatile Throwable failure;

    BackgroundTask(Work<T> work) {
        this(work, () -> { });
    }

    BackgroundTask(Work<T> work, Runnable onFinished) {
        this.work = work;
        this.onFinished = onFinished;
    }

    @Override
    public void run() {
        try {
            result = work.run();
        } catch (Exception | Error e) {
            failure = e;
        } finally {
            done.countDown();
        }
        onFinished.run();
    }

    boolean isDone() {
        return done.getCount() == 0;
    }

    /** Waits until the task has run. */
    void await() {
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    T result() {
        return result;
    }

    Throwable failure() {
        return failure;
    }
}
