package ringdb.server.cql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.server.config.ServerConfig;
import ringdb.server.runtime.FileStores;
import ringdb.server.runtime.ServerNode;
import ringdb.server.testing.CqlSessions;

/**
 * The Java driver against a real node: SELECTs that filter (a regular, static or clustering column
 * without the partition key) are refused without ALLOW FILTERING with Cassandra's message, and with
 * it scan the table, filter on the coordinator and page correctly; list elements set and deleted
 * by index.
 */
@Timeout(120)
class CqlFilteringDriverTest {
    private static final String FILTERING = "Cannot execute this query as it might involve data filtering and thus "
            + "may have unpredictable performance. If you want to execute this query despite the performance "
            + "unpredictability, use ALLOW FILTERING";

    @TempDir
    Path dir;

    private static CqlSession connect(ServerNode node) {
        return CqlSessions.builder(node.cqlAddress(), CqlSessions.timeouts()).build();
    }

    /** Every row's "k/c", reading page after page of {@code pageSize}; at least {@code pagesMin} pages. */
    private static List<String> keys(CqlSession session, String query, int pageSize, int pagesMin) {
        ResultSet rs = session.execute(SimpleStatement.newInstance(query).setPageSize(pageSize));
        List<String> out = new ArrayList<>();
        for (Row row : rs) {
            out.add(row.getInt("k") + "/" + row.getInt("c"));
        }
        assertThat(rs.getExecutionInfos()).as("pages of " + query).hasSizeGreaterThanOrEqualTo(pagesMin);
        return out;
    }

    @Test
    void filteredSelectsNeedAllowFilteringAndThenScanFilterAndPage() throws Exception {
        ServerConfig config = CqlStatementsDriverTest.config(dir);
        try (ServerNode node = ServerNode.start(config, new FileStores(config), null);
             CqlSession session = connect(node)) {
            session.execute("CREATE KEYSPACE f WITH replication = {'class':'SimpleStrategy','replication_factor':1}");
            session.execute("CREATE TABLE f.t (k int, c int, v text, n int, s int STATIC, PRIMARY KEY (k, c))");
            PreparedStatement insert = session.prepare("INSERT INTO f.t (k, c, v, n, s) VALUES (?, ?, ?, ?, ?)");
            for (int k = 0; k < 60; k++) {
                for (int c = 0; c < 5; c++) {
                    session.execute(insert.bind(k, c, "v" + (k + c) % 4, k * 5 + c, k % 2));
                }
            }
            for (String refused : List.of("SELECT * FROM f.t WHERE n = 3", "SELECT * FROM f.t WHERE c = 2",
                    "SELECT * FROM f.t WHERE k = 5 AND v = 'v1'", "SELECT * FROM f.t WHERE s = 1")) {
                assertThatThrownBy(() -> session.execute(refused)).as(refused)
                        .isInstanceOf(InvalidQueryException.class).hasMessage(FILTERING);
            }
            Set<String> expected = new TreeSet<>();
            for (int n = 21; n <= 40; n++) {
                expected.add(n / 5 + "/" + n % 5);
            }
            List<String> range = keys(session, "SELECT k, c FROM f.t WHERE n > 20 AND n <= 40 ALLOW FILTERING", 7, 3);
            assertThat(range).hasSize(20).doesNotHaveDuplicates();
            assertThat(new TreeSet<>(range)).isEqualTo(expected);
            List<String> clustering = keys(session, "SELECT k, c FROM f.t WHERE c = 2 ALLOW FILTERING", 7, 9);
            assertThat(clustering).hasSize(60).doesNotHaveDuplicates().allMatch(key -> key.endsWith("/2"));
            assertThat(keys(session, "SELECT k, c FROM f.t WHERE k = 5 AND v = 'v1' ALLOW FILTERING", 100, 1))
                    .containsExactly("5/0", "5/4");
            assertThat(keys(session, "SELECT k, c FROM f.t WHERE n IN (1, 2, 299) ALLOW FILTERING", 2, 2))
                    .containsExactlyInAnyOrder("0/1", "0/2", "59/4");
            assertThat(keys(session, "SELECT k, c FROM f.t WHERE n >= 100 AND n < 103 LIMIT 2 ALLOW FILTERING", 1, 2))
                    .hasSize(2);
            assertThat(session.execute("SELECT COUNT(*) FROM f.t WHERE s = 1 ALLOW FILTERING").one().getLong(0))
                    .isEqualTo(150);
            assertThat(session.execute("SELECT COUNT(*) FROM f.t WHERE v = 'nothing' ALLOW FILTERING").one()
                    .getLong(0)).isZero();
        }
    }

