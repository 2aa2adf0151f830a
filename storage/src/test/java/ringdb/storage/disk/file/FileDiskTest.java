package ringdb.storage.disk.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ringdb.core.Clock;
import ringdb.core.Timers;
import ringdb.core.data.Cell;
import ringdb.core.ring.Partitioner;
import ringdb.core.store.LocalStore;
import ringdb.storage.CorruptionException;
import ringdb.storage.Snapshots;
import ringdb.storage.StorageConfig;
import ringdb.storage.StorageEngine;
import ringdb.storage.disk.AppendFile;
import ringdb.storage.disk.ReadFile;
import ringdb.storage.rows.EntryKeys;
import ringdb.storage.rows.TestRowKeys;
import ringdb.storage.sstable.SSTableFormat;

class FileDiskTest {
    private static final Clock FROZEN = Clock.fixed(0);
    private static final Timers NO_TIMERS = (delay, task) -> () -> { };

    @TempDir
    Path root;

    @Test
    void appendSyncReadAndGroupCallbacks() throws Exception {
        try (FileDisk disk = new FileDisk(200)) {
            String path = root.resolve("f").toString();
            AppendFile file = disk.create(path);
            byte[] chunk = new byte[100_000];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (byte) i;
            }
            CountDownLatch done = new CountDownLatch(10);
            List<Throwable> failures = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                file.append(chunk, 0, chunk.length);
                file.syncAsync(failure -> {
                    synchronized (failures) {
                        if (failure != null) {
                            failures.add(failure);
                        }
                    }
                    done.countDown();
                });
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(failures).isEmpty();
            assertThat(disk.syncRequestCount()).isEqualTo(10);
            assertThat(disk.syncGroupCount()).isBetween(1L, 10L);
            file.close();
            file.sync(); // everything was synced before the close: nothing to do, no error
            assertThat(Files.size(Path.of(path))).isEqualTo(1_000_000);
            try (ReadFile read = disk.openRead(path)) {
                assertThat(read.read(999_999, 1)[0]).isEqualTo(chunk[99_999]);
                assertThatThrownBy(() -> read.read(999_999, 2)).isInstanceOf(EOFException.class);
            }
            assertThatThrownBy(() -> disk.create(path)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void underLoadTheSyncWaitsTheBusyWindowSoOneFsyncServesTheWritesThatArrived() throws Exception {
        long windowMicros = 50_000;
        try (FileDisk disk = new FileDisk(0, windowMicros, System::nanoTime)) {
            AppendFile file = disk.create(root.resolve("f").toString());
            CountDownLatch later = new CountDownLatch(2);
            long[] requestedAt = new long[1];
            file.append(new byte[] {1}, 0, 1);
            // the first write's callback runs on the sync thread: the two requests it makes arrived during a sync
            file.syncAsync(first -> {
                try {
                    file.append(new byte[] {2, 3}, 0, 2);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                requestedAt[0] = System.nanoTime();
                file.syncAsync(failure -> later.countDown());
                file.syncAsync(failure -> later.countDown());
            });
            assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
            long waitedNanos = System.nanoTime() - requestedAt[0];
            assertThat(waitedNanos).isGreaterThanOrEqualTo(TimeUnit.MICROSECONDS.toNanos(windowMicros));
            assertThat(disk.syncGroupCount()).isEqualTo(2); // the first write's fsync, then one for both
            assertThat(disk.syncRequestCount()).isEqualTo(3);
        }
    }

    @Test
    void writersThatAllCameBackAreSyncedWithoutWaitingOutTheBusyWindow() throws Exception {
        long windowMicros = TimeUnit.MINUTES.toMicros(10);
        try (FileDisk disk = new FileDisk(0, windowMicros, System::nanoTime)) {
            AppendFile file = disk.create(root.resolve("f").toString());
            CountDownLatch firstDone = new CountDownLatch(1);
            CountDownLatch bothDone = new CountDownLatch(2);
            file.append(new byte[] {1}, 0, 1);
            // two writers: the second's request arrives during the first's sync, then the first writes again
            file.syncAsync(first -> {
                file.syncAsync(failure -> bothDone.countDown());
                firstDone.countDown();
            });
            assertThat(firstDone.await(30, TimeUnit.SECONDS)).isTrue();
            awaitSyncThreadWaitingForAGroup();
            file.append(new byte[] {2}, 0, 1);
            file.syncAsync(failure -> bothDone.countDown());
            assertThat(bothDone.await(30, TimeUnit.SECONDS)).as("synced once both writers were waiting").isTrue();
            assertThat(disk.syncGroupCount()).isEqualTo(2);
        }
    }

    @Test
    void anInterruptEndsTheBusyWaitSyncsBeforeAcknowledgingAndIsKeptOnTheThread() throws Exception {
        long windowMicros = TimeUnit.MINUTES.toMicros(10);
        try (FileDisk disk = new FileDisk(0, windowMicros, System::nanoTime)) {
            Path path = root.resolve("f");
            AppendFile file = disk.create(path.toString());
            CompletableFuture<Thread> syncThread = new CompletableFuture<>();
            CompletableFuture<Throwable> second = new CompletableFuture<>();
            file.append(new byte[] {1}, 0, 1);
            file.syncAsync(first -> {
                syncThread.complete(Thread.currentThread());
                file.syncAsync(second::complete); // waits for a group: 10 minutes or a second writer
            });
            awaitSyncThreadWaitingForAGroup();
            file.append(new byte[] {2}, 0, 1);
            syncThread.get(30, TimeUnit.SECONDS).interrupt();
            assertThat(second.get(30, TimeUnit.SECONDS)).as("synced, not failed").isNull();
            assertThat(Files.readAllBytes(path)).as("written before the acknowledgement").containsExactly(1, 2);
            // the interrupt never reached the channel, which would have closed itself for good, and it is
            // kept: the next group forms without waiting out the window
            assertSyncedWithoutWaitingForAGroup(file, (byte) 3);
            assertThat(Files.readAllBytes(path)).containsExactly(1, 2, 3);
        }
    }

    @Test
    void anInterruptOfTheIdleSyncThreadDoesNotFailLaterWrites() throws Exception {
        try (FileDisk disk = new FileDisk(0, TimeUnit.MINUTES.toMicros(10), System::nanoTime)) {
            Path path = root.resolve("f");
            AppendFile file = disk.create(path.toString());
            CompletableFuture<Thread> syncThread = new CompletableFuture<>();
            file.append(new byte[] {1}, 0, 1);
            file.syncAsync(first -> syncThread.complete(Thread.currentThread()));
            Thread thread = syncThread.get(30, TimeUnit.SECONDS);
            awaitState(thread, Thread.State.WAITING);
            thread.interrupt();
            CompletableFuture<Throwable> second = new CompletableFuture<>();
            file.append(new byte[] {2}, 0, 1);
            file.syncAsync(second::complete);
            assertThat(second.get(30, TimeUnit.SECONDS)).as("synced, not failed").isNull();
            assertThat(file.syncFailure()).isNull();
            assertSyncedWithoutWaitingForAGroup(file, (byte) 3);
            assertThat(Files.readAllBytes(path)).containsExactly(1, 2, 3);
        }
    }

    @Test
    void closeFromAnInterruptedThreadStillCompletesWhatWasRequestedAndKeepsTheInterrupt() throws Exception {
        long windowMicros = TimeUnit.MINUTES.toMicros(10);
        FileDisk disk = new FileDisk(0, windowMicros, System::nanoTime);
        AppendFile file = disk.create(root.resolve("f").toString());
        CountDownLatch second = new CountDownLatch(1);
        file.append(new byte[] {1}, 0, 1);
        file.syncAsync(first -> file.syncAsync(failure -> second.countDown()));
        awaitSyncThreadWaitingForAGroup();
        Thread.currentThread().interrupt();
        try {
            disk.close();
            assertThat(Thread.currentThread().isInterrupted()).as("the caller's interrupt is kept").isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(second.getCount()).as("completed before close returned").isZero();
        file.close();
    }

    /**
     * Two writers, the second asking during the first's sync, as under load: a sync thread that kept its
     * interrupt syncs the second at once instead of waiting out the disk's 10-minute busy window.
     */
    private static void assertSyncedWithoutWaitingForAGroup(AppendFile file, byte record) throws Exception {
        CompletableFuture<Throwable> second = new CompletableFuture<>();
        file.append(new byte[] {record}, 0, 1);
        file.syncAsync(first -> file.syncAsync(second::complete));
        assertThat(second.get(30, TimeUnit.SECONDS)).as("synced, not failed").isNull();
    }

    private static void awaitState(Thread thread, Thread.State state) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (thread.getState() != state) {
            assertThat(System.nanoTime()).as(thread + " reaches " + state).isLessThan(deadline);
            Thread.yield();
        }
    }

    /** Returns once the disk's sync thread waits (timed) for a group to grow; fails after 30 s. */
    private static void awaitSyncThreadWaitingForAGroup() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            boolean waiting = Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().equals("ringdb-disk-sync")
                            && t.getState() == Thread.State.TIMED_WAITING);
            if (waiting) {
                return;
            }
            assertThat(System.nanoTime()).as("the sync thread waits for a group").isLessThan(deadline);
            Thread.yield();
        }
    }

