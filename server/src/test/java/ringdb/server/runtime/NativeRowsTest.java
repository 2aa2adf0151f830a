package ringdb.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.client.RingClient;
import ringdb.client.RingClientException;
import ringdb.core.data.Limits;
import ringdb.server.Nodes;
import ringdb.server.config.ServerConfig;
import ringdb.server.net.FreePorts;

/**
 * The native protocol's row requests on a real node (loopback, free ports): blind writes of some
 * columns of a row (two writers of different columns both keep theirs), reads of all or some
 * columns, deletes of a cell, and the 400s that say what is wrong.
 */
@Timeout(60)
class NativeRowsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private ServerConfig config() throws IOException {
        return ServerConfig.load(null, Map.of("internode_port", Integer.toString(FreePorts.loopback()),
                "http_port", Integer.toString(FreePorts.loopback()), "data_directory", dir.toString(),
                "replication_factor", "1",
                "gossip_interval_ms", "100", "native_transport_port", "0"));
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(RingClient.Value v) {
        return new String(v.value(), StandardCharsets.UTF_8);
    }

    private static void createTables(RingClient client) throws IOException {
        client.postJson("/v1/schema/keyspaces", JSON.readTree("{\"name\":\"app\",\"replication_factor\":1}"),
                null, false);
        client.postJson("/v1/schema/keyspaces/app/tables", JSON.readTree("{\"name\":\"users\","
                + "\"partition_key\":[{\"name\":\"id\",\"type\":\"text\"}],"
                + "\"columns\":[{\"name\":\"a\",\"type\":\"text\"},{\"name\":\"b\",\"type\":\"text\"},"
                + "{\"name\":\"n\",\"type\":\"int\"},{\"name\":\"tags\",\"type\":\"set<text>\"}]}"), null, false);
        client.postJson("/v1/schema/keyspaces/app/tables", JSON.readTree("{\"name\":\"events\","
                + "\"partition_key\":[{\"name\":\"user\",\"type\":\"text\"},{\"name\":\"day\",\"type\":\"int\"}],"
                + "\"clustering\":[{\"name\":\"at\",\"type\":\"int\"}],"
                + "\"static\":[{\"name\":\"home\",\"type\":\"text\"}],"
                + "\"columns\":[{\"name\":\"body\",\"type\":\"text\"}]}"), null, false);
    }

    /**
     * Reads of a row whose partition the cache holds are answered from its records in place: the same
     * columns, values and timestamps as the first read (which filled the cache), a column subset, a
     * deleted cell gone, and NOT_FOUND once every cell is deleted; the cache counts them as hits.
     */
    @Test
    void readsOfACachedRowAnswerAsTheFirstRead() throws Exception {
        try (ServerNode node = Nodes.start(config());
             RingClient client = new RingClient(List.of(node.httpAddress().getHostString() + ":"
                     + node.httpAddress().getPort()), RingClient.Options.defaults())) {
            createTables(client);
            String http = node.httpAddress().getHostString() + ":" + node.httpAddress().getPort();
            List<byte[]> cy = List.of(text("cy"));
            Map<String, byte[]> write = new LinkedHashMap<>();
            write.put("a", text("a0"));
            write.put("b", text("b0"));
            write.put("n", ByteBuffer.allocate(4).putInt(7).array());
            client.writeRow("app", "users", cy, List.of(), write, false, "ONE");
            Map<String, RingClient.Value> first = client.readRow("app", "users", cy, List.of(), List.of(), "ONE")
                    .orElseThrow();
            double hitsBefore = cacheHits(http);
            Map<String, RingClient.Value> again = client.readRow("app", "users", cy, List.of(), List.of(), "ONE")
                    .orElseThrow();
            assertThat(again.keySet()).containsExactly("a", "b", "n");
            for (String column : first.keySet()) {
                assertThat(again.get(column).value()).isEqualTo(first.get(column).value());
                assertThat(again.get(column).timestampMicros()).isEqualTo(first.get(column).timestampMicros());
            }
            Map<String, RingClient.Value> some = client.readRow("app", "users", cy, List.of(), List.of("n", "a"),
                    "ONE").orElseThrow();
            assertThat(some.keySet()).containsExactly("a", "n");
            assertThat(ByteBuffer.wrap(some.get("n").value()).getInt()).isEqualTo(7);
            Map<String, byte[]> deleteB = new LinkedHashMap<>();
            deleteB.put("b", null);
            client.writeRow("app", "users", cy, List.of(), deleteB, false, "ONE");
            assertThat(client.readRow("app", "users", cy, List.of(), List.of(), "ONE").orElseThrow().keySet())
                    .containsExactly("a", "n");
            Map<String, byte[]> deleteAll = new LinkedHashMap<>();
            deleteAll.put("a", null);
            deleteAll.put("n", null);
            client.writeRow("app", "users", cy, List.of(), deleteAll, false, "ONE");
            assertThat(client.readRow("app", "users", cy, List.of(), List.of(), "ONE")).isEmpty();
            long deadline = System.nanoTime() + 20_000_000_000L;
            double hits = cacheHits(http);
            while (hits < hitsBefore + 4 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
                hits = cacheHits(http); // the gauge shows the node's figures as last published
            }
            assertThat(hits).as("the four reads after the first were cache hits").isGreaterThanOrEqualTo(
                    hitsBefore + 4);
        }
    }