    @Test
    void containsAndContainsKeyFilterCollectionsWithAllowFiltering() throws Exception {
        ServerConfig config = CqlStatementsDriverTest.config(dir);
        try (ServerNode node = ServerNode.start(config, new FileStores(config), null);
             CqlSession session = connect(node)) {
            session.execute("CREATE KEYSPACE f WITH replication = {'class':'SimpleStrategy','replication_factor':1}");
            session.execute("CREATE TABLE f.c (k int, c int, l list<int>, st set<text>, m map<text, int>, "
                    + "fr frozen<set<int>>, PRIMARY KEY (k, c))");
            PreparedStatement insert = session.prepare("INSERT INTO f.c (k, c, l, st, m, fr) "
                    + "VALUES (?, ?, ?, ?, ?, ?)");
            for (int k = 0; k < 40; k++) {
                for (int c = 0; c < 3; c++) {
                    int n = k * 3 + c;
                    session.execute(insert.bind(k, c, List.of(n % 7, 100 + n % 5), Set.of("t" + n % 4),
                            java.util.Map.of("key" + n % 6, n % 10), Set.of(n % 9)));
                }
            }
            session.execute("INSERT INTO f.c (k, c) VALUES (99, 0)"); // no collections: never matches
            for (String refused : List.of("SELECT * FROM f.c WHERE l CONTAINS 3", "SELECT * FROM f.c WHERE "
                    + "m CONTAINS KEY 'key1'", "SELECT * FROM f.c WHERE k = 1 AND st CONTAINS 't1'")) {
                assertThatThrownBy(() -> session.execute(refused)).as(refused)
                        .isInstanceOf(InvalidQueryException.class).hasMessage(FILTERING);
            }
            assertThatThrownBy(() -> session.execute("SELECT * FROM f.c WHERE c CONTAINS 1 ALLOW FILTERING"))
                    .isInstanceOf(InvalidQueryException.class).hasMessage("Cannot use CONTAINS on non-collection "
                            + "column c");
            assertThatThrownBy(() -> session.execute("SELECT * FROM f.c WHERE l CONTAINS KEY 1 ALLOW FILTERING"))
                    .isInstanceOf(InvalidQueryException.class).hasMessage("Cannot use CONTAINS KEY on non-map "
                            + "column l");
            assertThat(new TreeSet<>(keys(session, "SELECT k, c FROM f.c WHERE l CONTAINS 3 ALLOW FILTERING", 5, 3)))
                    .isEqualTo(expected(n -> n % 7 == 3));
            List<String> both = keys(session, "SELECT k, c FROM f.c WHERE l CONTAINS 3 AND l CONTAINS 102 "
                    + "ALLOW FILTERING", 5, 1);
            assertThat(both).doesNotHaveDuplicates();
            assertThat(new TreeSet<>(both)).isEqualTo(expected(n -> n % 7 == 3 && n % 5 == 2));
            List<String> set = keys(session, "SELECT k, c FROM f.c WHERE st CONTAINS 't1' ALLOW FILTERING", 5, 6);
            assertThat(set).hasSize(30).doesNotHaveDuplicates();
            assertThat(new TreeSet<>(set)).isEqualTo(expected(n -> n % 4 == 1));
            PreparedStatement byKey = session.prepare("SELECT k, c FROM f.c WHERE m CONTAINS KEY ? ALLOW FILTERING");
            assertThat(byKey.getVariableDefinitions().get(0).getName().asInternal()).isEqualTo("key(m)");
            List<String> keyed = new ArrayList<>();
            for (Row row : session.execute(byKey.bind("key2").setPageSize(5))) {
                keyed.add(row.getInt("k") + "/" + row.getInt("c"));
            }
            assertThat(keyed).hasSize(20).doesNotHaveDuplicates();
            assertThat(new TreeSet<>(keyed)).isEqualTo(expected(n -> n % 6 == 2));
            PreparedStatement byValue = session.prepare("SELECT k, c FROM f.c WHERE m CONTAINS ? AND k = ? "
                    + "ALLOW FILTERING");
            List<String> valued = new ArrayList<>();
            for (int k = 0; k < 40; k++) {
                session.execute(byValue.bind(4, k)).forEach(row -> valued.add(row.getInt("k") + "/" + row.getInt("c")));
            }
            assertThat(new TreeSet<>(valued)).isEqualTo(expected(n -> n % 10 == 4));
            assertThat(session.execute("SELECT COUNT(*) FROM f.c WHERE fr CONTAINS 0 ALLOW FILTERING").one()
                    .getLong(0)).isEqualTo(expected(n -> n % 9 == 0).size());
            assertThat(session.execute("SELECT COUNT(*) FROM f.c WHERE m CONTAINS KEY 'absent' ALLOW FILTERING")
                    .one().getLong(0)).isZero();
        }
    }

