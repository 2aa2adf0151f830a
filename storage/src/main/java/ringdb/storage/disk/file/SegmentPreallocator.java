package ringdb.storage.disk.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one synced spare file of the segment size per directory, prepared on a background thread,
 * so that a new commit log segment can start as a file whose blocks already exist: an fdatasync of
 * bytes written over them then has no file size or block allocation to commit, which roughly
 * halves its latency. A spare is made from a retired segment when one is kept (its old bytes stay,
 * only a missing end is zero-filled), else by writing zeros: recycling saves writing every log
 * byte twice. A file is never waited for: when no spare is ready, the caller gets a plain new file.
 *
 * <p>Threading: {@link #take} and {@link #retire} from any thread; preparation runs on this
 * class's own thread.
 */
final class SegmentPreallocator {
    private static final Logger log = LoggerFactory.getLogger(SegmentPreallocator.class);
    /** Name of the spare in its directory; not a segment name, so recovery ignores it. */
    static final String SPARE_FILE_NAME = "preallocated.spare";
    /** Retired files are kept as {@code retired-<their name>.spare}: not segment names either. */
    static final String RETIRED_PREFIX = "retired-";
    static final String RETIRED_SUFFIX = ".spare";
    /** Retired files kept per directory; more are deleted. */
    static final int RETIRED_FILES_MAX = 2;
    private static final int ZERO_CHUNK_BYTES = 1 << 20;

    private final BackgroundWorker worker = new BackgroundWorker("ringdb-disk-preallocate");
    private final Map<Path, Spare> spares = new HashMap<>();
    private final Map<Path, ArrayDeque<Path>> retired = new HashMap<>();
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

    /**
     * Keeps the file {@code path} to make a later spare of its directory from, or deletes it when
     * {@link #RETIRED_FILES_MAX} are kept already (or this preallocator is closed).
     */
    synchronized void retire(Path path) throws IOException {
        Path absolute = path.toAbsolutePath();
        ArrayDeque<Path> kept = retiredFiles(absolute.getParent());
        if (closed || kept.size() >= RETIRED_FILES_MAX || !Files.isRegularFile(absolute) || linkedElsewhere(absolute)) {
            Files.deleteIfExists(absolute);
            return;
        }
        Path target = absolute.resolveSibling(RETIRED_PREFIX + absolute.getFileName() + RETIRED_SUFFIX);
        Files.move(absolute, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        kept.addLast(target);
    }

    /** Whether another name links to the file (a backup, say): writing over it would change that copy too. */
    private static boolean linkedElsewhere(Path path) {
        try {
            Object links = Files.getAttribute(path, "unix:nlink");
            return !(links instanceof Integer count) || count > 1;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return true; // no way to tell: never recycle
        }
    }

    /**
     * The retired files kept in {@code directory}; on first use, those a previous run left there
     * (it stopped without closing), which hold nothing but old bytes and serve as well.
     */
    private ArrayDeque<Path> retiredFiles(Path directory) throws IOException {
        ArrayDeque<Path> kept = retired.get(directory);
        if (kept == null) {
            kept = new ArrayDeque<>();
            retired.put(directory, kept);
            try (var entries = Files.list(directory)) {
                for (Path entry : (Iterable<Path>) entries.sorted()::iterator) {
                    String name = entry.getFileName().toString();
                    if (name.startsWith(RETIRED_PREFIX) && name.endsWith(RETIRED_SUFFIX)) {
                        if (kept.size() < RETIRED_FILES_MAX) {
                            kept.addLast(entry);
                        } else {
                            Files.deleteIfExists(entry);
                        }
                    }
                }
            }
        }
        return kept;
    }

    /** Whether {@link #take} in {@code directory} would now hand out a spare of {@code sizeBytes}. */
    synchronized boolean ready(Path directory, long sizeBytes) {
        Spare spare = spares.get(directory.toAbsolutePath());
        return spare != null && spare.ready && spare.sizeBytes == sizeBytes;
    }

    private void prepare(Spare spare) {
        boolean written = false;
        try {
            Path recycled = takeRetired(spare.path.getParent());
            if (recycled != null) {
                Files.move(recycled, spare.path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel channel = FileChannel.open(spare.path,
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                long position = recycled != null ? Math.min(channel.size(), spare.sizeBytes) : 0;
                if (channel.size() > spare.sizeBytes) {
                    channel.truncate(spare.sizeBytes);
                }
                ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_CHUNK_BYTES);
                while (position < spare.sizeBytes) {
                    zeros.clear().limit((int) Math.min(ZERO_CHUNK_BYTES, spare.sizeBytes - position));
                    position += channel.write(zeros, position);
                }
                channel.force(true);
                written = true;
            }
        } catch (IOException | RuntimeException e) {
            log.warn("could not preallocate {}; new commit log segments start empty", spare.path, e);
        }
        synchronized (this) {
            spare.preparing = false;
            spare.ready = written && !closed;
            notifyAll();
        }
    }

    /** The oldest retired file kept in {@code directory}, no longer kept; null when there is none. */
    private synchronized Path takeRetired(Path directory) throws IOException {
        return retiredFiles(directory).pollFirst();
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

    /** Waits for preparation under way, then deletes every spare and retired file this instance kept. */
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
            for (ArrayDeque<Path> kept : retired.values()) {
                for (Path path : kept) {
                    try {
                        Files.deleteIfExists(path);
                    } catch (IOException e) {
                        log.warn("could not delete the retired file {}", path, e);
                    }
                }
            }
            retired.clear();
        }
    }
}
