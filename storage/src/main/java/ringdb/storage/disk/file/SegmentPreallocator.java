package ringdb.storage.disk.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one zero-filled, synced spare file per directory, written on a background thread, so that
 * a new commit log segment can start as a file whose blocks already exist: an fdatasync of bytes
 * written over them then has no file size or block allocation to commit, which roughly halves its
 * latency. A file is never waited for: when no spare is ready, the caller gets a plain new file.
 *
 * <p>Threading: {@link #take} from any thread; preparation runs on this class's own thread.
 */
final class SegmentPreallocator {
    private static final Logger log = LoggerFactory.getLogger(SegmentPreallocator.class);
    /** Name of the spare in its directory; not a segment name, so recovery ignores it. */
    static final String SPARE_FILE_NAME = "preallocated.spare";
    private static final int ZERO_CHUNK_BYTES = 1 << 20;

    private final BackgroundWorker worker = new BackgroundWorker("ringdb-disk-preallocate");
    private final Map<Path, Spare> spares = new HashMap<>();
    private boolean closed;

    /** A directory's spare: {@code sizeBytes} of zeros at {@code path} once {@code ready}. */
    private static final class Spare {
        final Path path;
        final long sizeBytes;
        boolean ready;
        boolean preparing;

        Spare(Path path, long sizeBytes) {
            this.path = path;
            this.sizeBytes = sizeBytes;
        }
    }

    /**
     * Renames the directory's ready spare of {@code sizeBytes} to {@code target} and returns true,
     * or returns false when none is ready; either way starts preparing the next spare.
     */
    synchronized boolean take(Path target, long sizeBytes) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        Spare spare = spares.get(directory);
        boolean taken = false;
        if (spare != null && spare.ready && spare.sizeBytes == sizeBytes && !Files.exists(target)) {
            Files.move(spare.path, target, StandardCopyOption.ATOMIC_MOVE);
            spare.ready = false;
            taken = true;
        }
        if (spare == null || (!spare.preparing && (!spare.ready || spare.sizeBytes != sizeBytes))) {
            Spare next = new Spare(directory.resolve(SPARE_FILE_NAME), sizeBytes);
            spares.put(directory, next);
            next.preparing = true;
            if (!closed) {
                worker.submit(() -> prepare(next));
            }
        }
        return taken;
    }

    /** Whether {@link #take} in {@code directory} would now hand out a spare of {@code sizeBytes}. */
    synchronized boolean ready(Path directory, long sizeBytes) {
        Spare spare = spares.get(directory.toAbsolutePath());
        return spare != null && spare.ready && spare.sizeBytes == sizeBytes;
    }

    private void prepare(Spare spare) {
        boolean written = false;
        try (FileChannel channel = FileChannel.open(spare.path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_CHUNK_BYTES);
            for (long position = 0; position < spare.sizeBytes; ) {
                zeros.clear().limit((int) Math.min(ZERO_CHUNK_BYTES, spare.sizeBytes - position));
                position += channel.write(zeros, position);
            }
            channel.force(true);
            written = true;
        } catch (IOException | RuntimeException e) {
            log.warn("could not preallocate {}; new commit log segments start empty", spare.path, e);
        }
        synchronized (this) {
            spare.preparing = false;
            spare.ready = written && !closed;
            notifyAll();
        }
    }

    /** Waits up to about {@code timeoutMillis} until a spare of {@code directory} is ready; whether it is. */
    synchronized boolean awaitSpare(Path directory, long timeoutMillis) throws InterruptedException {
        long waitStepMillis = 10;
        for (long waited = 0; waited < timeoutMillis; waited += waitStepMillis) {
            Spare spare = spares.get(directory.toAbsolutePath());
            if (spare == null || spare.ready || !spare.preparing) {
                return spare != null && spare.ready;
            }
            wait(waitStepMillis); // woken early when preparation ends
        }
        Spare spare = spares.get(directory.toAbsolutePath());
        return spare != null && spare.ready;
    }

    /** Waits for preparation under way, then deletes every spare this instance made. */
    void close() {
        synchronized (this) {
            closed = true;
        }
        worker.close();
        synchronized (this) {
            for (Spare spare : spares.values()) {
                try {
                    Files.deleteIfExists(spare.path);
                } catch (IOException e) {
                    log.warn("could not delete the spare {}", spare.path, e);
                }
            }
            spares.clear();
        }
    }
}
