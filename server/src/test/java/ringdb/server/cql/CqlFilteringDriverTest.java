package ringdb.server.cql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import java.nio.file.Path;
import java.time.Duration;
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
        DriverConfigLoader loader = DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10))
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(10))
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(10))
                .build();
        return CqlSession.builder().addContactPoint(node.cqlAddress())
                .withLocalDatacenter(CqlClusterView.DATA_CENTER).withConfigLoader(loader).build();
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
                    .isInstanceOf(InvalidQueryException.class).hasMessage("List index 0 out of bound, list has size 0");
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
