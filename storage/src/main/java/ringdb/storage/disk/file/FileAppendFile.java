package ringdb.storage.disk.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.Consumer;
import ringdb.storage.disk.AppendFile;

/**
 * An append-only file with two buffers: appends are copied into the active one under a short lock;
 * a sync swaps the buffers under that lock and writes the full one to the channel outside it, then
 * forces the channel, so the appending thread never waits for a write or an fsync (it used to wait
 * for the sync thread's write of the whole buffer, once per group commit).
 *
 * <p>Locks, always taken in this order: {@code writeLock} (channel writes and their order),
 * {@code lock} (the active buffer), {@code forceLock} (forcing and closing the channel).
 */
final class FileAppendFile implements AppendFile {
    private static final int BUFFER_SIZE_BYTES = 256 * 1024;

    private final String path;
    private final FileChannel channel;
    private final GroupSyncer syncer;
    private final Object writeLock = new Object();
    private final Object lock = new Object();
    private final Object forceLock = new Object();
    private ByteBuffer active = ByteBuffer.allocateDirect(BUFFER_SIZE_BYTES); // guarded by lock
    private ByteBuffer spare = ByteBuffer.allocateDirect(BUFFER_SIZE_BYTES); // guarded by writeLock
    private volatile long appendedBytes; // written under lock
    private long writtenBytes; // guarded by writeLock
    private volatile long syncedBytes;
    private volatile Throwable failure;
    private boolean closed; // guarded by lock
    private final boolean preallocated;

    FileAppendFile(String path, FileChannel channel, GroupSyncer syncer) throws IOException {
        this(path, channel, syncer, false);
    }

    /**
     * {@code preallocated}: the file is a run of zeros to be written over from its start; its
     * size starts at 0 and the zeros past what was written are cut off when it is closed.
     */
    FileAppendFile(String path, FileChannel channel, GroupSyncer syncer, boolean preallocated) throws IOException {
        this.path = path;
        this.channel = channel;
        this.syncer = syncer;
        this.preallocated = preallocated;
        this.appendedBytes = preallocated ? 0 : channel.size();
        this.writtenBytes = appendedBytes;
        this.syncedBytes = appendedBytes;
    }

    @Override
    public void append(byte[] bytes, int offset, int length) throws IOException {
        int remaining = length;
        int position = offset;
        while (true) {
            synchronized (lock) {
                if (closed) {
                    throw new IOException("file is closed: " + path);
                }
                int chunk = Math.min(remaining, active.remaining());
                active.put(bytes, position, chunk);
                position += chunk;
                remaining -= chunk;
                appendedBytes += chunk;
                if (remaining == 0) {
                    return;
                }
            }
            writeOut(); // the active buffer is full
        }
    }

    /**
     * Writes everything appended so far to the channel; returns the file size it reached. A failed
     * write fails the file as a failed fsync does: the bytes it lost would leave a gap that later
     * writes must not be acknowledged over.
     */
    private long writeOut() throws IOException {
        synchronized (writeLock) {
            if (failure != null) {
                throw new IOException("an earlier write or sync of " + path + " failed", failure);
            }
            ByteBuffer full;
            synchronized (lock) {
                full = active;
                active = spare;
                spare = full;
            }
            full.flip();
            try {
                while (full.hasRemaining()) {
                    writtenBytes += channel.write(full);
                }
            } catch (IOException | RuntimeException e) {
                failure = e;
                throw e;
            } finally {
                full.clear();
            }
            return writtenBytes;
        }
    }

    @Override
    public boolean preallocated() {
        return preallocated;
    }

    @Override
    public long size() {
        return appendedBytes;
    }

    @Override
    public void sync() throws IOException {
        if (failure != null) {
            throw new IOException("an earlier sync of " + path + " failed", failure);
        }
        long target;
        synchronized (writeLock) {
            synchronized (lock) {
                if (closed) {
                    if (syncedBytes == appendedBytes) {
                        return;
                    }
                    throw new IOException("file was closed before all of it was synced: " + path);
                }
            }
            target = writeOut();
        }
        synchronized (forceLock) {
            if (syncedBytes >= target) {
                return; // a concurrent sync covered us
            }
            try {
                channel.force(false);
            } catch (IOException | RuntimeException e) {
                failure = e;
                throw e;
            }
            syncedBytes = target;
        }
    }

    @Override
    public void syncAsync(Consumer<Throwable> onDurable) {
        syncer.request(this, onDurable);
    }

    @Override
    public Throwable syncFailure() {
        return failure;
    }

    @Override
    public void close() throws IOException {
        synchronized (writeLock) {
            synchronized (lock) {
                if (closed) {
                    return;
                }
            }
            try {
                if (failure == null) {
                    writeOut(); // after a failure nothing more is written; the file is not trusted
                }
                if (preallocated) {
                    cutZeroTail();
                }
            } finally {
                synchronized (lock) {
                    closed = true;
                }
                synchronized (forceLock) {
                    channel.close();
                }
            }
        }
    }

    /**
     * Cuts the unwritten zeros off, durably unless a sync failed: once a later segment exists,
     * this one is no longer the newest, and a zero tail there would read as corruption.
     */
    private void cutZeroTail() throws IOException {
        if (channel.size() > writtenBytes) {
            channel.truncate(writtenBytes);
        }
        if (failure == null && syncedBytes == writtenBytes) {
            synchronized (forceLock) {
                channel.force(true);
            }
        }
    }

    @Override
    public String toString() {
        return path;
    }
}
