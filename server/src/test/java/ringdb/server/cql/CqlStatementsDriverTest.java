package ringdb.server.cql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.AlreadyExistsException;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.ProtocolError;
import com.datastax.oss.driver.api.core.servererrors.SyntaxError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.server.config.ServerConfig;
import ringdb.server.runtime.FileStores;
import ringdb.server.runtime.ServerNode;
import ringdb.server.testing.OneNode;
import ringdb.server.testing.CqlSessions;

/**
 * The Apache Cassandra Java driver running CQL statements against a real node (the handler
 * {@code ringdb server} uses): DDL, writes, reads of a partition, a slice and with LIMIT, prepared
 * statements, paging, deletes, TTL, and the errors drivers act on.
 */
@Timeout(120)
class CqlStatementsDriverTest {
    @TempDir
    Path dir;

    static ServerConfig config(Path dir) throws IOException {
        return ServerConfig.load(null, OneNode.settings(dir));
    }

    private static CqlSession connect(ServerNode node) {
        return CqlSessions.connect(node.cqlAddress());
    }

    @Test
    void aDriverCreatesATableWritesReadsPagesAndDeletes() throws Exception {
        ServerConfig config = config(dir);
        try (ServerNode node = ServerNode.start(config, new FileStores(config), null);
             CqlSession session = connect(node)) {
            session.execute("CREATE KEYSPACE shop WITH replication = "
                    + "{'class':'SimpleStrategy','replication_factor':1}");
            session.execute("CREATE TABLE shop.orders (customer text, day int, seq int, item text, tags set<text>, "
                    + "PRIMARY KEY ((customer, day), seq)) WITH CLUSTERING ORDER BY (seq DESC)");
            assertThat(session.getMetadata().getKeyspace("shop").orElseThrow().getTable("orders")).isPresent();
            session.execute("USE shop");
            for (int seq = 1; seq <= 5; seq++) {
                session.execute("INSERT INTO orders (customer, day, seq, item, tags) VALUES ('ann', 1, " + seq
                        + ", 'item" + seq + "', {'a', 'b'})");
            }
            session.execute("UPDATE orders SET item = 'changed', tags = tags + {'c'} "
                    + "WHERE customer = 'ann' AND day = 1 AND seq = 3");

            List<Row> all = session.execute("SELECT seq, item, tags FROM orders WHERE customer = 'ann' AND day = 1")
                    .all();
            assertThat(all).extracting(r -> r.getInt("seq")).containsExactly(5, 4, 3, 2, 1);
            assertThat(all.get(2).getString("item")).isEqualTo("changed");
            assertThat(all.get(2).getSet("tags", String.class)).isEqualTo(Set.of("a", "b", "c"));

            assertThat(session.execute("SELECT seq FROM orders WHERE customer = 'ann' AND day = 1 AND seq >= 2 "
                    + "AND seq < 5").all()).extracting(r -> r.getInt(0)).containsExactly(4, 3, 2);
            assertThat(session.execute("SELECT seq FROM orders WHERE customer = 'ann' AND day = 1 LIMIT 2").all())
                    .extracting(r -> r.getInt(0)).containsExactly(5, 4);
            assertThat(session.execute("SELECT seq FROM orders WHERE customer = 'ann' AND day = 1 ORDER BY seq ASC "
                    + "LIMIT 2").all()).extracting(r -> r.getInt(0)).containsExactly(1, 2);

            PreparedStatement insert = session.prepare(
                    "INSERT INTO orders (customer, day, seq, item) VALUES (?, ?, ?, ?)");
            assertThat(insert.getPartitionKeyIndices()).containsExactly(0, 1);
            for (int seq = 0; seq < 1000; seq++) {
                session.execute(insert.bind("bob", 2, seq, "i" + seq));
            }
            batches(session, insert);

            PreparedStatement read = session.prepare("SELECT seq, item FROM orders WHERE customer = ? AND day = ?");
            ResultSet paged = session.execute(read.bind("bob", 2).setPageSize(100));
            List<Integer> seen = new ArrayList<>();
            int pages = 0;
            for (Row row : paged) {
                seen.add(row.getInt("seq"));
                if (paged.getAvailableWithoutFetching() == 0) {
                    pages++;
                }
            }
            assertThat(seen).hasSize(1000);
            assertThat(seen.get(0)).isEqualTo(999);
            assertThat(seen.get(999)).isEqualTo(0);
            assertThat(pages).isGreaterThanOrEqualTo(10);

            session.execute("DELETE FROM orders WHERE customer = 'ann' AND day = 1 AND seq = 5");
            session.execute("DELETE FROM orders WHERE customer = 'ann' AND day = 1 AND seq < 3");
            assertThat(session.execute("SELECT seq FROM orders WHERE customer = 'ann' AND day = 1").all())
                    .extracting(r -> r.getInt(0)).containsExactly(4, 3);

            session.execute("INSERT INTO orders (customer, day, seq, item) VALUES ('cy', 1, 1, 'x') USING TTL 1000");
            Row ttl = session.execute("SELECT ttl(item), writetime(item) FROM orders WHERE customer = 'cy' AND day = 1")
                    .one();
            assertThat(ttl.getInt(0)).isBetween(990, 1000);
            assertThat(ttl.getLong(1)).isPositive();
            List<Row> scanned = session.execute(SimpleStatement.newInstance(
                    "SELECT customer, day, seq FROM orders").setPageSize(300)).all();
            assertThat(scanned).hasSize(1003);
            assertThat(scanned).filteredOn(r -> r.getString(0).equals("ann")).extracting(r -> r.getInt(2))
                    .containsExactly(4, 3);
            assertThat(session.execute("SELECT * FROM orders LIMIT 5").all()).hasSize(5);
            Row count = session.execute(SimpleStatement.newInstance(
                    "SELECT COUNT(*) FROM orders WHERE customer = ? AND day = ?", "bob", 2)).one();
            assertThat(count.getLong(0)).isEqualTo(1000);
        }
    }

