package ringdb.storage.disk;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import ringdb.core.Timers;

/**
 * An in-memory {@link Disk} for the simulator and for tests. No real I/O, deterministic: every
 * random choice comes from the seeded {@link Random} it is given.
 *
 * <p>Crash semantics: {@link #crash()} keeps, for every file, only the bytes that were synced;
 * {@link #crashTearingUnsyncedWrites()} also keeps a random prefix of each file's unsynced bytes, as
 * a power cut in the middle of a write would. Directory operations are durable at once (as on a
 * journaling file system with synchronous directory updates). {@link #failNextSyncs} makes syncs
 * throw, leaving the data unsynced. After a crash, files opened before it refuse further use.
 *
 * <p>Recycling: a file given to {@link #retire} is kept aside (at most {@link #RETIRED_FILES_MAX} per
 * directory) and handed out by the next {@link #createPreallocated} of its directory, still showing
 * its old bytes past what is written over them; a crash brings the old bytes back under the
 * unsynced writes it loses. A file not kept is deleted.
 *
 * <p>Sync latency: with {@link Timers}, an asynchronous sync completes after {@code syncLatencyMicros}
 * of (simulated) time and every request made meanwhile shares it; without, it completes at once on
 * the caller's thread.
 *
 * <p>Threading: not thread-safe; the simulator drives it from one thread.
 */
public final class SimDisk implements Disk {
    /** Retired files kept per directory, as the real disk keeps them. */
    public static final int RETIRED_FILES_MAX = 2;
    private final Random random;
    private final Timers timers;
    private final long syncLatencyMicros;
    private final TreeMap<String, Inode> files = new TreeMap<>();
    private final TreeMap<String, Boolean> directories = new TreeMap<>();
    private final TreeMap<String, ArrayDeque<Inode>> retired = new TreeMap<>();
    private int epoch;
    private int syncFailuresToInject;
    private String syncFailurePathPrefix = "";
    private long syncCount;
    private long recycledCount;
    private final Map<Lane, long[]> throttled = new EnumMap<>(Lane.class);

    /** A disk whose asynchronous syncs complete at once. */
    public SimDisk(Random random) {
        this(random, null, 0);
    }

    /** A disk whose asynchronous syncs complete {@code syncLatencyMicros} later through {@code timers}. */
    public SimDisk(Random random, Timers timers, long syncLatencyMicros) {
        this.random = Objects.requireNonNull(random, "random");
        this.timers = timers;
        this.syncLatencyMicros = syncLatencyMicros;
    }

    /** The node crashed: every file keeps only its synced bytes; open handles become unusable. */
    public void crash() {
        for (Inode inode : distinctInodes()) {
            inode.loseUnsyncedFrom(inode.syncedLength);
        }
        epoch++;
    }

    /** Like {@link #crash()}, but each file also keeps a random prefix of its unsynced bytes. */
    public void crashTearingUnsyncedWrites() {
        for (Inode inode : distinctInodes()) {
            int unsynced = inode.length - inode.syncedLength;
            if (unsynced > 0) {
                inode.loseUnsyncedFrom(inode.syncedLength + random.nextInt(unsynced + 1));
            }
            inode.syncedLength = inode.length;
        }
        epoch++;
    }

    /**
     * Like {@link #crash()}, but as a power cut during write-back: each page ({@code pageBytes},
     * aligned) of a file's unsynced bytes independently reached the disk or not. A file keeps its
     * bytes up to the end of its last page that did; a page that did not shows what was there
     * before (the old bytes of a recycled file, or zeros).
     */
    public void crashPersistingUnsyncedPagesOutOfOrder(int pageBytes) {
        for (Inode inode : distinctInodes()) {
            int kept = inode.syncedLength;
            List<int[]> lostPages = new ArrayList<>();
            for (int page = inode.syncedLength / pageBytes * pageBytes; page < inode.length; page += pageBytes) {
                int start = Math.max(page, inode.syncedLength);
                int end = Math.min(page + pageBytes, inode.length);
                if (random.nextBoolean()) {
                    kept = end;
                } else {
                    lostPages.add(new int[] {start, end});
                }
            }
            for (int[] lost : lostPages) {
                for (int i = lost[0]; i < lost[1] && i < kept; i++) {
                    inode.data[i] = inode.stale != null && i < inode.stale.length ? inode.stale[i] : 0;
                }
            }
            inode.loseUnsyncedFrom(kept);
            inode.syncedLength = inode.length;
        }
        epoch++;
    }

    /** The next {@code count} syncs (of any file) fail with an IOException and sync nothing. */
    public void failNextSyncs(int count) {
        failNextSyncsOf("", count);
    }

