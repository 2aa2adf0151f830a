package ringdb.cli;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ringdb.cli.shell.CqlShell;
import ringdb.cli.shell.LineSource;
import ringdb.cli.shell.ShellConnection;
import ringdb.cli.shell.TerminalLines;
import ringdb.client.ClientTls;

/** {@code ringdb cql}: the CQL shell, with cqlsh's habits, on the Cassandra Java driver. */
@Command(name = "cql", mixinStandardHelpOptions = true,
        description = {"A CQL shell with cqlsh's habits: statements end with ';', results as tables,",
            "DESCRIBE, USE, CONSISTENCY, PAGING, EXPAND, SOURCE, HELP, EXIT; line editing and history",
            "at a terminal; statements are read from standard input when it is not a terminal.",
            "Exit status: 0; 1 when no node can be reached; 2 when a statement of -e, -f or a pipe failed."})
final class CqlCommand implements Callable<Integer> {
    static final int EXIT_STATEMENT_FAILED = 2;
    static final int EXIT_NO_CONNECTION = 1;

    @Option(names = {"--host", "-H"}, defaultValue = "127.0.0.1:9042", paramLabel = "H:P",
            description = "CQL address(es) of the node(s), comma-separated; port 9042 when left out "
                    + "(default ${DEFAULT-VALUE})")
    String hosts;
    @Option(names = {"-u", "--username"}, paramLabel = "USER", description = "Authenticate as USER")
    String username;
    @Option(names = {"-p", "--password"}, paramLabel = "PASSWORD",
            description = "The password of -u (asked for at a terminal when left out)")
    String password;
    @Option(names = {"-e", "--execute"}, paramLabel = "STMT",
            description = "Runs the statement(s) and exits (the last ';' may be left out)")
    String execute;
    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Runs the statements of FILE and exits")
    Path file;
    @Option(names = {"-k", "--keyspace"}, paramLabel = "KEYSPACE", description = "USE KEYSPACE first")
    String keyspace;
    @Option(names = "--connect-timeout", defaultValue = "5", paramLabel = "SECONDS",
            description = "Seconds to wait for the connection (default ${DEFAULT-VALUE})")
    int connectTimeoutSeconds;
    @Option(names = "--request-timeout", defaultValue = "10", paramLabel = "SECONDS",
            description = "Seconds to wait for each answer (default ${DEFAULT-VALUE})")
    int requestTimeoutSeconds;
    @Mixin
    TlsOptions tlsOptions;

    @Override
    public Integer call() {
        List<InetSocketAddress> contactPoints;
        SSLContext tls = null;
        try {
            contactPoints = ShellConnection.contactPoints(hosts);
            ClientTls clientTls = tlsOptions.clientTls();
            tls = clientTls == null ? null : clientTls.context();
            if (execute != null && file != null) {
                throw new IllegalArgumentException("-e and -f cannot be used together");
            }
            if (connectTimeoutSeconds < 1 || requestTimeoutSeconds < 1) {
                throw new IllegalArgumentException("--connect-timeout and --request-timeout must be at least 1");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return EXIT_STATEMENT_FAILED;
        }
        Console console = System.console();
        boolean interactive = execute == null && file == null && console != null;
        if (username != null && password == null) {
            if (console == null) {
                System.err.println("error: -u needs -p when no terminal can ask for the password");
                return EXIT_STATEMENT_FAILED;
            }
            char[] typed = console.readPassword("Password: ");
            password = typed == null ? "" : new String(typed);
        }
        CqlSession session;
        try {
            session = ShellConnection.open(contactPoints, username, password,
                    Duration.ofSeconds(connectTimeoutSeconds), Duration.ofSeconds(requestTimeoutSeconds), tls);
        } catch (DriverException | IllegalStateException e) {
            System.err.println(ShellConnection.describeFailure(e));
            return EXIT_NO_CONNECTION;
        }
        try (session) {
            return interactive ? interact(session) : batch(session);
        }
    }

    private int interact(CqlSession session) {
        try (TerminalLines lines = new TerminalLines(
                Path.of(System.getProperty("user.home"), ".ringdb", "cql_history"))) {
            CqlShell shell = new CqlShell(session, System.out, System.err, lines);
            System.out.println("Connected to " + session.getMetadata().getClusterName().orElse("(unknown)")
                    + " at " + shell.connectedTo() + ".");
            System.out.println(shell.versionLine());
            System.out.println("Use HELP for help.");
            if (keyspace != null) {
                shell.runText("USE " + keyspace, null);
            }
            shell.interact(lines);
            return 0;
        }
    }

    private int batch(CqlSession session) {
        CqlShell shell = new CqlShell(session, System.out, System.err, null);
        if (keyspace != null && !shell.runText("USE " + keyspace, "<stdin>")) {
            return EXIT_STATEMENT_FAILED;
        }
        boolean ok;
        if (execute != null) {
            ok = shell.runText(execute, "<stdin>");
        } else if (file != null) {
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                ok = shell.runScript(LineSource.of(reader), file.toString());
            } catch (NoSuchFileException e) {
                System.err.println("error: no such file: " + file);
                return EXIT_STATEMENT_FAILED;
            } catch (IOException e) {
                System.err.println("error: cannot read " + file + ": " + e.getMessage());
                return EXIT_STATEMENT_FAILED;
            }
        } else {
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            ok = shell.runScript(LineSource.of(stdin), "<stdin>");
        }
        System.out.flush();
        return ok ? 0 : EXIT_STATEMENT_FAILED;
    }
}
