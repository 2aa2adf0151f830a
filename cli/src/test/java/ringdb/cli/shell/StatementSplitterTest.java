package ringdb.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatementSplitterTest {
    private static List<StatementSplitter.Statement> feedAll(StatementSplitter splitter, String... lines) {
        List<StatementSplitter.Statement> all = new ArrayList<>();
        for (String line : lines) {
            all.addAll(splitter.feed(line));
        }
        return all;
    }

    @Test
    void aStatementMaySpanLinesAndALineMayHoldSeveral() {
        StatementSplitter splitter = new StatementSplitter();
        List<StatementSplitter.Statement> statements = feedAll(splitter,
                "SELECT *", "  FROM t", "  WHERE k = 1; INSERT INTO t (k) VALUES (2);", "USE ks;");
        assertThat(statements).extracting(StatementSplitter.Statement::text)
                .containsExactly("SELECT *\n  FROM t\n  WHERE k = 1", "INSERT INTO t (k) VALUES (2)", "USE ks");
        assertThat(statements).extracting(StatementSplitter.Statement::line).containsExactly(1, 3, 4);
        assertThat(splitter.hasPending()).isFalse();
    }

    @Test
    void semicolonsInStringsNamesAndCommentsDoNotEndAStatement() {
        StatementSplitter splitter = new StatementSplitter();
        List<StatementSplitter.Statement> statements = feedAll(splitter,
                "INSERT INTO t (k, \"a;b\", v) VALUES (1, 2, 'it''s; fine') -- a comment;",
                "/* still ; going */ ;",
                "INSERT INTO t (k, v) VALUES (2, $$x;",
                "y$$);");
        assertThat(statements).extracting(StatementSplitter.Statement::text).containsExactly(
                "INSERT INTO t (k, \"a;b\", v) VALUES (1, 2, 'it''s; fine') -- a comment;\n/* still ; going */",
                "INSERT INTO t (k, v) VALUES (2, $$x;\ny$$)");
    }

    @Test
    void aBatchRunsUntilApplyBatch() {
        StatementSplitter splitter = new StatementSplitter();
        List<StatementSplitter.Statement> statements = feedAll(splitter,
                "BEGIN UNLOGGED BATCH", "INSERT INTO t (k) VALUES (1);", "INSERT INTO t (k) VALUES (2);");
        assertThat(statements).isEmpty();
        assertThat(splitter.hasPending()).isTrue();
        statements = feedAll(splitter, "APPLY BATCH;");
        assertThat(statements).extracting(StatementSplitter.Statement::text).containsExactly(
                "BEGIN UNLOGGED BATCH\nINSERT INTO t (k) VALUES (1);\nINSERT INTO t (k) VALUES (2);\nAPPLY BATCH");
    }

    @Test
    void shellCommandsEndAtTheEndOfTheirLineButOnlyOutsideAStatement() {
        StatementSplitter splitter = new StatementSplitter();
        assertThat(feedAll(splitter, "consistency quorum", "DESCRIBE TABLES;", "exit"))
                .extracting(StatementSplitter.Statement::text)
                .containsExactly("consistency quorum", "DESCRIBE TABLES", "exit");
        assertThat(feedAll(splitter, "SELECT * FROM", "paging;")).extracting(StatementSplitter.Statement::text)
                .containsExactly("SELECT * FROM\npaging");
    }

    @Test
    void whatIsLeftAtTheEndIsTheUnfinishedStatement() {
        StatementSplitter splitter = new StatementSplitter();
        feedAll(splitter, "-- only a comment", "SELECT * FROM t");
        StatementSplitter.Statement rest = splitter.drain();
        assertThat(rest.text()).isEqualTo("-- only a comment\nSELECT * FROM t");
        assertThat(splitter.drain()).isNull();
        feedAll(splitter, "-- nothing but comments");
        assertThat(splitter.drain()).isNull();
    }
}
