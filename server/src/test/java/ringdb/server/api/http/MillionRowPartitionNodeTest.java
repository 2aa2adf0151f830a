package ringdb.server.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.core.catalog.Schema;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.coordinator.SliceQuery;
import ringdb.core.node.NodeConfig;
import ringdb.core.node.NodeState;
import ringdb.core.repair.RangeSyncServer;
import ringdb.core.ring.Partitioner;
import ringdb.core.streaming.StreamProgress;
import ringdb.server.api.ClientOperations;
import ringdb.server.net.FreePorts;
import ringdb.server.runtime.ServerNode;
import ringdb.server.testing.OneNode;

/**
 * A partition of a million clustering rows on real nodes (in this JVM, loopback, files on disk):
 * written through the HTTP row API's handler on the node's client operations, streamed to a node
 * that joins in range sync messages each within the message limits, and paged back through the row
 * API from the joined node alone once the first node is stopped: every row once, in order, each page
 * and each replica read it made bounded by the page's limit, not by the partition.
 *
 * <p>The row API's handler is called in process, not through a socket, so that every slice read
 * it sends the replicas can be seen: the pages' bounds are asserted on those reads, not on heap
 * measurements. Rows are written as updates (one cell, no row marker), so the partition is a
 * million storage entries.
 */
class MillionRowPartitionNodeTest {
    private static final int ROWS = 1_000_000;
    private static final int ROWS_PER_WRITE = 10_000;
    private static final int WRITES_IN_FLIGHT = 4;
    private static final int ROWS_PER_PAGE = 5_000;
    /**
     * What the row API asks the replicas for, at most, for one page: {@code (limit + 1) * (columns + 3)}
     * entries, the table having one column beside its key.
     */
    private static final int ENTRIES_PER_PAGE_MAX = (ROWS_PER_PAGE + 1) * (1 + 3);
    /** The most bytes of entries one range sync message carries (the server's default). */
    private static final int CHUNK_BYTES_MAX = NodeConfig.defaults().rangeSyncChunkBytesMax();
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TABLE = "{\"name\":\"big\",\"partition_key\":[{\"name\":\"p\",\"type\":\"text\"}],"
            + "\"clustering\":[{\"name\":\"c\",\"type\":\"int\"}],\"columns\":[{\"name\":\"v\",\"type\":\"int\"}]}";

    @TempDir
    Path dir;

    /** A node's client operations that count the slice reads sent for a page and the largest of them. */
    private static final class Recording implements ClientOperations {
        final ClientOperations node;
        final AtomicInteger sliceReads = new AtomicInteger();
        final AtomicInteger largestAsked = new AtomicInteger();
        final AtomicInteger largestAnswered = new AtomicInteger();

        Recording(ClientOperations node) {
            this.node = node;
        }

        @Override
        public void readSlice(SliceQuery query, ConsistencyLevel consistency, Consumer<ClientResult> done) {
            sliceReads.incrementAndGet();
            largestAsked.accumulateAndGet(query.maxEntries(), Math::max);
            node.readSlice(query, consistency, result -> {
                if (result instanceof ClientResult.Entries read) {
                    largestAnswered.accumulateAndGet(read.entries().size(), Math::max);
                }
                done.accept(result);
            });
        }

        @Override
        public void mutate(long timestampMicros, MutationBuilder build, ConsistencyLevel consistency,
                           Consumer<ClientResult> done) {
            node.mutate(timestampMicros, build, consistency, done);
        }

        @Override
        public CompletableFuture<Schema> schema() {
            return node.schema();
        }

        @Override
        public Partitioner partitioner() {
            return node.partitioner();
        }

        @Override
        public long nowMicros() {
            return node.nowMicros();
        }

        @Override
        public void put(byte[] key, byte[] value, ConsistencyLevel consistency, long timestampMicros,
                        Consumer<ClientResult> done) {
            node.put(key, value, consistency, timestampMicros, done);
        }

        @Override
        public void delete(byte[] key, ConsistencyLevel consistency, long timestampMicros,
                           Consumer<ClientResult> done) {
            node.delete(key, consistency, timestampMicros, done);
        }

        @Override
        public void get(byte[] key, ConsistencyLevel consistency, Consumer<ClientResult> done) {
            node.get(key, consistency, done);
        }

        @Override
        public int valueSizeBytesMax() {
            return node.valueSizeBytesMax();
        }

        @Override
        public CompletableFuture<JsonNode> cluster() {
            return node.cluster();
        }

        @Override
        public CompletableFuture<JsonNode> ring(byte[] key) {
            return node.ring(key);
        }

        @Override
        public CompletableFuture<String> metrics() {
            return node.metrics();
        }

        @Override
        public CompletableFuture<JsonNode> membership(String operation, Map<String, String> parameters) {
            return node.membership(operation, parameters);
        }
    }

