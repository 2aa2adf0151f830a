package ringdb.server.cql;

import static org.assertj.core.api.Assertions.assertThat;
import static ringdb.server.testing.Waits.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.schema.keys.RowKeys;
import ringdb.cql.statements.Analyzer;
import ringdb.cql.statements.BindValues;
import ringdb.cql.statements.BoundSelect;
import ringdb.cql.statements.SelectStatement;
import ringdb.server.runtime.ServerNode;
import ringdb.server.testing.CqlSessions;
import ringdb.server.testing.OneNode;

/**
 * A first-page SELECT of one partition answered from the partition's records in memory
 * ({@link InMemorySelect}) gives exactly the rows and result columns the general read gives (the same
 * read by a SELECT naming a second, absent partition, which always reads the general way): of a table
 * without clustering columns, deleted cells and rows, an expired cell, a row of its key alone, column
 * subsets and orders, aliases, a missing row; of a clustered table (an ASC and a DESC clustering column),
 * a row by full key, prefixes, slices with inclusive and exclusive bounds, ORDER BY DESC, IN on a
 * clustering column, LIMIT and PER PARTITION LIMIT. Partitions the records cannot answer (collection
 * elements, range tombstones, a static column) read the general way with the same answers.
 */
@Timeout(120)
class CqlInMemoryReadTest {
    private static final String ABSENT = "zz-absent";

    @TempDir
    Path dir;

    @Test
    void readsOfCachedRowsFromMemoryAnswerAsTheGeneralRead() throws Exception {
        try (ServerNode node = OneNode.start(OneNode.settings(dir));
             CqlSession session = CqlSessions.connect(node.cqlAddress())) {
            session.execute("CREATE KEYSPACE ks WITH replication = {'class':'SimpleStrategy','replication_factor':1}");
            session.execute("CREATE TABLE ks.t (k text PRIMARY KEY, a text, b int, c text)");
            session.execute("INSERT INTO ks.t (k, a, b, c) VALUES ('full', 'a1', 1, 'c1')");
            session.execute("INSERT INTO ks.t (k, a, b, c) VALUES ('cellgone', 'a2', 2, 'c2')");
            session.execute("DELETE b FROM ks.t WHERE k = 'cellgone'");
            session.execute("INSERT INTO ks.t (k, a, b) VALUES ('rowgone', 'a3', 3)");
            session.execute("DELETE FROM ks.t WHERE k = 'rowgone'");
            session.execute("INSERT INTO ks.t (k) VALUES ('keyonly')");
            session.execute("UPDATE ks.t SET a = 'u' WHERE k = 'noMarker'");
            session.execute("DELETE a FROM ks.t WHERE k = 'noMarker'");
            session.execute("UPDATE ks.t SET a = '', b = 5 WHERE k = 'emptyValue'");
            session.execute("INSERT INTO ks.t (k, a) VALUES ('ttl', 'kept')");
            session.execute("UPDATE ks.t USING TTL 1 SET c = 'gone soon' WHERE k = 'ttl'");
            session.execute("UPDATE ks.t USING TTL 1 SET c = 'all gone soon' WHERE k = 'ttlOnly'");
            await(Duration.ofSeconds(30), "the cells with a TTL of 1 s to expire", () ->
                    session.execute("SELECT c FROM ks.t WHERE k IN ('ttl', 'ttlOnly')").one().isNull("c")
                            && session.execute("SELECT c FROM ks.t WHERE k IN ('ttlOnly', '" + ABSENT + "')")
                            .one() == null);

            List<String> selects = List.of("SELECT * FROM ks.t", "SELECT c, k, a FROM ks.t",
                    "SELECT b AS bee, b FROM ks.t", "SELECT k FROM ks.t");
            for (String key : List.of("full", "cellgone", "rowgone", "keyonly", "noMarker", "emptyValue", "ttl",
                    "ttlOnly", "never")) {
                for (String select : selects) {
                    String single = select + " WHERE k = '" + key + "'";
                    List<List<ByteBuffer>> general = sameAsGeneral(session, select, key);
                    // the driver's read filled the cache: the read from memory answers, the general rows
                    List<List<ByteBuffer>> inMemory = inMemory(node, single);
                    if (!key.equals("never")) {
                        assertThat(inMemory).as(single).isNotNull();
                    }
                    if (inMemory != null) {
                        assertThat(inMemory).as(single).isEqualTo(general);
                    }
                }
            }
            assertThat(sameAsGeneral(session, "SELECT * FROM ks.t", "full")).containsExactly(List.of(text("full"),
                    text("a1"), ByteBuffer.allocate(4).putInt(0, 1), text("c1")));
            assertThat(sameAsGeneral(session, "SELECT * FROM ks.t", "ttl")).containsExactly(
                    java.util.Arrays.asList(text("ttl"), text("kept"), null, null));
            assertThat(sameAsGeneral(session, "SELECT * FROM ks.t", "rowgone")).isEmpty();
            assertThat(sameAsGeneral(session, "SELECT * FROM ks.t", "noMarker")).isEmpty();

            session.execute("CREATE TABLE ks.m (k text PRIMARY KEY, v text, tags set<text>)");
            session.execute("INSERT INTO ks.m (k, v, tags) VALUES ('x', 'v1', {'p', 'q'})");
            session.execute("CREATE TABLE ks.s (k text, c int, st text static, v text, PRIMARY KEY (k, c))");
            session.execute("INSERT INTO ks.s (k, c, st, v) VALUES ('x', 1, 'shared', 'v1')");
            for (String select : List.of("SELECT * FROM ks.m", "SELECT k, v FROM ks.m", "SELECT * FROM ks.s")) {
                assertThat(sameAsGeneral(session, select, "x")).as(select).hasSize(1);
                // collection elements and tables with static columns are read the general way
                assertThat(inMemory(node, select + " WHERE k = 'x'")).as(select).isNull();
            }
        }
    }

