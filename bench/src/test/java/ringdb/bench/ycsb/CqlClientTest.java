package ringdb.bench.ycsb;

import static org.assertj.core.api.Assertions.assertThat;
import static ringdb.bench.ycsb.YcsbValues.fields;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
import ringdb.server.runtime.ServerNode;
import ringdb.server.testing.OneNode;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;
import site.ycsb.Status;

/**
 * The YCSB CQL binding against a real node: each operation does what YCSB means by it (updates are
 * blind writes of the given fields), and {@code ringdb bench cluster --protocol cql} creates the
 * table, loads every record and runs a workload without errors.
 */
@Timeout(180)
class CqlClientTest {
    @TempDir
    static Path dir;
    private static ServerNode node;
    private static String host;

    @BeforeAll
    static void startNode() throws IOException {
        node = OneNode.start(OneNode.settings(dir.resolve("node")));
        host = "127.0.0.1:" + node.cqlAddress().getPort();
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    private static Map<String, String> strings(Map<String, ByteIterator> values) {
        Map<String, String> out = new HashMap<>();
        values.forEach((k, v) -> out.put(k, v == null ? null : v.toString()));
        return out;
    }

    /** The binding's properties for this node and {@code keyspace}, reading and writing at ONE. */
    private static Properties atOne(String keyspace) {
        Properties properties = new Properties();
        properties.setProperty(CqlClient.HOSTS, host);
        properties.setProperty(CqlClient.KEYSPACE, keyspace);
        properties.setProperty(CqlClient.READ_CONSISTENCY, "ONE");
        properties.setProperty(CqlClient.WRITE_CONSISTENCY, "ONE");
        return properties;
    }

    @Test
    void operationsDoWhatYcsbMeans() throws Exception {
        Properties properties = atOne("ycsb_ops");
        assertThat(CqlClient.createTable(properties, 1, 3)).isEqualTo("ycsb_ops.usertable (RF 1)");
        CqlClient db = new CqlClient();
        db.setProperties(properties);
        db.init();
        try {
            assertThat(db.insert("usertable", "user1", fields("field0", "a", "field1", "b", "field2", "c")))
                    .isEqualTo(Status.OK);
            assertThat(db.insert("usertable", "user2", fields("field0", "x", "field1", "y", "field2", "z")))
                    .isEqualTo(Status.OK);
            assertThat(db.update("usertable", "user1", fields("field1", "B"))).isEqualTo(Status.OK);

            Map<String, ByteIterator> all = new HashMap<>();
            assertThat(db.read("usertable", "user1", null, all)).isEqualTo(Status.OK);
            assertThat(strings(all)).isEqualTo(Map.of("field0", "a", "field1", "B", "field2", "c"));
            Map<String, ByteIterator> some = new HashMap<>();
            assertThat(db.read("usertable", "user1", Set.of("field2"), some)).isEqualTo(Status.OK);
            assertThat(strings(some)).isEqualTo(Map.of("field2", "c"));

            Vector<HashMap<String, ByteIterator>> scanned = new Vector<>();
            assertThat(db.scan("usertable", "user1", 10, Set.of("field0"), scanned)).isEqualTo(Status.OK);
            assertThat(scanned).isNotEmpty().allSatisfy(r -> assertThat(r.keySet()).containsExactly("field0"));

            assertThat(db.delete("usertable", "user1")).isEqualTo(Status.OK);
            assertThat(db.read("usertable", "user1", null, new HashMap<>())).isEqualTo(Status.NOT_FOUND);
            assertThat(db.read("usertable", "user2", null, new HashMap<>())).isEqualTo(Status.OK);
        } finally {
            db.cleanup();
        }
    }

    /**
     * Values are sent as their bytes when they are ASCII; any other value still reaches the text column as
     * the UTF-8 form of its {@code toString} (a string's characters; malformed bytes replaced), never as
     * malformed text.
     */
    private static final String WIDE = "caf\u00e9 \u20ac \ud83d\ude00";

    @Test
    void textValuesReachTheColumnAsUtf8() throws Exception {
        Properties properties = atOne("ycsb_text");
        CqlClient.createTable(properties, 1, 3);
        CqlClient db = new CqlClient();
        db.setProperties(properties);
        db.init();
        try {
            Map<String, ByteIterator> values = fields("field0", "plain ascii", "field1", WIDE);
            values.put("field2", new ByteArrayByteIterator(new byte[] {'o', 'k', (byte) 0xC3}));
            assertThat(db.insert("usertable", "k\u00e9y", values)).isEqualTo(Status.OK);
            Map<String, ByteIterator> read = new HashMap<>();
            assertThat(db.read("usertable", "k\u00e9y", null, read)).isEqualTo(Status.OK);
            assertThat(strings(read)).isEqualTo(Map.of("field0", "plain ascii", "field1", WIDE,
                    "field2", "ok\ufffd"));
            try (CqlSession session = CqlClient.connect(properties, true)) {
                Row row = session.execute("SELECT * FROM usertable WHERE y_id = 'k\u00e9y'").one();
                assertThat(row).isNotNull();
                assertThat(row.getString("field1")).isEqualTo(WIDE);
                assertThat(row.getBytesUnsafe("field2")) // the column holds well-formed UTF-8
                        .isEqualTo(ByteBuffer.wrap("ok\ufffd".getBytes(StandardCharsets.UTF_8)));
            }
        } finally {
            db.cleanup();
        }
    }

    @Test
    void theClusterBenchmarkLoadsAndRunsAWorkloadOverCql() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ClusterBenchmark.Settings settings = new ClusterBenchmark.Settings(List.of(host), "A", 300, 10, 100, 4, 2,
                true, "ONE", "ONE", "uniform", 1, ClusterBenchmark.Protocol.CQL);
        ClusterBenchmark.Result result = new ClusterBenchmark(settings,
                new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("table ycsb.usertable (RF 1)", "cql protocol");
        assertThat(result.load().operations()).isEqualTo(300);
        assertThat(result.load().operationStats()).allSatisfy(s -> assertThat(s.errors()).isZero());
        assertThat(result.run().operations()).isPositive();
        assertThat(result.run().operationStats()).extracting(ClusterBenchmark.OperationStats::operation)
                .contains("READ", "UPDATE");
        assertThat(result.run().operationStats()).allSatisfy(s -> assertThat(s.errors()).as(s.operation()).isZero());

        Properties properties = new Properties();
        properties.setProperty(CqlClient.HOSTS, host);
        try (CqlSession session = CqlClient.connect(properties, true)) {
            assertThat(session.execute("SELECT COUNT(*) FROM usertable").one().getLong(0)).isEqualTo(300);
            List<Row> sample = session.execute("SELECT * FROM usertable LIMIT 5").all();
            assertThat(sample).hasSize(5).allSatisfy(r -> {
                for (int f = 0; f < 10; f++) {
                    assertThat(r.getString("field" + f)).hasSize(100);
                }
            });
        }
    }
}
