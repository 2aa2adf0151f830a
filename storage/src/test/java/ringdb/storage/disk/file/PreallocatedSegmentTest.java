package ringdb.storage.disk.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
        StorageConfig config = StorageConfig.defaults().withCommitLogSizes(64L << 20, 1L << 20);
        List<byte[]> keys = new ArrayList<>();
        try (FileDisk disk = new FileDisk()) {
            StorageEngine engine = StorageEngine.open(disk, directory, config, () -> 0L, NO_TIMERS);
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
            StorageEngine recovered = StorageEngine.open(disk, image.toString(), config, () -> 0L, NO_TIMERS);
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
            StorageEngine again = StorageEngine.open(disk, image.toString(), config, () -> 0L, NO_TIMERS);
            assertThat(again.recoveryReport().tornTails()).isEmpty();
            assertThat(again.recoveryReport().recordsReplayed()).isEqualTo(300);
            again.close();
        }
    }

    @Test
    void theLogMovesOntoAPreallocatedSegmentAsSoonAsOneIsReady() throws Exception {
        String directory = root.resolve("node").toString();
        StorageConfig config = StorageConfig.defaults().withCommitLogSizes(64L << 20, 1L << 20);
        Path log = Path.of(StorageLayout.commitLog(directory));
        try (FileDisk disk = new FileDisk()) {
            StorageEngine engine = StorageEngine.open(disk, directory, config, () -> 0L, NO_TIMERS);
            write(engine, key(0));
            assertThat(Files.size(log.resolve(CommitLogFormat.segmentName(1))))
                    .as("no spare was ready when the engine opened: the first segment is a plain file").isLessThan(1L << 20);
            assertThat(disk.awaitPreallocatedSpare(log.toString(), SPARE_WAIT_MILLIS)).isTrue();
            write(engine, key(1));
            assertThat(Files.size(log.resolve(CommitLogFormat.segmentName(2))))
                    .as("the next write started a segment from the spare").isEqualTo(1L << 20);
            write(engine, key(2));
            assertThat(Files.exists(log.resolve(CommitLogFormat.segmentName(3)))).as("and stayed on it").isFalse();
            engine.close();
            StorageEngine reopened = StorageEngine.open(disk, directory, config, () -> 0L, NO_TIMERS);
            for (int i = 0; i < 3; i++) {
                assertThat(reopened.read(key(i))).as("key %d", i).isNotNull();
            }
            reopened.close();
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
