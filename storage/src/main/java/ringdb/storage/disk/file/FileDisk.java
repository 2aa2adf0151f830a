package ringdb.storage.disk.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import ringdb.storage.disk.AppendFile;
import ringdb.storage.disk.ByteThrottle;
import ringdb.storage.disk.Disk;
import ringdb.storage.disk.ReadFile;

/**
 * The real {@link Disk}: FileChannel for writes and fsync, memory mapping for reads, and one sync
 * thread per disk that groups asynchronous sync requests (group commit).
 *
 * <p>Group commit: requests that arrive while an fsync is under way form the next group, synced as
 * soon as that fsync ends. {@code groupWindowMicros} applies only after an idle spell: the longest
 * the sync thread then waits for more writers to join, stopping as soon as a short quiet step
 * (about 20 µs) passes without a new request. 0 never waits. Default
 * {@link #GROUP_WINDOW_MICROS_DEFAULT}. {@code busyWindowMicros} applies under load, when requests
 * arrived during the last fsync: the sync thread waits that long before the next fsync, or until as
 * many requests are waiting as were in flight (at most {@value GroupSyncer#BUSY_GROUP_SIZE}), so that
 * fsyncs serve larger groups.
 * 0 never waits. Default {@link #BUSY_WINDOW_MICROS_DEFAULT}.
 *
 * <p>Background work ({@link #background}) runs on one thread per lane, so a flush never waits
 * behind a long compaction.
 *
 * <p>Threading: safe for concurrent use. Close it to stop its threads.
 */
public final class FileDisk implements Disk {
    private final GroupSyncer syncer;
    private final BackgroundWorker flushWorker = new BackgroundWorker("ringdb-disk-flush");
    private final BackgroundWorker compactionWorker = new BackgroundWorker("ringdb-disk-compaction");
    private final SegmentPreallocator preallocator = new SegmentPreallocator();
    private final LongSupplier ticker; // null: no clock
    private final Map<Lane, ByteRateLimiter> limiters = new EnumMap<>(Lane.class);

    /** The lock file {@link #lockDirectory} holds in a directory. */
    public static final String LOCK_FILE_NAME = "LOCK";

    /** Default longest group commit wait, in microseconds. */
    public static final long GROUP_WINDOW_MICROS_DEFAULT = 0;

    /** Default longest wait of the sync thread for a larger group under load, in microseconds. */
    public static final long BUSY_WINDOW_MICROS_DEFAULT = 500;

    public FileDisk() {
        this(GROUP_WINDOW_MICROS_DEFAULT);
    }

    public FileDisk(long groupWindowMicros) {
        this(groupWindowMicros, null);
    }

    public FileDisk(long groupWindowMicros, LongSupplier ticker) {
        this(groupWindowMicros, BUSY_WINDOW_MICROS_DEFAULT, ticker);
    }

    /**
     * {@code ticker} (nanoseconds, e.g. {@code System::nanoTime}) times each group's sync for
     * {@link #syncNanosTotal} and paces background work ({@link #throttle}); the disk reads no
     * clock of its own, so without one (null) neither is done.
     */
    public FileDisk(long groupWindowMicros, long busyWindowMicros, LongSupplier ticker) {
        this.syncer = new GroupSyncer(groupWindowMicros, busyWindowMicros, ticker == null ? () -> 0 : ticker);
        this.ticker = ticker;
    }

    /**
     * The lane's one limiter, shared by every engine on this disk, at the rate last asked for;
     * no pacing without a ticker or at rate 0.
     */
    @Override
    public ByteThrottle throttle(Lane lane, long bytesPerSecond) {
        if (ticker == null || bytesPerSecond == 0) {
            return ByteThrottle.NONE;
        }
        ByteRateLimiter limiter;
        synchronized (limiters) {
            limiter = limiters.computeIfAbsent(lane, l -> new ByteRateLimiter(ticker, LockSupport::parkNanos));
        }
        limiter.setRate(bytesPerSecond);
        return limiter;
    }

    @Override
    public void createDirectories(String directory) throws IOException {
        Files.createDirectories(Path.of(directory));
    }

