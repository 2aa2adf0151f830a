package ringdb.storage.disk.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ringdb.core.Clock;
import ringdb.core.Timers;
import ringdb.core.data.Cell;
import ringdb.storage.RecoveryReport;
import ringdb.storage.StorageConfig;
import ringdb.storage.StorageEngine;
import ringdb.storage.StorageLayout;
import ringdb.storage.commitlog.CommitLogFormat;
import ringdb.storage.disk.AppendFile;

/** Commit log segments that start as zero-filled spares: their shape on disk and after a crash. */
class PreallocatedSegmentTest {
    private static final Clock FROZEN = Clock.fixed(0);
    private static final Timers NO_TIMERS = (delay, task) -> () -> { };
    private static final long SPARE_WAIT_MILLIS = 30_000;

    @TempDir
    Path root;

    @Test
    void aPreallocatedFileIsWrittenOverFromItsStartAndItsZeroTailIsCutOnClose() throws Exception {
        try (FileDisk disk = new FileDisk()) {
            AppendFile first = disk.createPreallocated(root.resolve("a").toString(), 1 << 20);
            assertThat(first.size()).isZero(); // no spare was ready yet: a plain file
            first.close();
            assertThat(disk.awaitPreallocatedSpare(root.toString(), SPARE_WAIT_MILLIS)).isTrue();
            Path path = root.resolve("b");
            AppendFile file = disk.createPreallocated(path.toString(), 1 << 20);
            assertThat(Files.size(path)).isEqualTo(1 << 20);
            assertThat(file.size()).isZero();
            byte[] bytes = "written over the zeros".getBytes(StandardCharsets.UTF_8);
            file.append(bytes, 0, bytes.length);
            file.sync();
            assertThat(file.size()).isEqualTo(bytes.length);
            byte[] onDisk = Files.readAllBytes(path);
            assertThat(onDisk).hasSize(1 << 20).startsWith(bytes);
            for (int i = bytes.length; i < onDisk.length; i++) {
                assertThat(onDisk[i]).as("byte %d", i).isZero();
            }
            file.close();
            assertThat(Files.readAllBytes(path)).isEqualTo(bytes);
        }
        try (Stream<Path> left = Files.list(root)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("a", "b"); // spare deleted
        }
    }

    @Test
    void aCrashImageWithAZeroTailRecoversEveryAcknowledgedWriteAndReportsTheCut() throws Exception {
        String directory = root.resolve("node").toString();
        Path image = root.resolve("image");
        StorageConfig config = StorageConfig.builder().commitLogSizes(64L << 20, 1L << 20).build();
        List<byte[]> keys = new ArrayList<>();
        try (FileDisk disk = new FileDisk()) {
            StorageEngine engine = StorageEngine.open(disk, directory, config, FROZEN, NO_TIMERS);
            write(engine, key(-1));
            assertThat(disk.awaitPreallocatedSpare(StorageLayout.commitLog(directory), SPARE_WAIT_MILLIS)).isTrue();
            engine.flush(); // the next segment starts from the spare
            for (int i = 0; i < 300; i++) {
                keys.add(key(i));
                write(engine, keys.get(i));
            }
            copyTree(Path.of(directory), image); // what the disk holds if the node died now
            engine.close();
        }
        Path newest = image.resolve("commitlog").resolve(CommitLogFormat.segmentName(2));
        long preallocatedSizeBytes = Files.size(newest);
        assertThat(preallocatedSizeBytes).isEqualTo(1L << 20);
        try (FileDisk disk = new FileDisk()) {
            StorageEngine recovered = StorageEngine.open(disk, image.toString(), config, FROZEN, NO_TIMERS);
            List<RecoveryReport.TornTail> cuts = recovered.recoveryReport().tornTails();
            assertThat(cuts).hasSize(1);
            assertThat(cuts.get(0).path()).endsWith(CommitLogFormat.segmentName(2));
            assertThat(cuts.get(0).offset() + cuts.get(0).bytes()).isEqualTo(preallocatedSizeBytes);
            assertThat(recovered.recoveryReport().recordsReplayed()).isEqualTo(300);
            for (byte[] key : keys) {
                assertThat(recovered.read(key)).isNotNull();
            }
            recovered.close();
            assertThat(Files.size(newest)).isEqualTo(cuts.get(0).offset());
            StorageEngine again = StorageEngine.open(disk, image.toString(), config, FROZEN, NO_TIMERS);
            assertThat(again.recoveryReport().tornTails()).isEmpty();
            assertThat(again.recoveryReport().recordsReplayed()).isEqualTo(300);
            again.close();
        }
    }

