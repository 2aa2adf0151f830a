package ringdb.storage.disk.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ringdb.core.Clock;
import ringdb.core.data.Cell;
import ringdb.storage.StorageConfig;
import ringdb.storage.StorageEngine;
import ringdb.storage.StorageLayout;
import ringdb.storage.commitlog.CommitLogSegments;

/**
 * A real process, a real disk, a real SIGKILL: a child JVM writes with GROUP sync and prints each
 * acknowledged key; the parent kills it mid-load, reopens the engine, and finds every key the
 * child saw acknowledged.
 */
class RealDiskCrashTest {
    private static final Clock FROZEN = Clock.fixed(0);
    /** About 8 MiB: several flushes of the child's 2 MiB memtable, so flushed 1 MiB segments are recycled. */
    private static final int ACKS_BEFORE_KILL = 8000;
    private static final long CHILD_TIME_BOUND_SECONDS = 60;
    private static final int ROUNDS = 3;

    @TempDir
    Path directory;

    @Test
    void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
        List<String> acknowledged = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            acknowledged.addAll(runChildUntilKilled(round * CrashChild.WRITES_MAX));
            if (round == 0) {
                // Segment 1 and others were retired: the disk keeps the first ones it is given and
                // makes later segments from them, so the kill lands among recycled segments.
                assertThat(segmentIds().get(0)).as("segments left after the kill: %s", segmentIds()).isGreaterThan(1);
            }
            try (FileDisk disk = new FileDisk()) {
                StorageEngine engine = StorageEngine.open(disk, directory.toString(), StorageConfig.defaults(),
                        FROZEN, (delay, task) -> () -> { });
                for (String key : acknowledged) {
                    int i = Integer.parseInt(key.substring("key-".length()));
                    assertThat(engine.read(key.getBytes(StandardCharsets.UTF_8))).as("round %d: %s", round, key)
                            .isEqualTo(Cell.value(CrashChild.value(i), i + 1));
                }
                engine.close();
            }
        }
        assertThat(new File(directory.toFile(), "commitlog").list()).isNotEmpty();
    }

    private List<Long> segmentIds() throws IOException {
        try (FileDisk disk = new FileDisk()) {
            return CommitLogSegments.ids(disk, StorageLayout.commitLog(directory.toString()));
        }
    }

    /** Starts a child writing keys from {@code firstKey}, kills it mid-load, returns the keys it saw acknowledged. */
    private List<String> runChildUntilKilled(int firstKey) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), directory.toString(), Integer.toString(firstKey));
        builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process child = builder.start();
        List<String> acknowledged = new ArrayList<>();
        try {
            CountDownLatch enough = new CountDownLatch(1);
            Thread reader = new Thread(() -> readAcks(child, acknowledged, enough), "crash-test-reader");
            reader.start();
            assertThat(enough.await(CHILD_TIME_BOUND_SECONDS, TimeUnit.SECONDS))
                    .as("child acknowledged %d writes within the time bound", ACKS_BEFORE_KILL).isTrue();
            assertLockedByTheChild();
            child.destroyForcibly(); // SIGKILL on Unix
            assertThat(child.waitFor(CHILD_TIME_BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
            reader.join(TimeUnit.SECONDS.toMillis(CHILD_TIME_BOUND_SECONDS));
        } finally {
            child.destroyForcibly();
        }
        synchronized (acknowledged) {
            assertThat(acknowledged.size()).isGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
            return new ArrayList<>(acknowledged);
        }
    }

    private void assertLockedByTheChild() throws IOException {
        try (FileDisk disk = new FileDisk()) {
            assertThatThrownBy(() -> StorageEngine.open(disk, directory.toString(), StorageConfig.defaults(), FROZEN,
                    (delay, task) -> () -> { })).isInstanceOf(IOException.class)
                    .hasMessageContaining("in use by another process");
        }
    }

    private static void readAcks(Process child, List<String> acknowledged, CountDownLatch enough) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (!line.startsWith("key-") || !line.endsWith(" .")) {
                    continue; // "ready", or a line cut short by the kill
                }
                synchronized (acknowledged) {
                    acknowledged.add(line.substring(0, line.length() - 2));
                    if (acknowledged.size() >= ACKS_BEFORE_KILL) {
                        enough.countDown();
                    }
                }
            }
        } catch (IOException e) {
            // The child was killed mid-line; the lines read so far stand.
        }
    }
}