    private static double cacheHits(String http) throws IOException {
        String metrics = new String(new java.net.URL("http://" + http + "/metrics").openStream().readAllBytes(),
                StandardCharsets.UTF_8);
        for (String line : metrics.split("\n")) {
            if (line.startsWith("ringdb_storage_partition_cache_hits ")) {
                return Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
            }
        }
        return 0;
    }

    @Test
    void blindColumnWritesMergeAndReadBack() throws Exception {
        try (ServerNode node = Nodes.start(config());
             RingClient client = new RingClient(List.of(node.httpAddress().getHostString() + ":"
                     + node.httpAddress().getPort()), RingClient.Options.defaults())) {
            createTables(client);
            List<byte[]> ann = List.of(text("ann"));
            long first = client.writeRow("app", "users", ann, List.of(), Map.of("a", text("a0"), "b", text("b0")),
                    true, "ONE");
            assertThat(first).isPositive();
            // Two writers, each updating its own column of the same row 100 times, concurrently.
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (String column : List.of("a", "b")) {
                    writers.add(pool.submit(() -> {
                        for (int i = 1; i <= 100; i++) {
                            client.writeRow("app", "users", ann, List.of(), Map.of(column, text(column + i)), false,
                                    "ONE");
                        }
                        return null;
                    }));
                }
                for (Future<?> writer : writers) {
                    writer.get();
                }
            } finally {
                pool.shutdownNow();
            }
            Map<String, RingClient.Value> row = client.readRow("app", "users", ann, List.of(), List.of(), "ONE")
                    .orElseThrow();
            assertThat(row.keySet()).containsExactly("a", "b");
            assertThat(text(row.get("a"))).as("no update of a was lost to b's").isEqualTo("a100");
            assertThat(text(row.get("b"))).isEqualTo("b100");
            assertThat(row.get("a").timestampMicros()).isGreaterThan(first);

            ByteBuffer tags = ByteBuffer.allocate(4 + 2 * (4 + 1)).putInt(2).putInt(1).put((byte) 'x').putInt(1)
                    .put((byte) 'y');
            Map<String, byte[]> update = new LinkedHashMap<>();
            update.put("tags", tags.array());
            update.put("b", null);
            update.put("n", ByteBuffer.allocate(4).putInt(42).array());
            client.writeRow("app", "users", ann, List.of(), update, false, "ONE");
            Map<String, RingClient.Value> some = client.readRow("app", "users", ann, List.of(),
                    List.of("b", "n", "tags"), "ONE").orElseThrow();
            assertThat(some.keySet()).as("b was deleted; a not selected").containsExactly("n", "tags");
            assertThat(ByteBuffer.wrap(some.get("n").value()).getInt()).isEqualTo(42);
            assertThat(some.get("tags").value()).isEqualTo(tags.array());

            assertThat(client.readRow("app", "users", List.of(text("bob")), List.of(), List.of(), "ONE")).isEmpty();
            client.writeRow("app", "users", List.of(text("carl")), List.of(), Map.of(), true, "ONE");
            assertThat(client.readRow("app", "users", List.of(text("carl")), List.of(), List.of(), "ONE"))
                    .as("an inserted row with only its key exists").hasValue(Map.of());
        }
    }

    @Test
    void rowsOfATableWithClusteringAndStaticColumns() throws Exception {
        try (ServerNode node = Nodes.start(config());
             RingClient client = new RingClient(List.of(node.httpAddress().getHostString() + ":"
                     + node.httpAddress().getPort()), RingClient.Options.defaults())) {
            createTables(client);
            List<byte[]> pk = List.of(text("ann"), ByteBuffer.allocate(4).putInt(20).array());
            for (int at = 1; at <= 3; at++) {
                client.writeRow("app", "events", pk, List.of(ByteBuffer.allocate(4).putInt(at).array()),
                        Map.of("body", text("e" + at), "home", text("paris")), true, "QUORUM");
            }
            Optional<Map<String, RingClient.Value>> two = client.readRow("app", "events", pk,
                    List.of(ByteBuffer.allocate(4).putInt(2).array()), List.of(), "ONE");
            assertThat(two).isPresent();
            assertThat(text(two.get().get("body"))).isEqualTo("e2");
            assertThat(text(two.get().get("home"))).as("the partition's static column").isEqualTo("paris");
            JsonNode viaHttp = client.postJson("/v1/rows/app/events/query", JSON.readTree(
                    "{\"partition\":{\"user\":\"ann\",\"day\":20}}"), null, true);
            assertThat(viaHttp.path("rows")).as("the same rows through HTTP").hasSize(3);
        }
    }

    @Test
    void badRequestsAreRefusedSayingWhatIsWrong() throws Exception {
        try (ServerNode node = Nodes.start(config());
             RingClient client = new RingClient(List.of(node.httpAddress().getHostString() + ":"
                     + node.httpAddress().getPort()), RingClient.Options.defaults())) {
            createTables(client);
            List<byte[]> ann = List.of(text("ann"));
            assertRefused(() -> client.writeRow("app", "nope", ann, List.of(), Map.of("a", text("x")), false, "ONE"),
                    "keyspace app has no table nope");
            assertRefused(() -> client.readRow("zzz", "users", ann, List.of(), List.of(), "ONE"),
                    "keyspace zzz does not exist");
            assertRefused(() -> client.writeRow("app", "users", ann, List.of(), Map.of("colour", text("x")), false,
                    "ONE"), "colour");
            assertRefused(() -> client.writeRow("app", "users", ann, List.of(), Map.of("n", text("abc")), false,
                    "ONE"), "'n' is int");
            assertRefused(() -> client.writeRow("app", "users", ann, List.of(), Map.of("id", text("x")), false,
                    "ONE"), "part of the primary key");
            assertRefused(() -> client.readRow("app", "events", ann, List.of(), List.of(), "ONE"),
                    "2 partition key column(s), the request gives 1");
            assertRefused(() -> client.readRow("app", "users", ann, List.of(), List.of("id"), "ONE"),
                    "part of the primary key");
            assertThat(client.readRow("app", "users", ann, List.of(), List.of(), "ONE"))
                    .as("nothing refused was written").isEmpty();
        }
    }

    @Test
    void everyLimitIsEnforcedBeforeAnythingIsWrittenAndNamed() throws Exception {
        try (ServerNode node = Nodes.start(config());
             RingClient client = new RingClient(List.of(node.httpAddress().getHostString() + ":"
                     + node.httpAddress().getPort()), RingClient.Options.defaults())) {
            createTables(client);
            byte[] bigKey = new byte[Limits.PARTITION_KEY_BYTES_MAX + 1];
            java.util.Arrays.fill(bigKey, (byte) 'k');
            assertRefused(() -> client.writeRow("app", "users", List.of(bigKey), List.of(), Map.of("a", text("x")),
                    true, "ONE"), "PARTITION_KEY_BYTES_MAX");
            byte[] atLimit = java.util.Arrays.copyOf(bigKey, Limits.PARTITION_KEY_BYTES_MAX);
            client.writeRow("app", "users", List.of(atLimit), List.of(), Map.of("a", text("x")), true, "ONE");
            assertThat(client.readRow("app", "users", List.of(atLimit), List.of(), List.of(), "ONE"))
                    .as("a partition key at the limit is stored, its storage key past 64 KiB").isPresent();
            byte[] bigValue = new byte[1024 * 1024 + 1];
            java.util.Arrays.fill(bigValue, (byte) 'v');
            assertThatThrownBy(() -> client.writeRow("app", "users", List.of(text("ann")), List.of(),
                    Map.of("a", bigValue), true, "ONE")).isInstanceOfSatisfying(RingClientException.class,
                        e -> assertThat(e.getMessage()).contains("max_value_size_bytes"));
            assertThat(client.readRow("app", "users", List.of(text("ann")), List.of(), List.of(), "ONE"))
                    .as("nothing refused was written").isEmpty();
        }
    }

    private static void assertRefused(Runnable request, String message) {
        assertThatThrownBy(request::run).isInstanceOfSatisfying(RingClientException.class, e -> {
            assertThat(e.status()).as(e.getMessage()).isEqualTo(400);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