    @Test
    void theLogMovesOntoAPreallocatedSegmentAsSoonAsOneIsReady() throws Exception {
        String directory = root.resolve("node").toString();
        StorageConfig config = StorageConfig.builder().commitLogSizes(64L << 20, 1L << 20).build();
        Path log = Path.of(StorageLayout.commitLog(directory));
        try (FileDisk disk = new FileDisk()) {
            StorageEngine engine = StorageEngine.open(disk, directory, config, FROZEN, NO_TIMERS);
            write(engine, key(0));
            assertThat(Files.size(log.resolve(CommitLogFormat.segmentName(1))))
                    .as("no spare was ready when the engine opened: the first segment is a plain file")
                    .isLessThan(1L << 20);
            assertThat(disk.awaitPreallocatedSpare(log.toString(), SPARE_WAIT_MILLIS)).isTrue();
            write(engine, key(1));
            assertThat(Files.size(log.resolve(CommitLogFormat.segmentName(2))))
                    .as("the next write started a segment from the spare").isEqualTo(1L << 20);
            write(engine, key(2));
            assertThat(Files.exists(log.resolve(CommitLogFormat.segmentName(3)))).as("and stayed on it").isFalse();
            engine.close();
            StorageEngine reopened = StorageEngine.open(disk, directory, config, FROZEN, NO_TIMERS);
            for (int i = 0; i < 3; i++) {
                assertThat(reopened.read(key(i))).as("key %d", i).isNotNull();
            }
            reopened.close();
        }
    }

    @Test
    void aFlushedSegmentIsWrittenOverAsALaterOneAndACrashImageOverItsOldRecordsRecovers() throws Exception {
        String directory = root.resolve("node").toString();
        Path image = root.resolve("image");
        StorageConfig config = StorageConfig.builder().commitLogSizes(64L << 20, 1L << 20).build();
        Path log = Path.of(StorageLayout.commitLog(directory));
        List<byte[]> keys = new ArrayList<>();
        try (FileDisk disk = new FileDisk()) {
            StorageEngine engine = StorageEngine.open(disk, directory, config, FROZEN, NO_TIMERS);
            // Segment 2 holds 900 records; each flush starts a segment from the spare, and retires
            // the segments it covers to become later spares: segment 5 is segment 2's file.
            for (int segment = 1; segment <= 4; segment++) {
                int records = segment == 2 ? 900 : 1;
                for (int i = 0; i < records; i++) {
                    write(engine, key(10_000 * segment + i));
                }
                assertThat(disk.awaitPreallocatedSpare(log.toString(), SPARE_WAIT_MILLIS)).isTrue();
                engine.flush();
            }
            for (int i = 0; i < 300; i++) {
                keys.add(key(i));
                write(engine, keys.get(i));
            }
            copyTree(Path.of(directory), image); // what the disk holds if the node died now
            engine.close();
        }
        try (Stream<Path> files = Files.list(log)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("spare and retired files deleted on close")
                    .noneMatch(name -> name.endsWith(SegmentPreallocator.RETIRED_SUFFIX));
        }
        Path newest = image.resolve("commitlog").resolve(CommitLogFormat.segmentName(5));
        byte[] onDisk = Files.readAllBytes(newest);
        assertThat(onDisk).hasSize(1 << 20);
        try (FileDisk disk = new FileDisk()) {
            StorageEngine recovered = StorageEngine.open(disk, image.toString(), config, FROZEN, NO_TIMERS);
            List<RecoveryReport.TornTail> cuts = recovered.recoveryReport().tornTails();
            assertThat(cuts).hasSize(1);
            RecoveryReport.TornTail cut = cuts.get(0);
            assertThat(cut.path()).endsWith(CommitLogFormat.segmentName(5));
            assertThat(cut.offset() + cut.bytes()).isEqualTo(onDisk.length);
            assertThat(Arrays.copyOfRange(onDisk, (int) cut.offset(), (int) cut.offset() + 100_000))
                    .as("segment 2's old records follow the new ones").containsAnyOf((byte) 'k');
            assertThat(recovered.recoveryReport().recordsReplayed()).isEqualTo(300);
            for (byte[] key : keys) {
                assertThat(recovered.read(key)).isNotNull();
            }
            recovered.close();
        }
    }