    /** The next {@code count} syncs of files whose path starts with {@code pathPrefix} fail. */
    public void failNextSyncsOf(String pathPrefix, int count) {
        syncFailurePathPrefix = pathPrefix;
        syncFailuresToInject = count;
    }

    /** Syncs performed so far (asynchronous groups count once). */
    public long syncCount() {
        return syncCount;
    }

    /**
     * Never pauses (simulated time does not pass inside a task), but counts what is reported:
     * for tests of who paces what.
     */
    @Override
    public ByteThrottle throttle(Lane lane, long bytesPerSecond) {
        long[] counters = throttled.computeIfAbsent(lane, l -> new long[2]);
        counters[0] = bytesPerSecond;
        return bytes -> counters[1] += bytes;
    }

    /** The rate last asked of {@link #throttle} for {@code lane}, and the bytes reported: {rate, bytes}. */
    public long[] throttled(Lane lane) {
        return throttled.getOrDefault(lane, new long[2]).clone();
    }

    /** Files {@link #createPreallocated} handed out from retired ones so far. */
    public long recycledCount() {
        return recycledCount;
    }

    /** The file's current bytes (synced or not); for tests that inspect or damage files. */
    public byte[] contents(String path) throws IOException {
        Inode inode = inode(path);
        return Arrays.copyOf(inode.data, inode.visibleLength());
    }

    /** Replaces the file's bytes, durably; for tests that fabricate damage. */
    public void overwrite(String path, byte[] bytes) throws IOException {
        Inode inode = inode(path);
        inode.data = bytes.clone();
        inode.length = bytes.length;
        inode.syncedLength = bytes.length;
        inode.stale = null;
    }

    private List<Inode> distinctInodes() {
        List<Inode> result = new ArrayList<>();
        for (Inode inode : files.values()) {
            if (!result.contains(inode)) {
                result.add(inode);
            }
        }
        for (ArrayDeque<Inode> kept : retired.values()) {
            result.addAll(kept);
        }
        return result;
    }

    private Inode inode(String path) throws IOException {
        Inode inode = files.get(path);
        if (inode == null) {
            throw new FileNotFoundException("no such file: " + path);
        }
        return inode;
    }

    @Override
    public void createDirectories(String directory) {
        String path = directory;
        while (!path.isEmpty()) {
            directories.put(path, Boolean.TRUE);
            int slash = path.lastIndexOf('/');
            path = slash <= 0 ? "" : path.substring(0, slash);
        }
    }

    @Override
    public List<String> list(String directory) {
        String prefix = directory.endsWith("/") ? directory : directory + "/";
        List<String> names = new ArrayList<>();
        addChildren(files, prefix, names);
        addChildren(directories, prefix, names);
        names.sort(null);
        return names;
    }

    private static void addChildren(TreeMap<String, ?> map, String prefix, List<String> names) {
        for (Map.Entry<String, ?> entry : map.tailMap(prefix, false).entrySet()) {
            String path = entry.getKey();
            if (!path.startsWith(prefix)) {
                break;
            }
            String rest = path.substring(prefix.length());
            if (!rest.isEmpty() && rest.indexOf('/') < 0) {
                names.add(rest);
            }
        }
    }

    @Override
    public boolean exists(String path) {
        return files.containsKey(path) || directories.containsKey(path);
    }

    @Override
    public long size(String path) throws IOException {
        return inode(path).visibleLength();
    }

    @Override
    public AppendFile create(String path) throws IOException {
        if (files.containsKey(path)) {
            throw new IOException("file already exists: " + path);
        }
        Inode inode = new Inode();
        files.put(path, inode);
        return new SimAppendFile(path, inode, epoch);
    }

    /** Hands out a file retired in the same directory, old bytes and all, when one is kept. */
    @Override
    public AppendFile createPreallocated(String path, long sizeBytes) throws IOException {
        ArrayDeque<Inode> kept = retired.get(parent(path));
        if (kept == null || kept.isEmpty()) {
            return create(path);
        }
        if (files.containsKey(path)) {
            throw new IOException("file already exists: " + path);
        }
        Inode old = kept.pollFirst();
        recycledCount++;
        Inode inode = new Inode();
        inode.stale = Arrays.copyOf(old.data, old.visibleLength());
        inode.data = inode.stale.clone();
        files.put(path, inode);
        return new SimAppendFile(path, inode, epoch);
    }

    @Override
    public boolean preallocatedReady(String directory, long sizeBytes) {
        ArrayDeque<Inode> kept = retired.get(directory);
        return kept != null && !kept.isEmpty();
    }

