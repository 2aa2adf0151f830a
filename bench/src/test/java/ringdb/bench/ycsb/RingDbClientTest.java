package ringdb.bench.ycsb;

import static org.assertj.core.api.Assertions.assertThat;
import static ringdb.bench.ycsb.YcsbValues.fields;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.Vector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.client.RingClient;
import ringdb.server.runtime.ServerNode;
import ringdb.server.testing.OneNode;
import site.ycsb.ByteIterator;
import site.ycsb.Status;

/** ringdb's own YCSB binding over the native protocol against one node on 127.0.0.1. */
@Timeout(60)
class RingDbClientTest {
    @TempDir
    static Path dir;
    private static ServerNode node;

    @BeforeAll
    static void startNode() throws IOException {
        node = OneNode.start(OneNode.settings(dir.resolve("node")));
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    /** Each value read twice: a result's iterator must give its own bytes, whatever shares the answer. */
    private static Map<String, String> strings(Map<String, ByteIterator> values) {
        Map<String, String> out = new HashMap<>();
        values.forEach((k, v) -> {
            String first = v.toString();
            v.reset();
            assertThat(new String(v.toArray(), StandardCharsets.UTF_8)).isEqualTo(first);
            out.put(k, first);
        });
        return out;
    }

    @Test
    void operationsDoWhatYcsbMeansOverTheNativeProtocol() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("ringdb.hosts", "127.0.0.1:" + node.httpAddress().getPort());
        properties.setProperty("ringdb.keyspace", "ycsb_native");
        properties.setProperty("fieldcount", "3");
        RingDbClient db = new RingDbClient();
        db.setProperties(properties);
        db.init();
        try {
            assertThat(db.insert("usertable", "user1", fields("field0", "a", "field1", "bb", "field2", "ccc")))
                    .isEqualTo(Status.OK);
            assertThat(db.insert("usertable", "user2", fields("field0", "x", "field1", "y", "field2", "z")))
                    .isEqualTo(Status.OK);
            assertThat(db.update("usertable", "user1", fields("field1", "B"))).isEqualTo(Status.OK);

            Map<String, ByteIterator> all = new HashMap<>();
            assertThat(db.read("usertable", "user1", null, all)).isEqualTo(Status.OK);
            assertThat(strings(all)).isEqualTo(Map.of("field0", "a", "field1", "B", "field2", "ccc"));
            Map<String, ByteIterator> some = new HashMap<>();
            assertThat(db.read("usertable", "user2", Set.of("field2", "field0"), some)).isEqualTo(Status.OK);
            assertThat(strings(some)).isEqualTo(Map.of("field0", "x", "field2", "z"));
            assertThat(db.read("usertable", "nobody", null, new HashMap<>())).isEqualTo(Status.NOT_FOUND);
        } finally {
            db.cleanup();
        }
    }

    /**
     * Workload E's scans: the records from the start key's token on, in token order, as many as asked,
     * the start included (as the CQL binding's {@code token(y_id) >= token(?) LIMIT n}), with the
     * fields asked; deleted records left out.
     */
    @Test
    void scansReadRecordsInTokenOrderFromTheStartKeysToken() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("ringdb.hosts", "127.0.0.1:" + node.httpAddress().getPort());
        properties.setProperty("ringdb.keyspace", "ycsb_scan");
        properties.setProperty("fieldcount", "2");
        RingDbClient db = new RingDbClient();
        db.setProperties(properties);
        db.init();
        try (RingClient ring = new RingClient("127.0.0.1:" + node.httpAddress().getPort())) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                String key = "user" + i;
                assertThat(db.insert("usertable", key, fields("field0", "a" + i, "field1", "b" + i)))
                        .isEqualTo(Status.OK);
                keys.add(key);
            }
            assertThat(db.delete("usertable", "user7")).isEqualTo(Status.OK);
            keys.remove("user7");
            Map<String, Long> tokens = new HashMap<>();
            for (String key : keys) {
                tokens.put(key, ring.ring(key.getBytes(StandardCharsets.UTF_8)).path("token").asLong());
            }
            keys.sort(Comparator.comparing(tokens::get));
            for (int start : new int[] {0, 13, keys.size() - 4}) {
                Vector<HashMap<String, ByteIterator>> result = new Vector<>();
                assertThat(db.scan("usertable", keys.get(start), 10, null, result)).isEqualTo(Status.OK);
                List<String> expected = keys.subList(start, Math.min(keys.size(), start + 10)).stream()
                        .map(k -> "a" + k.substring(4) + "|b" + k.substring(4)).toList();
                assertThat(result.stream().map(r -> strings(new HashMap<>(r))).map(r -> r.get("field0") + "|"
                        + r.get("field1")).toList()).as("from " + keys.get(start)).isEqualTo(expected);
                assertThat(result).allSatisfy(r -> assertThat(r.keySet()).containsOnly("field0", "field1"));
            }
            Vector<HashMap<String, ByteIterator>> some = new Vector<>();
            assertThat(db.scan("usertable", keys.get(5), 3, Set.of("field1"), some)).isEqualTo(Status.OK);
            assertThat(some).hasSize(3).allSatisfy(r -> assertThat(r.keySet()).containsExactly("field1"));
            // a key deleted or never written still starts the scan at its token
            Vector<HashMap<String, ByteIterator>> fromDeleted = new Vector<>();
            assertThat(db.scan("usertable", "user7", 100, null, fromDeleted)).isEqualTo(Status.OK);
            long deletedToken = ring.ring("user7".getBytes(StandardCharsets.UTF_8)).path("token").asLong();
            assertThat(fromDeleted).hasSize((int) keys.stream().filter(k -> tokens.get(k) >= deletedToken).count());
        } finally {
            db.cleanup();
        }
    }

    /** {@code ringdb bench cluster --workload E} over the native protocol: scans (and inserts), none failing. */
    @Test
    void theClusterBenchmarkRunsWorkloadEWithoutErrors() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ClusterBenchmark.Settings settings = new ClusterBenchmark.Settings(
                List.of("127.0.0.1:" + node.httpAddress().getPort()), "e", 300, 10, 100, 4, 2, true, "ONE", "ONE",
                "zipfian", 1, ClusterBenchmark.Protocol.NATIVE);
        ClusterBenchmark.Result result = new ClusterBenchmark(settings,
                new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
        assertThat(result.load().operations()).isEqualTo(300);
        assertThat(result.run().operationStats()).extracting(ClusterBenchmark.OperationStats::operation)
                .contains("SCAN").doesNotContain("READ", "UPDATE"); // and 5 % inserts: too few to be sure of one
        assertThat(result.run().operationStats()).allSatisfy(s -> assertThat(s.errors()).as(s.operation()).isZero());
    }
}
