package ringdb.server.cql;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.server.config.ServerConfig;
import ringdb.server.runtime.FileStores;
import ringdb.server.runtime.ServerNode;
import ringdb.server.testing.CqlSessions;
import ringdb.server.testing.OneNode;
import ringdb.server.testing.Waits;

/**
 * DROP TABLE gives the disk space back: a node holding 20 MB of a table's rows purges them in the
 * background once the table is dropped (its live bytes fall back within a bounded wait, the purge shows
 * in the metrics), another table's rows stay, and a table created again with the same name is empty.
 */
@Timeout(180)
class DropTableSpaceTest {
    private static final int ROWS = 2000;
    private static final int VALUE_BYTES = 10_000;
    private static final long WRITTEN_BYTES = (long) ROWS * VALUE_BYTES;

    @TempDir
    Path dir;

    @Test
    void droppingATableGivesItsSpaceBackAndATableCreatedAgainIsEmpty() throws Exception {
        ServerConfig config = ServerConfig.load(null, OneNode.settings(dir));
        try (ServerNode node = ServerNode.start(config, new FileStores(config), null);
             CqlSession session = CqlSessions.connect(node.cqlAddress())) {
            session.execute("CREATE KEYSPACE app WITH replication = {'class':'SimpleStrategy','replication_factor':1}");
            session.execute("CREATE TABLE app.big (id int, ck int, v blob, PRIMARY KEY (id, ck))");
            session.execute("CREATE TABLE app.small (id int PRIMARY KEY, v text)");
            session.execute("INSERT INTO app.small (id, v) VALUES (1, 'stays')");
            PreparedStatement insert = session.prepare("INSERT INTO app.big (id, ck, v) VALUES (?, ?, ?)");
            Random random = new Random(15);
            for (int i = 0; i < ROWS; i++) {
                byte[] value = new byte[VALUE_BYTES];
                random.nextBytes(value); // not compressible
                session.execute(insert.bind(i % 20, i, ByteBuffer.wrap(value)));
            }
            Waits.await(Duration.ofSeconds(30), "the node reports the rows written as live bytes",
                    () -> metric(node, "ringdb_storage_live_bytes") >= WRITTEN_BYTES);

            session.execute("DROP TABLE app.big");
            Waits.await(Duration.ofSeconds(60), "the dropped table's data is purged", () ->
                    metric(node, "ringdb_dropped_table_purges{outcome=\"completed\"}") >= 1
                            && metric(node, "ringdb_storage_live_bytes") < WRITTEN_BYTES / 10);
            assertThat(metric(node, "ringdb_dropped_table_entries_removed")).isGreaterThanOrEqualTo(ROWS);

            session.execute("CREATE TABLE app.big (id int, ck int, v blob, PRIMARY KEY (id, ck))");
            assertThat(session.execute("SELECT * FROM app.big").all()).as("the table created again").isEmpty();
            assertThat(session.execute("SELECT * FROM app.big WHERE id = 3").all()).isEmpty();
            assertThat(session.execute("SELECT v FROM app.small WHERE id = 1").one().getString(0)).isEqualTo("stays");
        }
    }

    /** The value of the metric line that begins with {@code name} (labels included), or -1 when absent. */
    private static double metric(ServerNode node, String name) {
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(metrics(node));
        return line.find() ? Double.parseDouble(line.group(1)) : -1;
    }

    private static String metrics(ServerNode node) {
        InetSocketAddress http = node.httpAddress();
        try (InputStream in = URI.create("http://" + http.getHostString() + ":" + http.getPort() + "/metrics")
                .toURL().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
