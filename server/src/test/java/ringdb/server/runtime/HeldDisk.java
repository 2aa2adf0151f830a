package ringdb.server.runtime;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import ringdb.storage.disk.AppendFile;
import ringdb.storage.disk.ByteThrottle;
import ringdb.storage.disk.Disk;
import ringdb.storage.disk.ReadFile;

/**
 * A real disk whose background work (flushes, compactions, cleanup rewrites, snapshot links), while
 * {@code holding}, waits on its worker thread until {@code release} opens (at most a minute): a disk
 * so slow that the work is still under way. Every other call goes to the wrapped disk.
 */
final class HeldDisk implements Disk {
    private final Disk delegate;
    private final AtomicBoolean holding;
    private final CountDownLatch release;

    HeldDisk(Disk delegate, AtomicBoolean holding, CountDownLatch release) {
        this.delegate = delegate;
        this.holding = holding;
        this.release = release;
    }

    @Override
    public void background(Lane lane, Runnable task) {
        if (!holding.get()) {
            delegate.background(lane, task);
            return;
        }
        delegate.background(lane, () -> {
            try {
                release.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            task.run();
        });
    }

    @Override
    public void createDirectories(String directory) throws IOException {
        delegate.createDirectories(directory);
    }

    @Override
    public List<String> list(String directory) throws IOException {
        return delegate.list(directory);
    }

    @Override
    public boolean exists(String path) {
        return delegate.exists(path);
    }

    @Override
    public long size(String path) throws IOException {
        return delegate.size(path);
    }

    @Override
    public AppendFile create(String path) throws IOException {
        return delegate.create(path);
    }

    @Override
    public AppendFile createPreallocated(String path, long sizeBytes) throws IOException {
        return delegate.createPreallocated(path, sizeBytes);
    }

    @Override
    public boolean preallocatedReady(String directory, long sizeBytes) {
        return delegate.preallocatedReady(directory, sizeBytes);
    }

    @Override
    public ReadFile openRead(String path) throws IOException {
        return delegate.openRead(path);
    }

    @Override
    public void truncate(String path, long sizeBytes) throws IOException {
        delegate.truncate(path, sizeBytes);
    }

    @Override
    public void delete(String path) throws IOException {
        delegate.delete(path);
    }

    @Override
    public void retire(String path) throws IOException {
        delegate.retire(path);
    }

    @Override
    public void rename(String source, String target) throws IOException {
        delegate.rename(source, target);
    }

    @Override
    public void link(String existing, String newLink) throws IOException {
        delegate.link(existing, newLink);
    }

    @Override
    public void syncDirectory(String directory) throws IOException {
        delegate.syncDirectory(directory);
    }

    @Override
    public AutoCloseable lockDirectory(String directory) throws IOException {
        return delegate.lockDirectory(directory);
    }

    @Override
    public ByteThrottle throttle(Lane lane, long bytesPerSecond) {
        return delegate.throttle(lane, bytesPerSecond);
    }
}
