package ringdb.storage.disk.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.Consumer;
import ringdb.storage.disk.AppendFile;

/**
 * An append-only file: appends are copied into a buffer under a lock; a sync drains the buffer to
 * the channel (in order, under the lock) and then forces the channel outside it, so the writer
 * keeps appending while an fsync is under way.
 */
final class FileAppendFile implements AppendFile {
    private static final int BUFFER_SIZE_BYTES = 256 * 1024;

    private final String path;
    private final FileChannel channel;
    private final GroupSyncer syncer;
    private final Object lock = new Object();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE_BYTES);
    private final Object forceLock = new Object();
    private volatile long appendedBytes;
    private long writtenBytes;
    private volatile long syncedBytes;
    private volatile Throwable failure;
    private boolean closed;
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
        synchronized (lock) {
            if (closed) {
                throw new IOException("file is closed: " + path);
            }
            int remaining = length;
            int position = offset;
            while (remaining > 0) {
                if (!buffer.hasRemaining()) {
                    drainLocked();
                }
                int chunk = Math.min(remaining, buffer.remaining());
                buffer.put(bytes, position, chunk);
                position += chunk;
                remaining -= chunk;
            }
            appendedBytes += length;
        }
    }

    private void drainLocked() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            writtenBytes += channel.write(buffer);
        }
        buffer.clear();
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
        synchronized (lock) {
            if (closed) {
                if (syncedBytes == appendedBytes) {
                    return;
                }
                throw new IOException("file was closed before all of it was synced: " + path);
            }
            drainLocked();
            target = writtenBytes;
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
        synchronized (lock) {
            if (closed) {
                return;
            }
            try {
                drainLocked();
                if (preallocated) {
                    cutZeroTailLocked();
                }
            } finally {
                closed = true;
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
    private void cutZeroTailLocked() throws IOException {
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
