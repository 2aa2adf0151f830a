package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import ringdb.cli.cluster.LocalCluster;
import ringdb.client.RingClient;
import ringdb.client.RingClientException;

/**
 * A real node whose data directory is a small file system (a 48 MiB tmpfs the test mounts) is
 * written to until the disk is full: the failure policy is applied (the node stops serving, says
 * why to clients and in its status, and stays up; or, with {@code die}, its process ends with the
 * policy's status), no acknowledged write is lost, and once the file system is grown and the node
 * restarted it serves again. Needs root to mount; skipped with the reason where that fails.
 */
@Timeout(120)
class DiskFullIntegrationTest {
    private static final int VALUE_BYTES = 64 * 1024;
    private static final int WRITES_MAX = 5_000; // 312 MiB: far past the 48 MiB file system
    private static final Duration WRITING_MAX = Duration.ofSeconds(40);
    private static final List<String> SMALL_FILES = List.of("--commitlog-segment-size-bytes=1048576",
            "--memtable-flush-threshold-bytes=4194304");

    private Path dir;
    private Path disk;
    private ClusterHarness cluster;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        dir = Files.createTempDirectory("ringdb-disk-full-it-");
        disk = Files.createDirectories(dir.resolve("disk"));
        String failure = run("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", disk.toString());
        Assumptions.assumeTrue(failure == null, "needs root to mount a small tmpfs as the node's data directory"
                + " (CI runs as root): " + failure);
    }

    @AfterEach
    void unmount() throws Exception {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (run("umount", disk.toString()) != null) {
                run("umount", "-l", disk.toString()); // a process that outlived the kill still holds it
            }
        }
    }

    @Test
    void underStopTheNodeStopsServingLosesNoAcknowledgedWriteAndServesAfterARestart() throws Exception {
        LocalCluster.Member node = start(List.of());
        Written written = writeUntilRefused(node);
        // the write that hits the full disk fails with the disk's error; the policy may stop the node just before
        // that answer or just after it, so that write may or may not already say "stopped serving"
        assertThat(written.refusal()).as("a clear error, not a hang").containsIgnoringCase("no space left on device");
        String later = laterRefusal(node);
        assertThat(later).as("later writes refused at once, saying why").contains("stopped serving")
                .contains("restart it once the disk is fixed");
        JsonNode health = healthOf(node);
        assertThat(health.path("state").asText()).isEqualTo("STOPPED");
        assertThat(health.path("reason").asText()).containsIgnoringCase("no space left on device");
        ProcessHandle process = node.process().orElseThrow();
        assertThat(process.isAlive()).as("stop keeps the process up for operators").isTrue();
        process.destroyForcibly();
        assertThat(process.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();

        restartWithSpace();
        LocalCluster.Member restarted = cluster.members().get(0);
        assertAllReadable(restarted, written.acknowledged());
        assertThat(healthOf(restarted).path("state").asText()).isEqualTo("SERVING");
    }

    @Test
    void underDieTheProcessEndsWithThePolicysStatusAndLosesNoAcknowledgedWrite() throws Exception {
        LocalCluster.Member node = start(List.of("--disk-failure-policy=die", "--commit-failure-policy=die"));
        ProcessHandle process = node.process().orElseThrow();
        Written written = writeUntilRefused(node);
        assertThat(process.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
        assertThat(Files.readString(node.directory().resolve(LocalCluster.LOG_FILE)))
                .contains("storage failure with policy die, exiting (status 71)");

        restartWithSpace();
        assertAllReadable(cluster.members().get(0), written.acknowledged());
    }

    private LocalCluster.Member start(List<String> policyFlags) {
        cluster = new ClusterHarness(dir);
        List<String> args = new ArrayList<>(List.of("cluster", "start", "--dir", dir.toString(), "--nodes", "1",
                "--rf", "1", "--internode-port", "0", "--http-port", "0", "--wait-seconds", "60", "--heap", "256m"));
        serverFlags(policyFlags).forEach(flag -> args.add("--server-flag=" + flag));
        ClusterHarness.Run started = ClusterHarness.cli(args.toArray(String[]::new));
        assertThat(started.exitCode()).as(started.out() + started.err()).isZero();
        return cluster.members().get(0);
    }

    private List<String> serverFlags(List<String> policyFlags) {
        List<String> flags = new ArrayList<>(SMALL_FILES);
        flags.add("--data-directory=" + disk);
        flags.addAll(policyFlags);
        return flags;
    }

    /** Grows the file system (its files stay) and starts the node again with the default policies. */
    private void restartWithSpace() {
        assertThat(run("mount", "-o", "remount,size=256m", disk.toString())).isNull();
        List<String> args = new ArrayList<>(List.of("cluster", "start", "--dir", dir.toString(),
                "--wait-seconds", "60"));
        serverFlags(List.of()).forEach(flag -> args.add("--server-flag=" + flag));
        ClusterHarness.Run restarted = ClusterHarness.cli(args.toArray(String[]::new));
        assertThat(restarted.exitCode()).as(restarted.out() + restarted.err()).isZero();
    }

    /** Keys acknowledged before the first refusal, and the refusal's message. */
    private record Written(List<Integer> acknowledged, String refusal) {
    }

    private static void put(LocalCluster.Member node, int i) {
        try (RingClient client = new RingClient(List.of(node.httpAddress()), new RingClient.Options(5_000, 60_000,
                1, false))) {
            client.put(key(i), value(i), "ONE");
        }
    }

    /** The refusal of a write after the first one refused, once the node has stopped (within a bound). */
    private static String laterRefusal(LocalCluster.Member node) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = null;
        for (int attempt = 0; attempt < 300 && System.nanoTime() < deadline; attempt++) {
            try {
                put(node, -2);
                throw new AssertionError("a write to a node whose disk is full was acknowledged");
            } catch (RingClientException e) {
                last = e.getMessage();
                if (last.contains("stopped serving")) {
                    return last;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        return last;
    }

    private static Written writeUntilRefused(LocalCluster.Member node) {
        List<Integer> acknowledged = new ArrayList<>();
        long deadline = System.nanoTime() + WRITING_MAX.toNanos();
        try (RingClient client = new RingClient(List.of(node.httpAddress()), new RingClient.Options(5_000, 60_000,
                1, false))) {
            for (int i = 0; i < WRITES_MAX && System.nanoTime() < deadline; i++) {
                try {
                    client.put(key(i), value(i), "ONE");
                    acknowledged.add(i);
                } catch (RingClientException e) {
                    return new Written(acknowledged, e.getMessage());
                }
            }
        }
        throw new AssertionError("the 48 MiB disk never filled: " + acknowledged.size() + " writes acknowledged");
    }

    private void assertAllReadable(LocalCluster.Member node, List<Integer> acknowledged) {
        assertThat(acknowledged).as("the disk filled after some writes").hasSizeGreaterThan(100);
        try (RingClient client = new RingClient(List.of(node.httpAddress()), RingClient.Options.defaults())) {
            List<Integer> lost = new ArrayList<>();
            for (int i : acknowledged) {
                Optional<RingClient.Value> read = client.get(key(i), "ONE");
                if (read.isEmpty() || !Arrays.equals(read.get().value(), value(i))) {
                    lost.add(i);
                }
            }
            assertThat(lost).as("acknowledged writes missing after the restart").isEmpty();
            client.put(key(-1), value(-1), "ONE");
            assertThat(client.get(key(-1), "ONE")).as("serves writes again").isPresent();
        }
    }

    private JsonNode healthOf(LocalCluster.Member node) {
        JsonNode health = cluster.clusterAt(node.httpAddress()).path("storage_health");
        assertThat(health.isObject()).as("storage_health in /v1/cluster").isTrue();
        return health;
    }

    private static byte[] key(int i) {
        return ("disk-full-" + i).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value(int i) {
        byte[] value = new byte[VALUE_BYTES];
        new Random(i).nextBytes(value);
        return value;
    }

    /** Runs a command; null when it succeeded, else what it printed and its status. */
    private static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return String.join(" ", command) + " did not finish in 30 s";
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return process.exitValue() == 0 ? null
                    : String.join(" ", command) + " failed (status " + process.exitValue() + "): " + output;
        } catch (IOException e) {
            return String.join(" ", command) + " could not run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
