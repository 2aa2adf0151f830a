package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import ringdb.cli.cluster.LocalCluster;
import ringdb.client.RingClient;
import ringdb.storage.commitlog.CommitLogFormat;

/**
 * A real node whose commit log was damaged (a flipped byte with records after it): it refuses to
 * start, naming the file, the offset and the way out; started with
 * {@code skip_corrupt_commit_log_records} it replays everything else and reports the skip.
 */
@Timeout(120)
class CommitLogDamageIntegrationTest {
    private static final int KEYS = 200;
    private ClusterHarness cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aDamagedCommitLogStopsTheNodeUntilItIsToldToSkipTheDamage() throws Exception {
        Path dir = Files.createTempDirectory("ringdb-damage-it-");
        cluster = new ClusterHarness(dir);
        ClusterHarness.Run start = ClusterHarness.cli("cluster", "start", "--dir", dir.toString(),
                "--nodes", "1", "--rf", "1", "--internode-port", "0", "--http-port", "0", "--wait-seconds", "60",
                "--heap", "256m");
        assertThat(start.exitCode()).as(start.out() + start.err()).isZero();
        LocalCluster.Member node = cluster.members().get(0);
        try (RingClient client = new RingClient(List.of(node.httpAddress()), RingClient.Options.defaults())) {
            for (int i = 0; i < KEYS; i++) {
                // acknowledged after its fsync
                client.put(key(i), ("value-" + i).getBytes(StandardCharsets.UTF_8), "ONE");
            }
        }
        ProcessHandle process = node.process().orElseThrow();
        process.destroyForcibly(); // SIGKILL: nothing flushed, every write is in the commit log only
        assertThat(process.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();

        Path segment = newestSegment(node.directory().resolve("data").resolve("data").resolve("commitlog"));
        byte[] bytes = Files.readAllBytes(segment);
        int written = bytes.length;
        while (written > 0 && bytes[written - 1] == 0) {
            written--; // a preallocated segment ends in zeros after its records
        }
        int damaged = CommitLogFormat.SEGMENT_HEADER_SIZE_BYTES
                + (written - CommitLogFormat.SEGMENT_HEADER_SIZE_BYTES) / 2;
        bytes[damaged] ^= 0x40;
        Files.write(segment, bytes);

        ClusterHarness.Run refused = ClusterHarness.cli("cluster", "start", "--dir", dir.toString(),
                "--wait-seconds", "60");
        assertThat(refused.exitCode()).as(refused.out() + refused.err()).isNotZero();
        String log = Files.readString(node.directory().resolve(LocalCluster.LOG_FILE));
        assertThat(log).contains(segment.getFileName().toString()).contains("is corrupt at offset")
                .contains("skip_corrupt_commit_log_records");

        ClusterHarness.Run skipping = ClusterHarness.cli("cluster", "start", "--dir", dir.toString(),
                "--wait-seconds", "60", "--server-flag=--skip-corrupt-commit-log-records=true");
        assertThat(skipping.exitCode()).as(skipping.out() + skipping.err()).isZero();
        assertThat(Files.readString(node.directory().resolve(LocalCluster.LOG_FILE)))
                .contains("SKIPPED 1 corrupt records");
        int present = 0;
        try (RingClient client = new RingClient(List.of(cluster.http(0)), RingClient.Options.defaults())) {
            for (int i = 0; i < KEYS; i++) {
                present += client.get(key(i), "ONE").isPresent() ? 1 : 0;
            }
        }
        assertThat(present).as("every write but the damaged record's").isEqualTo(KEYS - 1);
    }

    private static byte[] key(int i) {
        return ("damage-" + i).getBytes(StandardCharsets.UTF_8);
    }

    private static Path newestSegment(Path commitLog) throws Exception {
        try (Stream<Path> files = Files.list(commitLog)) {
            return files.filter(p -> CommitLogFormat.segmentId(p.getFileName().toString()) >= 0)
                    .max(Comparator.comparingLong(p -> CommitLogFormat.segmentId(p.getFileName().toString())))
                    .orElseThrow();
        }
    }
}