    private Map<String, String> settings(String name, int internodePort, int seedPort) {
        Map<String, String> settings = OneNode.settings(dir.resolve(name), internodePort);
        settings.put("seeds", "127.0.0.1:" + seedPort);
        settings.put("replication_factor", "2");
        settings.put("native_transport_port", "0");
        settings.put("stream_throughput_bytes_per_second", "0");
        return settings;
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aMillionRowPartitionIsPagedThroughANodeAndStreamedToAJoiningNodeInPieces() throws Exception {
        int firstPort = FreePorts.loopback();
        ServerNode first = OneNode.start(settings("first", firstPort, firstPort));
        ServerNode joined = null;
        try {
            createSchema(first);
            write(new RowsHttp(first.clientOperations()));

            Map<String, String> joining = settings("joined", FreePorts.loopback(), firstPort);
            joining.put("auto_bootstrap", "true");
            joined = OneNode.start(joining);
            ServerNode node = joined;
            await(() -> node.nodeThread().call(() -> node.node().status().state() == NodeState.NORMAL).join(),
                    "the joining node to finish its bootstrap");
            StreamProgress stream = node.nodeThread().call(() -> node.node().status().streams()).join().stream()
                    .filter(s -> s.name().startsWith("bootstrap")).findFirst().orElseThrow();
            assertThat(stream.state()).as(stream.toString()).isEqualTo("DONE");
            assertThat(stream.entriesReceived()).as(stream.toString()).isGreaterThanOrEqualTo(ROWS);
            assertThat(stream.chunksReceived()).as(stream.toString()).isGreaterThan(1)
                    .isGreaterThanOrEqualTo(ROWS / RangeSyncServer.RANGE_SYNC_ENTRIES_MAX);
            assertThat(stream.largestChunkEntries()).as(stream.toString())
                    .isLessThanOrEqualTo(RangeSyncServer.RANGE_SYNC_ENTRIES_MAX);
            assertThat(stream.largestChunkBytes()).as(stream.toString()).isLessThanOrEqualTo(CHUNK_BYTES_MAX);

            first.close();
            await(() -> node.nodeThread().call(() -> node.node().status().peers().stream()
                    .noneMatch(p -> p.up())).join(), "the joined node to see the first one down");
            pageThrough(new Recording(node.clientOperations()), "the joined node alone");
        } finally {
            if (joined != null) {
                joined.close();
            }
            first.close();
        }
    }

    private static void createSchema(ServerNode node) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String base = "http://" + node.httpAddress().getHostString() + ":" + node.httpAddress().getPort();
        for (String[] call : new String[][] {{"/v1/schema/keyspaces", "{\"name\":\"app\",\"replication_factor\":2}"},
                {"/v1/schema/keyspaces/app/tables", TABLE}}) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + call[0]))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(call[1])).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        }
    }

    /** Writes the rows, {@link #WRITES_IN_FLIGHT} requests at a time. */
    private static void write(RowsHttp rows) throws Exception {
        ArrayDeque<CompletableFuture<ClientOperations.AdminAnswer>> inFlight = new ArrayDeque<>();
        for (int from = 0; from < ROWS; from += ROWS_PER_WRITE) {
            StringBuilder body = new StringBuilder(ROWS_PER_WRITE * 24).append("{\"update\":true,\"rows\":[");
            for (int c = from; c < from + ROWS_PER_WRITE; c++) {
                body.append(c > from ? "," : "").append("{\"p\":\"big\",\"c\":").append(c).append(",\"v\":")
                        .append(-c).append('}');
            }
            JsonNode request = JSON.readTree(body.append("]}").toString());
            inFlight.add(rows.handle("POST", "/v1/rows/app/big", Map.of(), request));
            if (inFlight.size() == WRITES_IN_FLIGHT) {
                assertWritten(inFlight.poll());
            }
        }
        while (!inFlight.isEmpty()) {
            assertWritten(inFlight.poll());
        }
    }

    private static void assertWritten(CompletableFuture<ClientOperations.AdminAnswer> write) throws Exception {
        ClientOperations.AdminAnswer answer = write.get(60, TimeUnit.SECONDS);
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
    }

    /**
     * Pages through the partition with the row API's paging state: every row once, in order; every
     * page at most its limit and every slice read it sent bounded by the page, not the partition.
     */
    private static void pageThrough(Recording operations, String where) throws Exception {
        RowsHttp rows = new RowsHttp(operations);
        int expected = 0;
        String paging = null;
        int pages = 0;
        while (pages <= ROWS / ROWS_PER_PAGE + 1) {
            String request = "{\"partition\":{\"p\":\"big\"},\"limit\":" + ROWS_PER_PAGE
                    + (paging == null ? "" : ",\"paging\":\"" + paging + "\"") + "}";
            ClientOperations.AdminAnswer answer = rows.handle("POST", "/v1/rows/app/big/query", Map.of(),
                    JSON.readTree(request)).get(60, TimeUnit.SECONDS);
            assertThat(answer.status()).as(where + ": " + answer.body()).isEqualTo(200);
            pages++;
            JsonNode page = answer.body().path("rows");
            assertThat(page.size()).as(where + ": page " + pages).isLessThanOrEqualTo(ROWS_PER_PAGE);
            for (JsonNode row : page) {
                assertThat(row.path("c").asInt()).as(where + ": the row after " + (expected - 1)).isEqualTo(expected);
                assertThat(row.path("v").asInt()).isEqualTo(-expected);
                expected++;
            }
            if (!answer.body().hasNonNull("paging")) {
                break;
            }
            paging = answer.body().path("paging").asText();
        }
        assertThat(expected).as(where + ": rows read").isEqualTo(ROWS);
        // the page that ends at the last row cannot know it is the last: one empty page follows it
        assertThat(pages).as(where + ": pages").isEqualTo(ROWS / ROWS_PER_PAGE + 1);
        assertThat(operations.largestAsked.get()).as(where + ": entries asked of the replicas for one page")
                .isLessThanOrEqualTo(ENTRIES_PER_PAGE_MAX);
        assertThat(operations.largestAnswered.get()).as(where + ": entries one replica read answered")
                .isLessThanOrEqualTo(ENTRIES_PER_PAGE_MAX);
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waiting for " + what).isNegative();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }
}