    @Override
    public void retire(String path) {
        Inode inode = files.remove(path);
        if (inode == null || files.containsValue(inode)) {
            return; // gone, or still reachable through another link: nothing to hand out
        }
        ArrayDeque<Inode> kept = retired.computeIfAbsent(parent(path), directory -> new ArrayDeque<>());
        if (kept.size() < RETIRED_FILES_MAX) {
            kept.addLast(inode);
        }
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    @Override
    public ReadFile openRead(String path) throws IOException {
        Inode inode = inode(path);
        if (inode.stale != null) {
            // Appends write over the old bytes in place: a reader gets its own copy.
            return new SimReadFile(Arrays.copyOf(inode.data, inode.visibleLength()), inode.visibleLength());
        }
        // No copy: bytes below the length never change in place (truncate copies; appends go past it).
        return new SimReadFile(inode.data, inode.length);
    }

    @Override
    public void truncate(String path, long sizeBytes) throws IOException {
        Inode inode = inode(path);
        inode.data = Arrays.copyOf(inode.data, Math.max(inode.data.length, 1)); // open readers keep their bytes
        inode.length = (int) Math.min(inode.length, sizeBytes);
        inode.syncedLength = Math.min(inode.syncedLength, inode.length);
        if (inode.stale != null && inode.stale.length > sizeBytes) {
            inode.stale = Arrays.copyOf(inode.stale, (int) sizeBytes);
        }
    }

    @Override
    public void delete(String path) {
        files.remove(path);
        directories.remove(path);
    }

    @Override
    public void rename(String source, String target) throws IOException {
        Inode inode = inode(source);
        files.remove(source);
        files.put(target, inode);
    }

    @Override
    public void link(String existing, String newLink) throws IOException {
        if (files.containsKey(newLink)) {
            throw new IOException("file already exists: " + newLink);
        }
        files.put(newLink, inode(existing));
    }

    @Override
    public void syncDirectory(String directory) {
        // Directory operations are durable at once on this disk.
    }

    private void syncInode(String path, Inode inode) throws IOException {
        if (syncFailuresToInject > 0 && path.startsWith(syncFailurePathPrefix)) {
            syncFailuresToInject--;
            throw new IOException("injected sync failure");
        }
        syncCount++;
        inode.syncedLength = inode.length;
    }

    /**
     * An inode: the bytes a file (or several hard links) holds. A recycled file also has the
     * {@code stale} bytes of its previous life: visible past {@code length}, and back wherever a
     * crash loses unsynced writes over them.
     */
    private static final class Inode {
        byte[] data = new byte[256];
        int length;
        int syncedLength;
        byte[] stale;

        int visibleLength() {
            return stale == null ? length : Math.max(length, stale.length);
        }

        /** A crash keeps the first {@code kept} bytes written; the old bytes show again past them. */
        void loseUnsyncedFrom(int kept) {
            if (stale != null) {
                for (int i = kept; i < length && i < stale.length; i++) {
                    data[i] = stale[i];
                }
            }
            length = kept;
        }
    }

    private final class SimAppendFile implements AppendFile {
        private final String path;
        private final Inode inode;
        private final int openedEpoch;
        private final List<Consumer<Throwable>> waiting = new ArrayList<>();
        private Throwable failure;
        private boolean closed;

        SimAppendFile(String path, Inode inode, int openedEpoch) {
            this.path = path;
            this.inode = inode;
            this.openedEpoch = openedEpoch;
        }

        private void checkUsable() throws IOException {
            if (openedEpoch != epoch) {
                throw new IOException("disk crashed since " + path + " was opened");
            }
            if (closed) {
                throw new IOException("file is closed: " + path);
            }
        }

        @Override
        public void append(byte[] bytes, int offset, int length) throws IOException {
            checkUsable();
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
                syncInode(path, inode);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public void syncAsync(Consumer<Throwable> onDurable) {
            if (timers == null) {
                onDurable.accept(syncQuietly());
                return;
            }
            waiting.add(onDurable);
            if (waiting.size() == 1) {
                int scheduledEpoch = epoch;
                timers.schedule(syncLatencyMicros, () -> completeWaiting(scheduledEpoch));
            }
        }

        private void completeWaiting(int scheduledEpoch) {
            if (scheduledEpoch != epoch) {
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
            if (!closed && openedEpoch == epoch && inode.stale != null) {
                inode.stale = null; // the old bytes past the end are cut off
            }
            closed = true;
        }
    }

    private static final class SimReadFile implements ReadFile {
        private final byte[] bytes;
        private final int length;

        SimReadFile(byte[] bytes, int length) {
            this.bytes = bytes;
            this.length = length;
        }

        @Override
        public long size() {
            return length;
        }

        @Override
        public void read(long position, byte[] destination, int offset, int length) throws IOException {
            ReadFile.checkWithin(position, length, this.length);
            System.arraycopy(bytes, (int) position, destination, offset, length);
        }

        @Override
        public void close() {
        }
    }
}