    @Override
    public List<String> list(String directory) throws IOException {
        List<String> names = new ArrayList<>();
        Path path = Path.of(directory);
        if (!Files.isDirectory(path)) {
            return names;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(path)) {
            for (Path entry : stream) {
                names.add(entry.getFileName().toString());
            }
        }
        names.sort(null);
        return names;
    }

    @Override
    public boolean exists(String path) {
        return Files.exists(Path.of(path));
    }

    @Override
    public long size(String path) throws IOException {
        return Files.size(Path.of(path));
    }

    @Override
    public AppendFile create(String path) throws IOException {
        FileChannel channel = FileChannel.open(Path.of(path), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new FileAppendFile(path, channel, syncer);
    }

    /**
     * Starts the file as a spare prepared in the background (a retired file, or zeros), when one
     * is ready, so that syncs of what is written over it are cheaper; otherwise as {@link #create} does.
     */
    @Override
    public AppendFile createPreallocated(String path, long sizeBytes) throws IOException {
        Path target = Path.of(path);
        if (!preallocator.take(target, sizeBytes)) {
            return create(path);
        }
        FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE);
        return new FileAppendFile(path, channel, syncer, true);
    }

    @Override
    public boolean preallocatedReady(String directory, long sizeBytes) {
        return preallocator.ready(Path.of(directory), sizeBytes);
    }

    /** Waits up to {@code timeoutMillis} for the spare of {@code directory}; whether one is ready. For tests. */
    boolean awaitPreallocatedSpare(String directory, long timeoutMillis) throws InterruptedException {
        return preallocator.awaitSpare(Path.of(directory), timeoutMillis);
    }

    @Override
    public ReadFile openRead(String path) throws IOException {
        return MappedReadFile.open(Path.of(path));
    }

    @Override
    public void truncate(String path, long sizeBytes) throws IOException {
        try (FileChannel channel = FileChannel.open(Path.of(path), StandardOpenOption.WRITE)) {
            channel.truncate(sizeBytes);
            channel.force(true);
        }
    }

    @Override
    public void delete(String path) throws IOException {
        Files.deleteIfExists(Path.of(path));
    }

    /** Keeps the file to make a later preallocated file of its directory from (a few at most), or deletes it. */
    @Override
    public void retire(String path) throws IOException {
        preallocator.retire(Path.of(path));
    }

    @Override
    public void rename(String source, String target) throws IOException {
        Files.move(Path.of(source), Path.of(target),
                StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void link(String existing, String newLink) throws IOException {
        try {
            Files.createLink(Path.of(newLink), Path.of(existing));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("file already exists: " + newLink, e);
        }
    }

    @Override
    public void syncDirectory(String directory) throws IOException {
        try (FileChannel channel = FileChannel.open(Path.of(directory), StandardOpenOption.READ)) {
            channel.force(true);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            // Some platforms cannot open a directory for reading; their directory updates are
            // then as durable as the platform makes them.
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")) {
                throw e;
            }
        }
    }

    @Override
    public AutoCloseable lockDirectory(String directory) throws IOException {
        Path lockFile = Path.of(directory, LOCK_FILE_NAME);
        Files.createDirectories(Path.of(directory));
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            channel.close();
            throw new IOException(directory + " is already open in this process (" + lockFile + " is locked)", e);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IOException(directory + " is in use by another process (" + lockFile
                    + " is locked); stop that node first");
        }
        return () -> {
            lock.release();
            channel.close();
        };
    }

    /** Runs the task on the lane's thread (one per lane, started on first use). */
    @Override
    public void background(Lane lane, Runnable task) {
        (lane == Lane.FLUSH ? flushWorker : compactionWorker).submit(task);
    }

    /** Asynchronous sync groups completed so far (one fsync each). */
    public long syncGroupCount() {
        return syncer.groupCount();
    }

    /** Asynchronous sync requests completed so far; divided by the group count, the group size. */
    public long syncRequestCount() {
        return syncer.requestCount();
    }

    /** Nanoseconds the sync thread spent writing and fsyncing groups so far, by the ticker given (0 without one). */
    public long syncNanosTotal() {
        return syncer.syncNanosTotal();
    }

    @Override
    public void close() {
        flushWorker.close();
        compactionWorker.close();
        syncer.close();
        preallocator.close();
    }
}
