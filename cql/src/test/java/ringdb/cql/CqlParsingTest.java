package ringdb.cql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CqlParsingTest {

    @Test
    void aMisspelledKeywordIsASyntaxErrorNamingLineColumnAndToken() {
        assertThatThrownBy(() -> CqlParsing.parse("SELECT * FORM t"))
                .isInstanceOf(CqlSyntaxException.class)
                .hasMessageStartingWith("line 1:9 ")
                .hasMessageContaining("'FORM'")
                .hasMessageEndingWith("(SELECT * [FORM]...)");
    }

    @Test
    void aWrongFirstWordIsNoViableAlternative() {
        assertThatThrownBy(() -> CqlParsing.parse("SELCT * FROM t"))
                .isInstanceOf(CqlSyntaxException.class)
                .hasMessageStartingWith("line 1:0 ")
                .hasMessageContaining("SELCT");
    }

    @Test
    void errorsOnLaterLinesNameTheirLine() {
        assertThatThrownBy(() -> CqlParsing.parse("SELECT *\nFROM t\nWHERE k = = 1"))
                .isInstanceOf(CqlSyntaxException.class)
                .hasMessageStartingWith("line 3:10 ");
    }

    @Test
    void anUnterminatedStatementIsASyntaxErrorAtItsEnd() {
        assertThatThrownBy(() -> CqlParsing.parse("INSERT INTO t (k, v) VALUES (1,"))
                .isInstanceOf(CqlSyntaxException.class)
                .hasMessageContaining("<EOF>");
    }

    @Test
    void aCharacterOutsideTheLanguageIsATokenError() {
        assertThatThrownBy(() -> CqlParsing.parse("SELECT * FROM t WHERE k = ~1"))
                .isInstanceOf(CqlSyntaxException.class)
                .hasMessageContaining("token recognition error");
    }

    @Test
    void anEmptyStatementIsASyntaxError() {
        assertThatThrownBy(() -> CqlParsing.parse("  ")).isInstanceOf(CqlSyntaxException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "select * from t",
        "SeLeCt * FrOm t WhErE k = 1;",
        "SELECT * FROM t -- a comment\n WHERE k = 1",
        "SELECT * FROM t /* block\n comment */ WHERE k = 1 // another",
        "SELECT \"Quoted Name\", key, ttl, type, count, values FROM ks.\"T\"",
        "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        "CREATE SCHEMA ks WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3} AND durable_writes = true",
        "ALTER KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}",
        "DROP KEYSPACE IF EXISTS ks",
        "CREATE TABLE t (k int PRIMARY KEY, v map<text, frozen<list<int>>>)",
        "CREATE TABLE IF NOT EXISTS ks.t (a int, b text, c timeuuid, s set<int> static, PRIMARY KEY ((a, b), c),)"
            + " WITH CLUSTERING ORDER BY (c DESC) AND default_time_to_live = 10 AND compaction = {'class': 'x'}",
        "ALTER TABLE t ADD v int",
        "ALTER TABLE t ADD (v int, w text static)",
        "ALTER TABLE t DROP v",
        "ALTER TABLE t WITH gc_grace_seconds = 5",
        "DROP TABLE IF EXISTS ks.t",
        "USE ks",
        "INSERT INTO t (k, v) VALUES (?, :val) USING TTL 5 AND TIMESTAMP 123",
        "INSERT INTO t JSON '{\"k\": 1}' DEFAULT UNSET",
        "UPDATE t USING TTL ? SET l = l + [1], l = [0] + l, m['a'] = 1, s = s - {2}, n += {3} WHERE k = 1",
        "DELETE v, m['a'], l[0] FROM t USING TIMESTAMP 5 WHERE k IN (1, 2) AND c >= 3",
        "BEGIN UNLOGGED BATCH USING TIMESTAMP 1 INSERT INTO t (k) VALUES (1); DELETE FROM t WHERE k = 2; APPLY BATCH",
        "SELECT DISTINCT k FROM t WHERE token(k) > -9223372036854775808 AND token(k) <= ? LIMIT 10",
        "SELECT count(*) AS n, writetime(v), ttl(v) FROM t WHERE k = 1 AND c > 2 ORDER BY c DESC"
            + " PER PARTITION LIMIT 1 LIMIT :lim ALLOW FILTERING",
        "INSERT INTO t (a, b, c, d, e, f, g, h) VALUES ('it''s', $$x$$, -1.5e3, 0xCAFE, true, NaN, -Infinity,"
            + " 123e4567-e89b-12d3-a456-426614174000)",
        "INSERT INTO t (k, l, s, m) VALUES (1, [1, 2], {'a', 'b'}, {1: 'x', 2: 'y'})",
        "UPDATE t SET v = 1 WHERE k = 1 IF v = 2",
        "INSERT INTO t (k) VALUES (1) IF NOT EXISTS",
    })
    void everyStatementKindParses(String cql) {
        CqlParsing.Parsed parsed = CqlParsing.parse(cql);
        assertThat(parsed.statement()).isNotNull();
    }

    @Test
    void bindMarkersAreNumberedInTextOrder() {
        CqlParsing.Parsed p = CqlParsing.parse("UPDATE t USING TTL ? SET v = :val WHERE k = ? AND c IN ?");
        assertThat(p.markers()).extracting(m -> m.getText()).containsExactly("?", ":val", "?", "?");
    }

    @Test
    void aStatementLongerThanTheLimitIsRefused() {
        String long1 = "SELECT * FROM t WHERE k = '" + "x".repeat(CqlParsing.STATEMENT_CHARS_MAX) + "'";
        assertThatThrownBy(() -> CqlParsing.parse(long1)).isInstanceOf(CqlSyntaxException.class)
                .hasMessageContaining("the limit is");
    }
}