    @Test
    void readsOfClusteredRowsFromMemoryAnswerAsTheGeneralRead() throws Exception {
        try (ServerNode node = OneNode.start(OneNode.settings(dir));
             CqlSession session = CqlSessions.connect(node.cqlAddress())) {
            session.execute("CREATE KEYSPACE ks WITH replication = {'class':'SimpleStrategy','replication_factor':1}");
            session.execute("CREATE TABLE ks.ts (k text, c int, d text, v text, w int, PRIMARY KEY (k, c, d))"
                    + " WITH CLUSTERING ORDER BY (c ASC, d DESC)");
            for (int c = 0; c < 8; c++) {
                for (String d : List.of("a", "b")) {
                    session.execute("INSERT INTO ks.ts (k, c, d, v, w) VALUES ('p', " + c + ", '" + d + "', 'v" + c
                            + d + "', " + c + ")");
                }
            }
            session.execute("DELETE FROM ks.ts WHERE k = 'p' AND c = 2 AND d = 'a'");
            session.execute("DELETE v FROM ks.ts WHERE k = 'p' AND c = 3 AND d = 'b'");
            session.execute("UPDATE ks.ts SET v = 'no marker' WHERE k = 'p' AND c = 9 AND d = 'z'");
            session.execute("UPDATE ks.ts USING TTL 1 SET v = 'gone soon' WHERE k = 'p' AND c = 10 AND d = 'z'");
            session.execute("INSERT INTO ks.ts (k, c, d, v) VALUES ('ranged', 1, 'a', 'x')");
            session.execute("INSERT INTO ks.ts (k, c, d, v) VALUES ('ranged', 2, 'a', 'y')");
            session.execute("DELETE FROM ks.ts WHERE k = 'ranged' AND c >= 2");
            await(Duration.ofSeconds(30), "the cell with a TTL of 1 s to expire", () ->
                    session.execute("SELECT v FROM ks.ts WHERE k = 'p' AND c = 10").one() == null);
            List<String> tails = List.of("", " AND c = 3", " AND c = 3 AND d = 'b'", " AND c = 2 AND d = 'a'",
                    " AND c > 2 AND c <= 5", " AND c >= 2 AND c < 5 ORDER BY c DESC", " ORDER BY c DESC LIMIT 3",
                    " LIMIT 4", " AND c IN (1, 4, 6)", " AND c = 4 AND d > 'a'", " AND c = 4 AND d <= 'a'",
                    " PER PARTITION LIMIT 2", " AND c = 42");
            for (String select : List.of("SELECT * FROM ks.ts", "SELECT d, v, k FROM ks.ts", "SELECT c FROM ks.ts")) {
                for (String tail : tails) {
                    List<List<ByteBuffer>> general = sameAsGeneral(session, select, "p", tail);
                    List<List<ByteBuffer>> inMemory = inMemory(node, select + " WHERE k = 'p'" + tail);
                    assertThat(inMemory).as(select + tail).isNotNull().isEqualTo(general);
                }
                List<List<ByteBuffer>> ranged = sameAsGeneral(session, select, "ranged", "");
                assertThat(ranged).as("the range deletion leaves one row").hasSize(1);
                assertThat(inMemory(node, select + " WHERE k = 'ranged'")).as("range tombstones: the general way")
                        .isNull();
            }
            for (String tail : List.of("", " PER PARTITION LIMIT 5", " LIMIT 7",
                    " ORDER BY c DESC PER PARTITION LIMIT 6", " AND c > 1 PER PARTITION LIMIT 4")) {
                // pages of 3 rows: a first page the read from memory fills hands the read to the general way,
                // which says where the next page starts, so the driver gets every row LIMIT and PER PARTITION
                // LIMIT allow
                List<List<ByteBuffer>> paged = rows(session.execute(SimpleStatement.newInstance(
                        "SELECT * FROM ks.ts WHERE k = 'p'" + tail).setPageSize(3)));
                List<List<ByteBuffer>> whole = rows(session.execute(
                        "SELECT * FROM ks.ts WHERE k IN ('p', '" + ABSENT + "')" + tail));
                assertThat(paged).as("pages of 3:" + tail).isEqualTo(whole).hasSizeGreaterThan(3);
                String two = "SELECT * FROM ks.ts WHERE k IN ('p', 'ranged')" + tail;
                assertThat(rows(session.execute(SimpleStatement.newInstance(two).setPageSize(3))))
                        .as("two partitions in pages of 3:" + tail).isEqualTo(rows(session.execute(two)));
            }
            assertThat(sameAsGeneral(session, "SELECT c, d FROM ks.ts", "p", " AND c >= 2 AND c < 4")).containsExactly(
                    List.of(ByteBuffer.allocate(4).putInt(0, 2), text("b")),
                    List.of(ByteBuffer.allocate(4).putInt(0, 3), text("b")),
                    List.of(ByteBuffer.allocate(4).putInt(0, 3), text("a")));
        }
    }

