package ringdb.storage.testing;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import ringdb.storage.disk.AppendFile;
import ringdb.storage.disk.ByteThrottle;
import ringdb.storage.disk.Disk;
import ringdb.storage.disk.ReadFile;

/**
 * A disk whose background work (flushes, compactions, cleanups, snapshot links) waits until the test
 * runs it, as a disk so slow that the work is still under way while the owner's thread goes on.
 * Every other call goes to the wrapped disk. Single-threaded: the test runs the held work itself.
 */
public final class HeldBackgroundDisk implements Disk {
    private final Disk delegate;
    private final ArrayDeque<Runnable> held = new ArrayDeque<>();

    public HeldBackgroundDisk(Disk delegate) {
        this.delegate = delegate;
    }

    @Override
    public void background(Lane lane, Runnable task) {
        held.add(task);
    }

    /** How many background tasks wait. */
    public int heldCount() {
        return held.size();
    }

    /** Runs the held tasks (and any they submit), as the disk's workers would once they get to them. */
    public void runHeld() {
        int ran = 0;
        while (!held.isEmpty()) {
            held.poll().run();
            if (++ran > 1000) {
                throw new IllegalStateException("background work keeps resubmitting itself");
            }
        }
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
    public ByteThrottle throttle(Lane lane, long bytesPerSecond) {
        return delegate.throttle(lane, bytesPerSecond);
    }
}
