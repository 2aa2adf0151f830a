package ringdb.bench.ycsb;

import static org.assertj.core.api.Assertions.assertThat;
import static ringdb.bench.ycsb.YcsbValues.fields;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
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
}