    private static List<List<ByteBuffer>> sameAsGeneral(CqlSession session, String select, String key) {
        return sameAsGeneral(session, select, key, "");
    }

    /**
     * The rows of {@code select} of partition {@code key} and then {@code tail} as the driver gets them, checked
     * to be the rows, result columns and paging state (none) of the same read naming a second, absent partition.
     */
    private static List<List<ByteBuffer>> sameAsGeneral(CqlSession session, String select, String key,
                                                        String tail) {
        ResultSet single = session.execute(session.prepare(select + " WHERE k = ?" + tail).bind(key));
        ResultSet general = session.execute(select + " WHERE k IN ('" + key + "', '" + ABSENT + "')" + tail);
        List<String> columns = columns(single);
        assertThat(columns).as(select).isEqualTo(columns(general));
        List<List<ByteBuffer>> rows = rows(single);
        assertThat(rows).as(select + " of " + key).isEqualTo(rows(general));
        assertThat(single.getExecutionInfo().getPagingState()).isNull();
        ResultSet unprepared = session.execute(select + " WHERE k = '" + key + "'" + tail);
        assertThat(columns(unprepared)).isEqualTo(columns);
        assertThat(rows(unprepared)).isEqualTo(rows);
        return rows;
    }

    private static List<String> columns(ResultSet result) {
        List<String> out = new ArrayList<>();
        for (ColumnDefinition c : result.getColumnDefinitions()) {
            out.add(c.getKeyspace() + "." + c.getTable() + "." + c.getName() + " " + c.getType());
        }
        return out;
    }

    private static List<List<ByteBuffer>> rows(ResultSet result) {
        List<List<ByteBuffer>> out = new ArrayList<>();
        for (Row row : result) {
            List<ByteBuffer> values = new ArrayList<>();
            for (int i = 0; i < row.getColumnDefinitions().size(); i++) {
                values.add(row.getBytesUnsafe(i));
            }
            out.add(values);
        }
        return out;
    }

    /** What {@link InMemorySelect} answers for {@code cql} at ONE on the node's thread; null: read the general way. */
    private static List<List<ByteBuffer>> inMemory(ServerNode node, String cql) throws Exception {
        return node.nodeThread().call(() -> {
            SelectStatement statement = (SelectStatement) Analyzer.analyze(cql, null,
                    NodeSchema.view(node.node().schema(), null));
            RowKeys keys = new RowKeys(statement.table(), node.node().config().partitioner()::token);
            BoundSelect select = statement.bind(BindValues.NONE, keys::token);
            InMemorySelect inMemory = new InMemorySelect(node.node());
            return inMemory.reads(select) ? inMemory.rows(select, keys, ConsistencyLevel.ONE, 5000) : null;
        }).get(30, TimeUnit.SECONDS);
    }

    private static ByteBuffer text(String value) {
        return ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8));
    }
}