    @Test
    void retiredFilesBecomeSparesAtMostTwoAreKeptAndOneLinkedElsewhereIsNeverWrittenOver() throws Exception {
        Path directory = Files.createDirectories(root.resolve("log"));
        byte[][] contents = new byte[4][];
        for (int i = 0; i < 4; i++) {
            contents[i] = ("old bytes of file " + i).getBytes(StandardCharsets.UTF_8);
            Files.write(directory.resolve("f" + i), contents[i]);
        }
        Path backup = root.resolve("backup");
        Files.createLink(backup, directory.resolve("f3"));
        try (FileDisk disk = new FileDisk()) {
            disk.retire(directory.resolve("f3").toString()); // linked elsewhere: deleted, never recycled
            for (int i = 0; i < 3; i++) {
                disk.retire(directory.resolve("f" + i).toString());
            }
            try (Stream<Path> files = Files.list(directory)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder("retired-f0.spare", "retired-f1.spare");
            }
            assertThat(Files.readAllBytes(backup)).isEqualTo(contents[3]);
            disk.createPreallocated(directory.resolve("plain").toString(), 4096).close(); // none ready yet
            assertThat(disk.awaitPreallocatedSpare(directory.toString(), SPARE_WAIT_MILLIS)).isTrue();
            Path recycled = directory.resolve("recycled");
            AppendFile file = disk.createPreallocated(recycled.toString(), 4096);
            assertThat(file.preallocated()).isTrue();
            byte[] onDisk = Files.readAllBytes(recycled);
            // the oldest retired file, its missing end zero-filled
            assertThat(onDisk).hasSize(4096).startsWith(contents[0]);
            assertThat(onDisk[contents[0].length]).isZero();
            file.close();
            assertThat(Files.size(recycled)).as("nothing was written over it: all cut on close").isZero();
        }
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("plain", "recycled");
        }
    }

    @Test
    void retiredFilesLeftByAProcessThatDiedAreAdopted() throws Exception {
        Path directory = Files.createDirectories(root.resolve("log"));
        byte[] old = "left by a crashed run".getBytes(StandardCharsets.UTF_8);
        Files.write(directory.resolve(SegmentPreallocator.RETIRED_PREFIX + CommitLogFormat.segmentName(7)
                + SegmentPreallocator.RETIRED_SUFFIX), old);
        try (FileDisk disk = new FileDisk()) {
            disk.createPreallocated(directory.resolve("plain").toString(), 4096).close();
            assertThat(disk.awaitPreallocatedSpare(directory.toString(), SPARE_WAIT_MILLIS)).isTrue();
            Path next = directory.resolve("next");
            AppendFile file = disk.createPreallocated(next.toString(), 4096);
            assertThat(Files.readAllBytes(next)).hasSize(4096).startsWith(old);
            file.close();
        }
    }

    private static byte[] key(int i) {
        return ("key-" + i).getBytes(StandardCharsets.UTF_8);
    }

    private static void write(StorageEngine engine, byte[] key) throws InterruptedException {
        CountDownLatch acknowledged = new CountDownLatch(1);
        List<Throwable> failures = new ArrayList<>();
        engine.apply(key, Cell.value(new byte[1024], 1), failure -> {
            if (failure != null) {
                failures.add(failure);
            }
            acknowledged.countDown();
        });
        assertThat(acknowledged.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(failures).isEmpty();
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path copy = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                } else if (!path.getFileName().toString().equals(FileDisk.LOCK_FILE_NAME)) {
                    Files.copy(path, copy);
                }
            }
        }
    }
}
