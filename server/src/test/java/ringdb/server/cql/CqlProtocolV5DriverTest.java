package ringdb.server.cql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ringdb.server.config.ServerConfig;
import ringdb.server.runtime.FileStores;
import ringdb.server.runtime.ServerNode;
import ringdb.server.testing.CqlSessions;

/**
 * The Java driver against a real node in protocol v5, which it negotiates on its own: frames in
 * checksummed segments (LZ4-compressed ones too), prepared statements with their result metadata id,
 * paging, and requests and answers larger than one segment's 128 KiB payload. A prepared statement
 * keeps working across ALTER TABLE ADD (the driver learns the new columns through the metadata id) and
 * across DROP and CREATE TABLE with another column type (a SELECT gets the new definition; an INSERT
 * whose values the driver encoded for the old type is refused with a clear error, and prepared again
 * it takes the new type).
 */
@Timeout(120)
class CqlProtocolV5DriverTest {
    @TempDir
    Path dir;

    private static CqlSession connect(ServerNode node, String compression) {
        return CqlSessions.builder(node.cqlAddress(), CqlSessions.connectionTimeouts()
                .withString(DefaultDriverOption.PROTOCOL_COMPRESSION, compression)).build();
    }

    private static void createKeyspace(CqlSession session) {
        session.execute("CREATE KEYSPACE v5 WITH replication = {'class':'SimpleStrategy','replication_factor':1}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "lz4"})
    void theDriverSpeaksV5WritesReadsPagesAndMovesValuesLargerThanASegment(String compression) throws Exception {
        ServerConfig config = CqlStatementsDriverTest.config(dir);
        try (ServerNode node = ServerNode.start(config, new FileStores(config), null);
             CqlSession session = connect(node, compression)) {
            assertThat(session.getContext().getProtocolVersion()).isEqualTo(ProtocolVersion.V5);
            createKeyspace(session);
            session.execute("CREATE TABLE v5.blobs (k int, c int, v blob, PRIMARY KEY (k, c))");
            PreparedStatement insert = session.prepare("INSERT INTO v5.blobs (k, c, v) VALUES (?, ?, ?)");
            // 300 KB of incompressible bytes: the request spans three segments, compressed or not
            byte[] large = new byte[300_000];
            new Random(5).nextBytes(large);
            session.execute(insert.bind(1, 0, ByteBuffer.wrap(large)));
            for (int c = 1; c <= 300; c++) {
                session.execute(insert.bind(2, c, ByteBuffer.wrap(new byte[1000])));
            }

            Row back = session.execute("SELECT v FROM v5.blobs WHERE k = 1 AND c = 0").one();
            assertThat(back.getByteBuffer("v")).isEqualTo(ByteBuffer.wrap(large));
            // one page of 300 rows of 1 KB each answers in a frame larger than a segment
            PreparedStatement partition = session.prepare("SELECT c, v FROM v5.blobs WHERE k = ?");
            List<Row> all = session.execute(partition.bind(2).setPageSize(1000)).all();
            assertThat(all).hasSize(300);
            assertThat(all.get(299).getInt("c")).isEqualTo(300);

            ResultSet paged = session.execute(partition.bind(2).setPageSize(70));
            List<Integer> seen = new ArrayList<>();
            for (Row row : paged) {
                seen.add(row.getInt("c"));
            }
            assertThat(seen).hasSize(300).isSorted();
            assertThat(paged.getExecutionInfos()).hasSize(5);

            // a statement that names its keyspace (v5 keyspace flag) without USE
            Row one = session.execute(SimpleStatement.newInstance("SELECT c FROM blobs WHERE k = 2 LIMIT 1")
                    .setKeyspace("v5")).one();
            assertThat(one.getInt("c")).isEqualTo(1);
        }
    }

    @Test
    void aPreparedSelectStarSeesAColumnAddedAfterItWasPrepared() throws Exception {
        ServerConfig config = CqlStatementsDriverTest.config(dir);
        try (ServerNode node = ServerNode.start(config, new FileStores(config), null);
             CqlSession session = connect(node, "none")) {
            createKeyspace(session);
            session.execute("CREATE TABLE v5.people (id int PRIMARY KEY, name text)");
            session.execute("INSERT INTO v5.people (id, name) VALUES (1, 'ann')");
            PreparedStatement select = session.prepare("SELECT * FROM v5.people WHERE id = ?");
            ByteBuffer idBefore = select.getResultMetadataId();
            assertThat(session.execute(select.bind(1)).one().getColumnDefinitions().size()).isEqualTo(2);

            session.execute("ALTER TABLE v5.people ADD email text");
            session.execute("UPDATE v5.people SET email = 'ann@example.org' WHERE id = 1");
            Row row = session.execute(select.bind(1)).one();
            assertThat(row.getColumnDefinitions().contains("email")).isTrue();
            assertThat(row.getString("email")).isEqualTo("ann@example.org");
            assertThat(row.getString("name")).isEqualTo("ann");
            // the driver took the new id from the answer (Metadata_changed), and later answers agree with it
            assertThat(select.getResultMetadataId()).isNotEqualTo(idBefore);
            assertThat(select.getResultSetDefinitions().contains("email")).isTrue();
            assertThat(session.execute(select.bind(1)).one().getString("email")).isEqualTo("ann@example.org");
        }
    }

    @Test
    void preparedStatementsKeepWorkingAcrossDropAndCreateWithAnotherColumnType() throws Exception {
        ServerConfig config = CqlStatementsDriverTest.config(dir);
        try (ServerNode node = ServerNode.start(config, new FileStores(config), null);
             CqlSession session = connect(node, "none")) {
            createKeyspace(session);
            session.execute("CREATE TABLE v5.things (id int PRIMARY KEY, amount int)");
            PreparedStatement insert = session.prepare("INSERT INTO v5.things (id, amount) VALUES (?, ?)");
            PreparedStatement select = session.prepare("SELECT * FROM v5.things WHERE id = ?");
            session.execute(insert.bind(1, 7));
            assertThat(session.execute(select.bind(1)).one().getInt("amount")).isEqualTo(7);

            session.execute("DROP TABLE v5.things");
            session.execute("CREATE TABLE v5.things (id int PRIMARY KEY, amount text)");
            session.execute("INSERT INTO v5.things (id, amount) VALUES (2, 'seven')");
            Row row = session.execute(select.bind(2)).one();
            assertThat(row.getColumnDefinitions().get("amount").getType().asCql(false, true)).isEqualTo("text");
            assertThat(row.getString("amount")).isEqualTo("seven");

            // the INSERT prepared for an int would send 4 bytes the text column would take as text: refused
            assertThatThrownBy(() -> session.execute(insert.bind(3, 3)))
                    .isInstanceOf(InvalidQueryException.class)
                    .hasMessageContaining("amount int is now amount text")
                    .hasMessageContaining("prepare the statement");
            assertThat(session.execute(select.bind(3)).one()).isNull();
            // prepared again (a new session: the driver keeps its own prepared statements by text), it is text
            try (CqlSession fresh = connect(node, "none")) {
                PreparedStatement again = fresh.prepare("INSERT INTO v5.things (id, amount) VALUES (?, ?)");
                assertThat(again.getId()).isEqualTo(insert.getId());
                assertThat(again.getVariableDefinitions().get("amount").getType().asCql(false, true))
                        .isEqualTo("text");
                fresh.execute(again.bind(3, "three"));
            }
            assertThat(session.execute(select.bind(3)).one().getString("amount")).isEqualTo("three");
        }
    }
}