    /** The "k/c" of the rows of f.c (n = k * 3 + c, 40 partitions of 3 rows) whose n passes. */
    private static Set<String> expected(java.util.function.IntPredicate matches) {
        Set<String> out = new TreeSet<>();
        for (int n = 0; n < 120; n++) {
            if (matches.test(n)) {
                out.add(n / 3 + "/" + n % 3);
            }
        }
        return out;
    }

    @Test
    void filteredTokenRangeScansPageOverEveryMatchingRowExactlyOnce() throws Exception {
        ServerConfig config = murmur3Config(dir);
        try (ServerNode node = ServerNode.start(config, new FileStores(config), null);
             CqlSession session = connect(node)) {
            session.execute("CREATE KEYSPACE f WITH replication = {'class':'SimpleStrategy','replication_factor':1}");
            session.execute("CREATE TABLE f.r (k int, c int, n int, PRIMARY KEY (k, c))");
            PreparedStatement insert = session.prepare("INSERT INTO f.r (k, c, n) VALUES (?, ?, ?)");
            java.util.Map<String, Long> tokenOf = new java.util.HashMap<>();
            com.datastax.oss.driver.api.core.metadata.TokenMap tokens = session.getMetadata().getTokenMap()
                    .orElseThrow();
            for (int k = 0; k < 150; k++) {
                long token = ((com.datastax.oss.driver.internal.core.metadata.token.Murmur3Token) tokens.newToken(
                        com.datastax.oss.driver.api.core.type.codec.TypeCodecs.INT.encode(k,
                                com.datastax.oss.driver.api.core.ProtocolVersion.V4))).getValue();
                for (int c = 0; c < 3; c++) {
                    session.execute(insert.bind(k, c, k * 3 + c));
                    tokenOf.put(k + "/" + c, token);
                }
            }
            // four ranges covering the ring, as a splitting reader (Spark, a bulk export) would ask them
            long[] bounds = {Long.MIN_VALUE, -4_611_686_018_427_387_904L, 0, 4_611_686_018_427_387_904L,
                    Long.MAX_VALUE};
            PreparedStatement ranged = session.prepare("SELECT k, c, n FROM f.r WHERE token(k) > ? AND token(k) <= ? "
                    + "AND n < ? ALLOW FILTERING");
            List<String> all = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                long start = bounds[i];
                long end = bounds[i + 1];
                Set<String> expected = new TreeSet<>();
                tokenOf.forEach((key, token) -> {
                    int n = Integer.parseInt(key.split("/")[0]) * 3 + Integer.parseInt(key.split("/")[1]);
                    if (token > start && token <= end && n % 2 == 0 && n < 400) {
                        expected.add(key);
                    }
                });
                List<String> simple = keys(session, "SELECT k, c FROM f.r WHERE token(k) > " + start
                        + " AND token(k) <= " + end + " AND n IN (" + evens(400) + ") ALLOW FILTERING", 5,
                        expected.size() / 5);
                assertThat(simple).as("range %d", i).doesNotHaveDuplicates();
                assertThat(new TreeSet<>(simple)).as("range %d", i).isEqualTo(expected);
                ResultSet rs = session.execute(ranged.bind(start, end, 400).setPageSize(5));
                List<String> prepared = new ArrayList<>();
                for (Row row : rs) {
                    if (row.getInt("n") % 2 == 0) {
                        prepared.add(row.getInt("k") + "/" + row.getInt("c"));
                    }
                }
                assertThat(rs.getExecutionInfos()).as("pages of range %d", i).hasSizeGreaterThan(3);
                assertThat(prepared).as("range %d, prepared", i).doesNotHaveDuplicates();
                assertThat(new TreeSet<>(prepared)).as("range %d, prepared", i).isEqualTo(expected);
                all.addAll(simple);
            }
            assertThat(all).hasSize(200).doesNotHaveDuplicates();
            tokenBoundsAreHonouredToTheToken(session, tokenOf);
            assertThat(session.execute("SELECT k FROM f.r WHERE token(k) > " + Long.MAX_VALUE + " AND n >= 0 "
                    + "ALLOW FILTERING").all()).isEmpty();
            assertThat(session.execute("SELECT k FROM f.r WHERE token(k) <= " + Long.MIN_VALUE + " AND n >= 0 "
                    + "ALLOW FILTERING").all()).isEmpty();
        }
    }

    /** Bounds on the very tokens of rows: inclusive and exclusive ends honoured to the token, paged by 5. */
    private static void tokenBoundsAreHonouredToTheToken(CqlSession session, java.util.Map<String, Long> tokenOf) {
        List<Long> sorted = tokenOf.values().stream().distinct().sorted().toList();
        long low = sorted.get(40);
        long high = sorted.get(90);
        for (String bounds2 : List.of(">= ? AND token(k) < ?", "> ? AND token(k) <= ?")) {
            boolean startInclusive = bounds2.startsWith(">=");
            Set<String> expected = new TreeSet<>();
            tokenOf.forEach((key, token) -> {
                if ((startInclusive ? token >= low && token < high : token > low && token <= high)
                        && !key.endsWith("/1")) {
                    expected.add(key);
                }
            });
            PreparedStatement edge = session.prepare("SELECT k, c FROM f.r WHERE token(k) " + bounds2
                    + " AND c != 1 ALLOW FILTERING");
            List<String> got = new ArrayList<>();
            session.execute(edge.bind(low, high).setPageSize(5)).forEach(row -> got.add(row.getInt("k") + "/"
                    + row.getInt("c")));
            assertThat(got).as(bounds2).hasSize(100).doesNotHaveDuplicates();
            assertThat(new TreeSet<>(got)).as(bounds2).isEqualTo(expected);
        }
    }

    /** "0, 2, 4, ..." below {@code max}. */
    private static String evens(int max) {
        StringBuilder out = new StringBuilder();
        for (int n = 0; n < max; n += 2) {
            out.append(n == 0 ? "" : ", ").append(n);
        }
        return out.toString();
    }

    private static ServerConfig murmur3Config(Path dir) throws java.io.IOException {
        int internode = ringdb.server.net.FreePorts.loopback();
        java.util.Map<String, String> settings = new java.util.HashMap<>();
        settings.put("listen_address", "127.0.0.1");
        settings.put("internode_port", Integer.toString(internode));
        settings.put("http_address", "127.0.0.1");
        settings.put("http_port", Integer.toString(ringdb.server.net.FreePorts.loopback()));
        settings.put("native_transport_port", Integer.toString(ringdb.server.net.FreePorts.loopback()));
        settings.put("data_directory", dir.toString());
        settings.put("replication_factor", "1");
        settings.put("gossip_interval_ms", "100");
        settings.put("ring_delay_ms", "300");
        settings.put("partitioner", "murmur3");
        settings.put("seeds", "127.0.0.1:" + internode);
        return ServerConfig.load(null, settings);
    }

    @Test
    void listElementsAreSetAndDeletedByIndexAndRemovedByValue() throws Exception {
        ServerConfig config = CqlStatementsDriverTest.config(dir);
        try (ServerNode node = ServerNode.start(config, new FileStores(config), null);
             CqlSession session = connect(node)) {
            session.execute("CREATE KEYSPACE f WITH replication = {'class':'SimpleStrategy','replication_factor':1}");
            session.execute("CREATE TABLE f.l (k int, c int, l list<text>, s list<int> STATIC, PRIMARY KEY (k, c))");
            session.execute("INSERT INTO f.l (k, c, l, s) VALUES (1, 1, ['a', 'b', 'c'], [1, 2, 3, 2])");
            session.execute("UPDATE f.l SET l[1] = 'B' WHERE k = 1 AND c = 1");
            assertThat(list(session)).containsExactly("a", "B", "c");
            session.execute("DELETE l[0] FROM f.l WHERE k = 1 AND c = 1");
            assertThat(list(session)).containsExactly("B", "c");
            PreparedStatement set = session.prepare("UPDATE f.l SET l[?] = ? WHERE k = 1 AND c = 1");
            session.execute(set.bind(1, "C"));
            assertThat(list(session)).containsExactly("B", "C");
            session.execute("UPDATE f.l SET l = l + ['d', 'B'] WHERE k = 1 AND c = 1");
            session.execute("UPDATE f.l SET l = l - ['B'] WHERE k = 1 AND c = 1");
            assertThat(list(session)).containsExactly("C", "d");
            assertThatThrownBy(() -> session.execute("UPDATE f.l SET l[5] = 'x' WHERE k = 1 AND c = 1"))
                    .isInstanceOf(InvalidQueryException.class).hasMessage("List index 5 out of bound, list has size 2");
            assertThatThrownBy(() -> session.execute("DELETE l[2] FROM f.l WHERE k = 1 AND c = 1"))
                    .isInstanceOf(InvalidQueryException.class).hasMessage("List index 2 out of bound, list has size 2");
            assertThatThrownBy(() -> session.execute("UPDATE f.l SET l[0] = 'x' WHERE k = 1 AND c = 9"))
                    .isInstanceOf(InvalidQueryException.class)
                    .hasMessage("Attempted to set an element on a list which is null");
            assertThat(list(session)).containsExactly("C", "d");
            // a static list, by index and by value
            session.execute("UPDATE f.l SET s[3] = 4 WHERE k = 1");
            session.execute("UPDATE f.l SET s = s - [2] WHERE k = 1");
            assertThat(session.execute("SELECT s FROM f.l WHERE k = 1 AND c = 1").one().getList(0, Integer.class))
                    .containsExactly(1, 3, 4);
        }
    }

    private static List<String> list(CqlSession session) {
        return session.execute("SELECT l FROM f.l WHERE k = 1 AND c = 1").one().getList(0, String.class);
    }
}