    /** A prepared batch and a text batch, then a whole partition deleted. */
    private static void batches(CqlSession session, PreparedStatement insert) {
        session.execute(BatchStatement.newInstance(DefaultBatchType.UNLOGGED, insert.bind("dan", 1, 1, "a"),
                insert.bind("dan", 1, 2, "b")));
        session.execute("BEGIN BATCH INSERT INTO orders (customer, day, seq, item) VALUES ('dan', 1, 3, 'c'); "
                + "UPDATE orders SET item = 'B' WHERE customer = 'dan' AND day = 1 AND seq = 2; APPLY BATCH");
        assertThat(session.execute("SELECT item FROM orders WHERE customer = 'dan' AND day = 1").all())
                .extracting(r -> r.getString(0)).containsExactly("c", "B", "a");
        session.execute("DELETE FROM orders WHERE customer = 'dan' AND day = 1");
        assertThat(session.execute("SELECT * FROM orders WHERE customer = 'dan' AND day = 1").all()).isEmpty();
    }

    @Test
    void errorsSurfaceAsTheDriversExceptions() throws Exception {
        ServerConfig config = config(dir);
        try (ServerNode node = ServerNode.start(config, new FileStores(config), null);
             CqlSession session = connect(node)) {
            session.execute("CREATE KEYSPACE ks WITH replication = {'class':'SimpleStrategy','replication_factor':1}");
            assertThatThrownBy(() -> session.execute("SELECT * FROM ks.missing"))
                    .isInstanceOf(InvalidQueryException.class).hasMessageContaining("missing");
            assertThatThrownBy(() -> session.execute("SELEC * FROM ks.t")).isInstanceOf(SyntaxError.class);
            assertThatThrownBy(() -> session.execute(
                    "CREATE KEYSPACE ks WITH replication = {'class':'SimpleStrategy','replication_factor':1}"))
                    .isInstanceOf(AlreadyExistsException.class);
            session.execute("CREATE KEYSPACE IF NOT EXISTS ks WITH replication = "
                    + "{'class':'SimpleStrategy','replication_factor':1}");
            session.execute("CREATE TABLE ks.t (k int PRIMARY KEY, v text)");
            assertThatThrownBy(() -> session.execute("CREATE TABLE ks.t (k int PRIMARY KEY, v text)"))
                    .isInstanceOf(AlreadyExistsException.class);
            assertThatThrownBy(() -> session.execute("INSERT INTO ks.t (k, nope) VALUES (1, 'x')"))
                    .isInstanceOf(InvalidQueryException.class).hasMessageContaining("nope");
            assertThatThrownBy(() -> session.execute("CREATE ROLE clerk WITH PASSWORD = 'pw' AND LOGIN = true"))
                    .isInstanceOf(InvalidQueryException.class).hasMessageContaining("PasswordAuthenticator");

            PreparedStatement insert = session.prepare("INSERT INTO ks.t (k, v) VALUES (?, ?)");
            session.execute("DROP TABLE ks.t");
            session.execute("CREATE TABLE ks.t (k int PRIMARY KEY, v text)");
            session.execute(insert.bind(1, "into the new table"));
            assertThat(session.execute("SELECT v FROM ks.t WHERE k = 1").one().getString(0))
                    .isEqualTo("into the new table");
            // v becomes an int: the values bound for a text are refused, on every execution, not just the first
            session.execute("DROP TABLE ks.t");
            session.execute("CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
            for (int attempt = 0; attempt < 2; attempt++) {
                assertThatThrownBy(() -> session.execute(insert.bind(2, "a text")))
                        .isInstanceOf(InvalidQueryException.class)
                        .hasMessageContaining("bind variables changed since it was prepared (v text is now v int)");
            }
            assertThat(session.execute("SELECT * FROM ks.t").all()).isEmpty();

            // a paging state no node made, claiming a 2 GiB clustering value: refused, nothing allocated
            ByteBuffer forged = ByteBuffer.allocate(17).putInt(0).putInt(10).put((byte) 1).putInt(1)
                    .putInt(Integer.MAX_VALUE).flip();
            assertThatThrownBy(() -> session.execute(SimpleStatement.newInstance("SELECT * FROM ks.t WHERE k = 1")
                    .setPagingState(forged)))
                    .isInstanceOf(ProtocolError.class).hasMessageContaining("paging state");
            assertThat(session.execute("SELECT * FROM ks.t WHERE k = 1").all()).as("the connection still serves")
                    .isEmpty();
        }
    }

    @Test
    void ignoredOptionsComeBackAsWarningsAndAReplicationAboveTheClustersIsRefused() throws Exception {
        ServerConfig config = config(dir);
        try (ServerNode node = ServerNode.start(config, new FileStores(config), null);
             CqlSession session = connect(node)) {
            List<String> matching = session.execute("CREATE KEYSPACE same WITH replication = "
                    + "{'class':'SimpleStrategy','replication_factor':1}").getExecutionInfo().getWarnings();
            assertThat(matching).as("a replication the ring applies draws no warning").isEmpty();

            assertThatThrownBy(() -> session.execute("CREATE KEYSPACE wide WITH replication = "
                    + "{'class':'SimpleStrategy','replication_factor':3}"))
                    .isInstanceOf(InvalidQueryException.class)
                    .hasMessageContaining("replication_factor 3")
                    .hasMessageContaining("at most 1")
                    .hasMessageContaining("replication_factor server setting");
            assertThatThrownBy(() -> session.execute("ALTER KEYSPACE same WITH replication = "
                    + "{'class':'SimpleStrategy','replication_factor':2}"))
                    .isInstanceOf(InvalidQueryException.class).hasMessageContaining("at most 1");
            assertThat(session.execute("SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = 'same'")
                    .one().getMap(0, String.class, String.class)).containsEntry("replication_factor", "1");

            List<String> options = session.execute("CREATE TABLE same.t (k int PRIMARY KEY, v text) WITH compaction = "
                    + "{'class':'LeveledCompactionStrategy'}").getExecutionInfo().getWarnings();
            assertThat(options).singleElement().asString().contains("'compaction'", "ignored");
        }
    }
}
