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
 * the caller's thread. {@link #setSyncLatencyMicros} makes the disk slow (or fast again) for the syncs
 * requested from then on. Reads are synchronous and take no simulated time.
 *
 * <p>Faults besides crashes: {@link #failNextSyncs} (a failed fsync); {@link #setCapacityBytes} (a full
 * disk: an append that would take the bytes held by all files past the capacity throws
 * {@value #NO_SPACE_MESSAGE} and fails its file, as a failed write fails a real one);
 * {@link #failReads} (reads of a chosen file and byte range throw, a bad block).
 *
 * <p>This class is the disk API and the crash models; a file's bytes are a {@link SimInode}, open
 * files are {@link SimAppendFile} and {@link SimReadFile}.
 *
 * <p>Threading: not thread-safe; the simulator drives it from one thread.
 */
public final class SimDisk implements Disk {
    /** Retired files kept per directory, as the real disk keeps them. */
    public static final int RETIRED_FILES_MAX = 2;
    /** The message of a write to a full disk, as the operating system words ENOSPC. */
    public static final String NO_SPACE_MESSAGE = "No space left on device";
    private final Random random;
    private final Timers timers;
    private long syncLatencyMicros;
    private long capacityBytes = Long.MAX_VALUE;
    private final List<ReadFault> readFaults = new ArrayList<>();
    private long noSpaceCount;
    private long readErrorCount;
    private final TreeMap<String, SimInode> files = new TreeMap<>();
    private final TreeMap<String, Boolean> directories = new TreeMap<>();
    private final TreeMap<String, ArrayDeque<SimInode>> retired = new TreeMap<>();
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
        for (SimInode inode : distinctInodes()) {
            inode.loseUnsyncedFrom(inode.syncedLength);
        }
        epoch++;
    }

    /** Like {@link #crash()}, but each file also keeps a random prefix of its unsynced bytes. */
    public void crashTearingUnsyncedWrites() {
        for (SimInode inode : distinctInodes()) {
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
        for (SimInode inode : distinctInodes()) {
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

    /** Syncs requested from now on complete after {@code latencyMicros} (a slow disk, or normal again). */
    public void setSyncLatencyMicros(long latencyMicros) {
        if (latencyMicros < 0) {
            throw new IllegalArgumentException("sync latency must be >= 0 microseconds, got " + latencyMicros);
        }
        this.syncLatencyMicros = latencyMicros;
    }

    /**
     * Appends that would take the bytes of all files (synced or not, retired ones included) past
     * {@code capacityBytes} fail with {@value #NO_SPACE_MESSAGE}; {@code Long.MAX_VALUE} = no limit.
     * Files already past it stay as they are.
     */
    public void setCapacityBytes(long capacityBytes) {
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("capacity must be >= 0 bytes, got " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
    }

    public long capacityBytes() {
        return capacityBytes;
    }

    /** Bytes held by all files, synced or not, retired ones included. */
    public long usedBytes() {
        long used = 0;
        for (SimInode inode : distinctInodes()) {
            used += inode.visibleLength();
        }
        return used;
    }

    /**
     * The next {@code count} reads of files whose path starts with {@code pathPrefix} that touch
     * bytes in [{@code fromByte}, {@code toByte}) throw an IOException naming the file and offset.
     * Rules add up; {@link #clearReadFaults} removes them.
     */
    public void failReads(String pathPrefix, long fromByte, long toByte, int count) {
        if (fromByte < 0 || toByte <= fromByte || count <= 0) {
            throw new IllegalArgumentException("need 0 <= fromByte < toByte and count > 0, got " + fromByte + ", "
                    + toByte + ", " + count);
        }
        readFaults.add(new ReadFault(Objects.requireNonNull(pathPrefix, "pathPrefix"), fromByte, toByte,
                new int[] {count}));
    }

    /** Forgets every read fault not yet consumed. */
    public void clearReadFaults() {
        readFaults.clear();
    }

    /** Appends refused for lack of space, and reads failed by {@link #failReads}, so far: {noSpace, reads}. */
    public long[] faultCounts() {
        return new long[] {noSpaceCount, readErrorCount};
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
        SimInode inode = inode(path);
        return Arrays.copyOf(inode.data, inode.visibleLength());
    }

    /** Replaces the file's bytes, durably; for tests that fabricate damage. */
    public void overwrite(String path, byte[] bytes) throws IOException {
        SimInode inode = inode(path);
        inode.data = bytes.clone();
        inode.length = bytes.length;
        inode.syncedLength = bytes.length;
        inode.stale = null;
    }

    private List<SimInode> distinctInodes() {
        List<SimInode> result = new ArrayList<>();
        for (SimInode inode : files.values()) {
            if (!result.contains(inode)) {
                result.add(inode);
            }
        }
        for (ArrayDeque<SimInode> kept : retired.values()) {
            result.addAll(kept);
        }
        return result;
    }

    private SimInode inode(String path) throws IOException {
        SimInode inode = files.get(path);
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
        SimInode inode = new SimInode();
        files.put(path, inode);
        return new SimAppendFile(this, path, inode, epoch);
    }

    /** Hands out a file retired in the same directory, old bytes and all, when one is kept. */
    @Override
    public AppendFile createPreallocated(String path, long sizeBytes) throws IOException {
        ArrayDeque<SimInode> kept = retired.get(parent(path));
        if (kept == null || kept.isEmpty()) {
            return create(path);
        }
        if (files.containsKey(path)) {
            throw new IOException("file already exists: " + path);
        }
        checkSpace(path, 0); // the recycled file changes hands; a full disk still refuses to create
        SimInode old = kept.pollFirst();
        recycledCount++;
        SimInode inode = new SimInode();
        inode.stale = Arrays.copyOf(old.data, old.visibleLength());
        inode.data = inode.stale.clone();
        files.put(path, inode);
        return new SimAppendFile(this, path, inode, epoch);
    }

    @Override
    public boolean preallocatedReady(String directory, long sizeBytes) {
        ArrayDeque<SimInode> kept = retired.get(directory);
        return kept != null && !kept.isEmpty();
    }

    @Override
    public void retire(String path) {
        SimInode inode = files.remove(path);
        if (inode == null || files.containsValue(inode)) {
            return; // gone, or still reachable through another link: nothing to hand out
        }
        ArrayDeque<SimInode> kept = retired.computeIfAbsent(parent(path), directory -> new ArrayDeque<>());
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
        SimInode inode = inode(path);
        if (inode.stale != null) {
            // Appends write over the old bytes in place: a reader gets its own copy.
            return new SimReadFile(this, path, Arrays.copyOf(inode.data, inode.visibleLength()),
                    inode.visibleLength());
        }
        // No copy: bytes below the length never change in place (truncate copies; appends go past it).
        return new SimReadFile(this, path, inode.data, inode.length);
    }

    /** Throws {@value #NO_SPACE_MESSAGE} when {@code growthBytes} more would pass the capacity. */
    void checkSpace(String path, long growthBytes) throws IOException {
        if (capacityBytes != Long.MAX_VALUE && usedBytes() + growthBytes > capacityBytes) {
            noSpaceCount++;
            throw new IOException(NO_SPACE_MESSAGE + ": " + path + " (" + capacityBytes + " bytes)");
        }
    }

    /** Throws the read error injected for {@code length} bytes at {@code position} of {@code path}, if any. */
    void checkRead(String path, long position, int length) throws IOException {
        for (ReadFault fault : readFaults) {
            if (path.startsWith(fault.pathPrefix) && position < fault.toByte && position + length > fault.fromByte
                    && fault.remaining[0] > 0) {
                fault.remaining[0]--;
                if (fault.remaining[0] == 0) {
                    readFaults.remove(fault);
                }
                readErrorCount++;
                throw new IOException("Input/output error: injected read error in " + path + " at byte "
                        + Math.max(position, fault.fromByte));
            }
        }
    }

    private record ReadFault(String pathPrefix, long fromByte, long toByte, int[] remaining) {
    }

    @Override
    public void truncate(String path, long sizeBytes) throws IOException {
        SimInode inode = inode(path);
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
        SimInode inode = inode(source);
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

    /** The crash count: a file opened before the latest crash refuses further use. */
    int epoch() {
        return epoch;
    }

    /** Where asynchronous syncs wait their latency, or null when they complete at once. */
    Timers timers() {
        return timers;
    }

    /** How long a sync requested now takes, in (simulated) microseconds. */
    public long syncLatencyMicros() {
        return syncLatencyMicros;
    }

    /** Syncs {@code inode} (the file at {@code path}), or throws the failure injected for it. */
    void syncInode(String path, SimInode inode) throws IOException {
        if (syncFailuresToInject > 0 && path.startsWith(syncFailurePathPrefix)) {
            syncFailuresToInject--;
            throw new IOException("injected sync failure");
        }
        syncCount++;
        inode.syncedLength = inode.length;
    }
}