    @Test
    void aFullGroupIsSyncedWithoutWaitingOutTheBusyWindow() throws Exception {
        long windowMicros = TimeUnit.MINUTES.toMicros(10);
        try (FileDisk disk = new FileDisk(0, windowMicros, System::nanoTime)) {
            AppendFile file = disk.create(root.resolve("f").toString());
            CountDownLatch group = new CountDownLatch(GroupSyncer.BUSY_GROUP_SIZE);
            file.append(new byte[] {1}, 0, 1);
            file.syncAsync(first -> {
                for (int i = 0; i < GroupSyncer.BUSY_GROUP_SIZE; i++) {
                    file.syncAsync(failure -> group.countDown());
                }
            });
            assertThat(group.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(disk.syncGroupCount()).isEqualTo(2);
        }
    }

    @Test
    void closingBeforeSyncingFailsALaterSync() throws IOException {
        try (FileDisk disk = new FileDisk()) {
            AppendFile file = disk.create(root.resolve("g").toString());
            file.append(new byte[10], 0, 10);
            file.close();
            assertThatThrownBy(file::sync).isInstanceOf(IOException.class).hasMessageContaining("closed before");
        }
    }

    @Test
    void engineOnRealFilesWithSnapshotsAsHardLinks() throws IOException {
        String directory = root.resolve("node").toString();
        try (FileDisk disk = new FileDisk()) {
            StorageEngine engine = StorageEngine.open(disk, directory, StorageConfig.defaults(), FROZEN, NO_TIMERS);
            for (int i = 0; i < 1000; i++) {
                engine.apply(("k" + i).getBytes(StandardCharsets.UTF_8), Cell.value(new byte[100], i), failure -> { });
            }
            assertThat(engine.snapshot("before")).isEqualTo(1);
            Path table = Path.of(directory, "tables", "table-0000000000000001.db");
            assertThat(Files.getAttribute(table, "unix:nlink")).isEqualTo(2);
            engine.apply("k1".getBytes(StandardCharsets.UTF_8), Cell.tombstone(5000), failure -> { });
            engine.close();

            Snapshots.restore(disk, directory, "before");
            StorageEngine restored = StorageEngine.open(disk, directory, StorageConfig.defaults(), FROZEN, NO_TIMERS);
            assertThat(restored.read("k1".getBytes(StandardCharsets.UTF_8))).isEqualTo(Cell.value(new byte[100], 1));
            assertThat(restored.listSnapshots()).extracting(Snapshots.Snapshot::name).containsExactly("before");
            restored.close();
            Snapshots.delete(disk, directory, "before");
            assertThat(Files.exists(Path.of(directory, "snapshots", "before"))).isFalse();
        }
    }

    @Test
    void backgroundFlushesAndCompactionsKeepEveryWriteReadable() throws IOException {
        String directory = root.resolve("busy").toString();
        StorageConfig config = StorageConfig.builder().memtableSizeBytesMax(128 * 1024).build();
        int keys = 8000;
        try (FileDisk disk = new FileDisk()) {
            StorageEngine engine = StorageEngine.open(disk, directory, config, FROZEN, NO_TIMERS);
            for (int i = 0; i < keys; i++) {
                engine.apply(("k" + i).getBytes(StandardCharsets.UTF_8), Cell.value(value(i), i + 1), failure -> { });
                int probe = i / 2;
                assertThat(engine.read(("k" + probe).getBytes(StandardCharsets.UTF_8))).as("k%d", probe)
                        .isEqualTo(Cell.value(value(probe), probe + 1));
            }
            assertThat(engine.lastBackgroundFailure()).isNull();
            engine.close();
            StorageEngine reopened = StorageEngine.open(disk, directory, config, FROZEN, NO_TIMERS);
            assertThat(reopened.stats().tableCount()).isPositive();
            assertThat(reopened.scan(0, 0, null, keys + 1)).hasSize(keys);
            for (int i = 0; i < keys; i++) {
                assertThat(reopened.read(("k" + i).getBytes(StandardCharsets.UTF_8)))
                        .isEqualTo(Cell.value(value(i), i + 1));
            }
            reopened.close();
        }
    }

    @Test
    void tableBlocksAreReadWhereTheFileIsMappedAndADamagedBlockIsStillCaught() throws IOException {
        String directory = root.resolve("mapped").toString();
        StorageConfig config = StorageConfig.builder().blockSizeBytes(512).build();
        int partitions = 200;
        try (FileDisk disk = new FileDisk()) {
            StorageEngine engine = StorageEngine.open(disk, directory, config, FROZEN, NO_TIMERS);
            for (int p = 0; p < partitions; p++) {
                List<LocalStore.Entry> row = new ArrayList<>();
                for (int ck = 0; ck < 3; ck++) {
                    row.add(new LocalStore.Entry(EntryKeys.decorate(Partitioner.SHA1, TestRowKeys.cell("p" + p, ck,
                            "c")), Cell.value(value(p * 3 + ck), 7)));
                }
                engine.applyBatch(row, failure -> { });
                engine.apply(("k" + p).getBytes(StandardCharsets.UTF_8), Cell.value(value(p), 7), failure -> { });
            }
            engine.flush();
            for (int p = 0; p < partitions; p++) {
                long token = EntryKeys.decorate(Partitioner.SHA1, TestRowKeys.partition("p" + p)).token();
                for (boolean reversed : new boolean[] {false, true}) {
                    List<LocalStore.Entry> found = engine.slice(token, TestRowKeys.partition("p" + p),
                            TestRowKeys.partitionEnd("p" + p), reversed, 10);
                    assertThat(found).hasSize(3);
                    int first = reversed ? 2 : 0;
                    assertThat(found.get(0).key().key()).isEqualTo(TestRowKeys.cell("p" + p, first, "c"));
                    assertThat(found.get(0).cell()).isEqualTo(Cell.value(value(p * 3 + first), 7));
                }
                assertThat(engine.read(("k" + p).getBytes(StandardCharsets.UTF_8))).isEqualTo(Cell.value(value(p), 7));
            }
            Path table = Path.of(engine.tables().get(0).path());
            try (FileChannel channel = FileChannel.open(table, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
                long at = SSTableFormat.HEADER_SIZE_BYTES + 40; // inside the first data block
                channel.read(one, at);
                one.put(0, (byte) (one.get(0) ^ 0x5A)).position(0);
                channel.write(one, at);
            }
            assertThatThrownBy(() -> engine.scan(0, 0, null, 10 * partitions)).hasRootCauseInstanceOf(
                    CorruptionException.class).hasMessageContaining("checksum mismatch");
            engine.close();
        }
    }

    private static byte[] value(int i) {
        byte[] value = new byte[200];
        value[0] = (byte) i;
        value[199] = (byte) (i >> 8);
        return value;
    }

    @Test
    void aDirectoryOpenInOneEngineCannotBeOpenedByAnother() throws IOException {
        String directory = root.resolve("locked").toString();
        try (FileDisk disk = new FileDisk()) {
            StorageEngine engine = StorageEngine.open(disk, directory, StorageConfig.defaults(), FROZEN, NO_TIMERS);
            assertThatThrownBy(() -> StorageEngine.open(disk, directory, StorageConfig.defaults(), FROZEN, NO_TIMERS))
                    .isInstanceOf(IOException.class).hasMessageContaining("already open in this process");
            assertThatThrownBy(() -> Snapshots.restore(disk, directory, "none"))
                    .isInstanceOf(IllegalArgumentException.class);
            engine.close();
            StorageEngine again = StorageEngine.open(disk, directory, StorageConfig.defaults(), FROZEN, NO_TIMERS);
            again.close();
        }
    }

    @Test
    void anErrorOnTheSyncThreadIsFatalNotSilent() throws Exception {
        Path path = root.resolve("fatal");
        CompletableFuture<Throwable> fatal = new CompletableFuture<>();
        GroupSyncer syncer = new GroupSyncer(0, 0, () -> 0, fatal::complete);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileAppendFile file = new FileAppendFile(path.toString(), channel, syncer);
            byte[] record = "r".getBytes(StandardCharsets.UTF_8);
            file.append(record, 0, record.length);
            OutOfMemoryError error = new OutOfMemoryError("simulated");
            file.syncAsync(failure -> {
                throw error;
            });
            assertThat(fatal.get(5, TimeUnit.SECONDS)).isSameAs(error);
            syncer.close();
        }
    }

    @Test
    void aFailedWriteFailsTheFileSoNothingLaterIsAcknowledgedOverTheGap() throws Exception {
        Path path = root.resolve("read-only");
        Files.write(path, new byte[0]);
        // A channel that cannot write: the buffer's write out fails as a full disk or an I/O error would.
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            FileAppendFile file = new FileAppendFile(path.toString(), channel, new GroupSyncer(0, 0, () -> 0));
            byte[] record = "lost in the write".getBytes(StandardCharsets.UTF_8);
            file.append(record, 0, record.length);
            assertThatThrownBy(file::sync).isInstanceOf(NonWritableChannelException.class);
            assertThat(file.syncFailure()).isNotNull();
            file.append(record, 0, record.length);
            assertThatThrownBy(file::sync).isInstanceOf(IOException.class).hasMessageContaining("failed");
            file.close();
        }
    }
}
