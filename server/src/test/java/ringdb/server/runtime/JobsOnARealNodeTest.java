package ringdb.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.client.RingClient;
import ringdb.core.Clock;
import ringdb.core.Timers;
import ringdb.core.store.LocalStore;
import ringdb.server.config.ServerConfig;
import ringdb.storage.StorageEngine;
import ringdb.storage.disk.file.FileDisk;
import ringdb.server.net.FreePorts;

/**
 * Flush, cleanup and snapshot on a real node whose disk holds every background task until the test
 * lets it go (a disk slow enough that the work is still under way): each is a job answered at once,
 * and meanwhile the node's thread keeps serving reads, writes and gossip.
 */
@Timeout(60)
class JobsOnARealNodeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final AtomicBoolean holding = new AtomicBoolean();
    private final CountDownLatch release = new CountDownLatch(1);
    private final HttpClient http = HttpClient.newHttpClient();

    /** Stores on the real file system; the data store's background work waits for {@link #release} while held. */
    private final class HeldStores implements StoreFactory {
        private final FileDisk disk = new FileDisk();
        private final HeldDisk held = new HeldDisk(disk, holding, release);

        @Override
        public LocalStore open(Path directory, Clock clock, Timers timers) {
            return open(held, directory, clock, timers);
        }

        @Override
        public LocalStore openHints(Path directory, Clock clock, Timers timers) {
            return open(disk, directory, clock, timers);
        }

        private LocalStore open(ringdb.storage.disk.Disk on, Path directory, Clock clock, Timers timers) {
            try {
                return StorageEngine.open(on, directory.toString(), FileStores.storageConfig(config), clock, timers);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            disk.close();
        }
    }

    private ServerConfig config;

    @Test
    void longOperationsAreJobsAndTheNodeKeepsServingWhileTheirDiskWorkIsHeld() throws Exception {
        config = ServerConfig.load(null, Map.of("internode_port", Integer.toString(FreePorts.loopback()),
                "http_port", Integer.toString(FreePorts.loopback()), "data_directory", dir.toString(),
                "replication_factor", "1", "gossip_interval_ms", "100", "flush_period_ms", "0",
                "native_transport_port", "0"));
        String base = "http://" + config.httpAddress();
        try (ServerNode node = ServerNode.start(config, new HeldStores(), null);
             RingClient client = new RingClient(List.of(config.httpAddress().toString()),
                     RingClient.Options.defaults())) {
            for (int i = 0; i < 100; i++) {
                client.put(bytes("key-" + i), bytes("value-" + i), "ONE");
            }
            holding.set(true);
            try {
                JsonNode flush = post(base, "/v1/admin/flush", 202);
                String flushId = flush.path("job").asText();
                assertThat(flushId).startsWith("flush-");
                assertThat(flush.path("state").asText()).isEqualTo("running");
                JsonNode cleanup = post(base, "/v1/admin/cleanup", 202);
                String cleanupId = cleanup.path("job").asText();
                JsonNode second = post(base, "/v1/admin/cleanup", 409);
                assertThat(second.path("message").asText()).contains(cleanupId).contains("already running");
                JsonNode snapshot = post(base, "/v1/admin/snapshot?name=while-held", 202);

                long heartbeat = heartbeat(client);
                client.put(bytes("during"), bytes("the flush"), "ONE");
                assertThat(read(client, "during")).isEqualTo("the flush");
                assertThat(read(client, "key-7")).as("the frozen memtable serves reads").isEqualTo("value-7");
                awaitTrue("gossip goes on while the flush is held", () -> heartbeat(client) > heartbeat + 2);
                JsonNode jobs = get(base, "/v1/admin/jobs", 200).path("jobs");
                assertThat(jobs).extracting(j -> j.path("id").asText())
                        .contains(flushId, cleanupId, snapshot.path("job").asText());
                assertThat(jobs).allSatisfy(j -> assertThat(j.path("state").asText()).isEqualTo("running"));
                assertThat(get(base, "/v1/admin/jobs/" + flushId, 200).path("progress").path("phase").asText())
                        .contains("flush");
            } finally {
                release.countDown();
            }
            JsonNode flushed = awaitEnd(base, "flush-1");
            assertThat(flushed.path("state").asText()).isEqualTo("succeeded");
            assertThat(flushed.path("result").path("memtable_bytes_flushed").asLong()).isPositive();
            JsonNode cleaned = awaitEnd(base, "cleanup-2");
            assertThat(cleaned.path("state").asText()).as(cleaned.toString()).isEqualTo("succeeded");
            assertThat(cleaned.path("message").asText()).contains("removed 0 entries");
            JsonNode snapped = awaitEnd(base, "snapshot-3");
            assertThat(snapped.path("state").asText()).as(snapped.toString()).isEqualTo("succeeded");
            assertThat(Files.list(Path.of(snapped.path("result").path("directory").asText())).count()).isPositive();
            assertThat(get(base, "/v1/admin/jobs/nope-9", 404).path("message").asText()).contains("no job nope-9");
            assertThat(read(client, "key-42")).isEqualTo("value-42");
            assertThat(node.httpAddress()).isNotNull();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String read(RingClient client, String key) {
        return client.get(bytes(key), "ONE").map(v -> new String(v.value(), StandardCharsets.UTF_8)).orElse(null);
    }

    private static long heartbeat(RingClient client) {
        return client.cluster().path("members").get(0).path("heartbeat_version").asLong();
    }

    private JsonNode awaitEnd(String base, String id) throws Exception {
        JsonNode[] job = new JsonNode[1];
        awaitTrue(id + " ends", () -> {
            job[0] = get(base, "/v1/admin/jobs/" + id, 200);
            return !job[0].path("state").asText().equals("running");
        });
        return job[0];
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("timed out: " + what).isNegative();
            TimeUnit.MILLISECONDS.sleep(50); // polling interval of a bounded wait, not synchronisation
        }
    }

    private JsonNode post(String base, String path, int status) throws Exception {
        return exchange(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody())
                .header("X-Ringdb-Request", "1"),
                status);
    }

    private JsonNode get(String base, String path, int status) {
        try {
            return exchange(HttpRequest.newBuilder(URI.create(base + path)).GET(), status);
        } catch (Exception e) {
            throw new AssertionError(path, e);
        }
    }

    private JsonNode exchange(HttpRequest.Builder request, int status) throws Exception {
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }
}
