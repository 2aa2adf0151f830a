package ringdb.storage.disk;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import ringdb.core.Timers;

/**
 * A file of a {@link SimDisk} open for appending. It refuses use once the disk crashed after it was
 * opened. Asynchronous syncs requested while one is pending share it (group sync): they complete
 * together when the disk's sync latency has passed, unless the disk crashed meanwhile. An append the
 * full disk refuses fails the file: like a real file whose buffered write failed, nothing later
 * appended or synced is trusted.
 */
final class SimAppendFile implements AppendFile {
    private final SimDisk disk;
    private final String path;
    private final SimInode inode;
    private final int openedEpoch;
    private final List<Consumer<Throwable>> waiting = new ArrayList<>();
    private Throwable failure;
    private boolean closed;

    SimAppendFile(SimDisk disk, String path, SimInode inode, int openedEpoch) {
        this.disk = disk;
        this.path = path;
        this.inode = inode;
        this.openedEpoch = openedEpoch;
    }

    private void checkUsable() throws IOException {
        if (openedEpoch != disk.epoch()) {
            throw new IOException("disk crashed since " + path + " was opened");
        }
        if (closed) {
            throw new IOException("file is closed: " + path);
        }
    }

    @Override
    public void append(byte[] bytes, int offset, int length) throws IOException {
        checkUsable();
        if (failure != null) {
            throw new IOException("an earlier write or sync of " + path + " failed", failure);
        }
        long growth = Math.max(inode.visibleLength(), inode.length + length) - inode.visibleLength();
        if (growth > 0) {
            try {
                disk.checkSpace(path, growth);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }
        if (inode.length + length > inode.data.length) {
            inode.data = Arrays.copyOf(inode.data, Math.max(inode.data.length * 2, inode.length + length));
        }
        System.arraycopy(bytes, offset, inode.data, inode.length, length);
        inode.length += length;
    }

    @Override
    public long size() {
        return inode.length;
    }

    @Override
    public void sync() throws IOException {
        if (failure != null) {
            throw new IOException("an earlier sync of " + path + " failed", failure);
        }
        if (closed && inode.syncedLength == inode.length) {
            return;
        }
        checkUsable();
        try {
            disk.syncInode(path, inode);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public void syncAsync(Consumer<Throwable> onDurable) {
        Timers timers = disk.timers();
        if (timers == null) {
            onDurable.accept(syncQuietly());
            return;
        }
        waiting.add(onDurable);
        if (waiting.size() == 1) {
            int scheduledEpoch = disk.epoch();
            timers.schedule(disk.syncLatencyMicros(), () -> completeWaiting(scheduledEpoch));
        }
    }

    private void completeWaiting(int scheduledEpoch) {
        if (scheduledEpoch != disk.epoch()) {
            waiting.clear(); // the node crashed; nobody is left to hear about it
            return;
        }
        Throwable result = syncQuietly();
        List<Consumer<Throwable>> callbacks = new ArrayList<>(waiting);
        waiting.clear();
        for (Consumer<Throwable> callback : callbacks) {
            callback.accept(result);
        }
    }

    private Throwable syncQuietly() {
        try {
            sync();
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    @Override
    public Throwable syncFailure() {
        return failure;
    }

    @Override
    public boolean preallocated() {
        return inode.stale != null;
    }

    @Override
    public void close() {
        if (!closed && openedEpoch == disk.epoch() && inode.stale != null) {
            inode.stale = null; // the old bytes past the end are cut off
        }
        closed = true;
    }
}
