package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.cli.shell.CqlShell;
import ringdb.cli.shell.LineSource;
import ringdb.cli.shell.ShellConnection;
import ringdb.server.runtime.ServerNode;
import ringdb.server.testing.OneNode;
import ringdb.server.testing.RefusingPort;

/**
 * {@code ringdb cql} against a real node: DDL, writes and a table of rows as cqlsh prints them,
 * DESCRIBE, the shell commands, errors and exit codes of {@code -e}, a file ({@code -f}),
 * statements piped on standard input, paging with ---MORE--- at a terminal, and the shell run as
 * a process of its own.
 */
@Timeout(180)
class CqlShellIntegrationTest {
    @TempDir
    static Path dir;
    private static ServerNode node;
    private static String host;

    @BeforeAll
    static void startNode() throws IOException {
        node = OneNode.start(OneNode.settings(dir.resolve("node")));
        host = "127.0.0.1:" + node.cqlAddress().getPort();
        ClusterHarness.Run setup = cql("-e", "CREATE KEYSPACE shell WITH replication = "
                + "{'class': 'SimpleStrategy', 'replication_factor': 1};"
                + "CREATE TABLE shell.fruit (k int PRIMARY KEY, name text, tags set<text>);"
                + "INSERT INTO shell.fruit (k, name, tags) VALUES (1, 'apple', {'red', 'sweet'});"
                + "INSERT INTO shell.fruit (k, name) VALUES (22, 'pear')");
        assertThat(setup.exitCode()).as(setup.err()).isZero();
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    private static ClusterHarness.Run cql(String... args) {
        // generous timeouts: the node shares a loaded machine, and a slow answer is not what these tests check
        return ClusterHarness.cql(host, args);
    }

    /** Runs {@code ringdb cql} in this JVM with {@code input} as its standard input (a pipe, not a terminal). */
    private static synchronized ClusterHarness.Run piped(String input, String... args) {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
            return cql(args);
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void selectPrintsATableAsCqlshDoes() {
        ClusterHarness.Run run = cql("-e", "SELECT k, name, tags FROM shell.fruit WHERE k IN (1, 22)");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(String.join("\n",
                "",
                " k  | name  | tags",
                "----+-------+------------------",
                "  1 | apple | {'red', 'sweet'}",
                " 22 |  pear |             null",
                "",
                "(2 rows)",
                ""));
        assertThat(run.err()).isEmpty();
    }

    @Test
    void describeShowsKeyspacesTablesAndCreateStatements() {
        ClusterHarness.Run keyspaces = cql("-e", "DESCRIBE KEYSPACES");
        assertThat(keyspaces.exitCode()).as(keyspaces.err()).isZero();
        assertThat(keyspaces.out()).contains("shell").contains("ringdb");

        ClusterHarness.Run tables = cql("-k", "shell", "-e", "DESC TABLES");
        assertThat(tables.out().strip().split("\\s+")).contains("fruit").doesNotContain("Keyspace", "local");

        ClusterHarness.Run table = cql("-e", "DESCRIBE TABLE shell.fruit;");
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("CREATE TABLE shell.fruit (").contains("k int,", "PRIMARY KEY (k)")
                .contains("name text").contains("tags set<text>");

        ClusterHarness.Run keyspace = cql("-e", "DESCRIBE KEYSPACE shell");
        assertThat(keyspace.out()).contains("CREATE KEYSPACE shell WITH replication")
                .contains("'replication_factor': '1'").contains("CREATE TABLE shell.fruit (");

        ClusterHarness.Run missing = cql("-e", "DESCRIBE TABLE shell.nope");
        assertThat(missing.exitCode()).isEqualTo(CqlCommand.EXIT_STATEMENT_FAILED);
        assertThat(missing.err()).isEqualTo("<stdin>:1:'nope' not found in keyspace 'shell'\n");
    }

    @Test
    void aFailingStatementPrintsCqlshsLineAndExitsNonZero() {
        ClusterHarness.Run run = cql("-e", "SELECT * FROM shell.nope");
        assertThat(run.exitCode()).isEqualTo(CqlCommand.EXIT_STATEMENT_FAILED);
        assertThat(run.err()).isEqualTo("<stdin>:1:InvalidRequest: Error from server: code=2200 [Invalid query] "
                + "message=\"unconfigured table nope\"\n");

        ClusterHarness.Run syntax = cql("-e", "SELECT * FORM shell.fruit");
        assertThat(syntax.exitCode()).isEqualTo(CqlCommand.EXIT_STATEMENT_FAILED);
        assertThat(syntax.err()).startsWith("<stdin>:1:SyntaxException: Error from server: code=2000 "
                + "[Syntax error in CQL query] message=\"line 1:9 ").doesNotContain("\tat ");
    }

    @Test
    void anUnreachableNodeIsAConnectionError() throws IOException {
        try (RefusingPort port = new RefusingPort()) {
            ClusterHarness.Run run = ClusterHarness.cli("cql", "--host", port.address(),
                    "--connect-timeout", "2", "-e", "SELECT * FROM system.local");
            assertThat(run.exitCode()).isEqualTo(CqlCommand.EXIT_NO_CONNECTION);
            assertThat(run.err()).startsWith("Connection error: ('Unable to connect to any servers', {'"
                    + port.address()).doesNotContain("\tat ");
        }
    }

    @Test
    void aFileRunsEveryStatementAndNamesTheLineOfAnError() throws IOException {
        Path file = dir.resolve("script.cql");
        Files.writeString(file, String.join("\n",
                "-- a table of its own",
                "CREATE TABLE shell.notes (id int, seq int, body text,",
                "    PRIMARY KEY (id, seq));",
                "INSERT INTO shell.nope (id) VALUES (1);",
                "BEGIN BATCH",
                "  INSERT INTO shell.notes (id, seq, body) VALUES (1, 1, 'one; two');",
                "  INSERT INTO shell.notes (id, seq, body) VALUES (1, 2, 'three');",
                "APPLY BATCH;",
                "SELECT seq, body FROM shell.notes WHERE id = 1;",
                ""));
        ClusterHarness.Run run = cql("-f", file.toString());
        assertThat(run.exitCode()).isEqualTo(CqlCommand.EXIT_STATEMENT_FAILED);
        assertThat(run.err()).isEqualTo(file + ":4:InvalidRequest: Error from server: code=2200 [Invalid query] "
                + "message=\"unconfigured table nope\"\n");
        assertThat(run.out()).contains(String.join("\n",
                " seq | body",
                "-----+----------",
                "   1 | one; two",
                "   2 |    three",
                "",
                "(2 rows)"));
    }

    @Test
    void statementsPipedOnStandardInputRunWithTheShellCommands() {
        ClusterHarness.Run run = piped(String.join("\n",
                "USE shell;",
                "CONSISTENCY",
                "CONSISTENCY quorum",
                "SELECT name FROM fruit",
                "  WHERE k = 1;",
                "EXPAND ON",
                "SELECT k, name FROM fruit WHERE k = 22;",
                "CONSISTENCY SOMETIMES",
                "EXIT",
                "SELECT * FROM never_run;",
                ""));
        assertThat(run.out()).contains("Current consistency level is ONE.", "Consistency level set to QUORUM.",
                String.join("\n", " name", "-------", " apple", "", "(1 rows)"),
                "Now Expanded output is enabled",
                String.join("\n", "@ Row 1", "------+------", " k    | 22", " name | pear", "", "", "(1 rows)"));
        assertThat(run.err()).startsWith("<stdin>:8:Improper CONSISTENCY command: 'SOMETIMES' is not a level")
                .doesNotContain("never_run");
        assertThat(run.exitCode()).isEqualTo(CqlCommand.EXIT_STATEMENT_FAILED);
    }

    @Test
    void sourceRunsAFileAndAnUnfinishedStatementIsReported() throws IOException {
        Path file = dir.resolve("sourced.cql");
        Files.writeString(file, "SELECT name FROM shell.fruit WHERE k = 22;\n");
        ClusterHarness.Run run = piped("SOURCE '" + file + "'\nSELECT name FROM shell.fruit\n");
        assertThat(run.out()).contains(" pear");
        assertThat(run.err()).isEqualTo("<stdin>:2:Incomplete statement at end of input (a ';' is missing): "
                + "SELECT name FROM shell.fruit\n");
    }

    @Test
    void atATerminalRowsComePageByPageWithMoreBetween() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Deque<String> typed = new ArrayDeque<>(List.of("", ""));
        LineSource terminal = prompt -> {
            out.print(prompt);
            return typed.poll();
        };
        InetSocketAddress address = node.cqlAddress();
        try (CqlSession session = ShellConnection.open(List.of(address), null, null, Duration.ofSeconds(10),
                Duration.ofSeconds(10))) {
            CqlShell shell = new CqlShell(session, out, out, terminal);
            Deque<String> input = new ArrayDeque<>(List.of("CREATE TABLE shell.pages (p int, c int, "
                    + "PRIMARY KEY (p, c));", "USE shell;", "PAGING 3",
                    "BEGIN UNLOGGED BATCH",
                    "INSERT INTO pages (p, c) VALUES (1, 1); INSERT INTO pages (p, c) VALUES (1, 2);",
                    "INSERT INTO pages (p, c) VALUES (1, 3); INSERT INTO pages (p, c) VALUES (1, 4);",
                    "INSERT INTO pages (p, c) VALUES (1, 5); INSERT INTO pages (p, c) VALUES (1, 6);",
                    "INSERT INTO pages (p, c) VALUES (1, 7);",
                    "APPLY BATCH;",
                    "SELECT c FROM pages WHERE p = 1;"));
            shell.interact(prompt -> {
                out.print(prompt);
                return input.poll();
            });
            assertThat(shell.prompt()).isEqualTo("ringdb:shell> ");
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("Page size: 3");
        assertThat(text.split("---MORE---", -1)).hasSize(3);
        assertThat(text).contains(String.join("\n", " c", "---", " 1", " 2", " 3", "---MORE---"))
                .contains(String.join("\n", " c", "---", " 7", "", "(7 rows)"));
        assertThat(typed).isEmpty();
    }

    @Test
    void theShellRunsAsAProcessOfItsOwnReadingAPipe() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "cql", "--host", host, "--connect-timeout", "30", "--request-timeout", "30").start();
        try {
            process.getOutputStream().write("SELECT name FROM shell.fruit WHERE k = 1;\nSELECT * FROM shell.nope;\n"
                    .getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the shell ends at the end of its input").isTrue();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(out).isEqualTo("\n name\n-------\n apple\n\n(1 rows)\n");
            assertThat(err).isEqualTo("<stdin>:2:InvalidRequest: Error from server: code=2200 [Invalid query] "
                    + "message=\"unconfigured table nope\"\n");
            assertThat(process.exitValue()).isEqualTo(CqlCommand.EXIT_STATEMENT_FAILED);
        } finally {
            process.destroyForcibly();
        }
    }
}
