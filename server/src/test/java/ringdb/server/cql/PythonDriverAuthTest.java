package ringdb.server.cql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.server.config.ServerConfig;
import ringdb.server.runtime.FileStores;
import ringdb.server.runtime.ServerNode;
import ringdb.server.net.FreePorts;

/**
 * The Cassandra Python driver's PlainTextAuthProvider against a real node with password
 * authentication and CassandraAuthorizer (clients/python/auth.py): a login, a wrong password
 * refused, a role without MODIFY refused until GRANT.
 */
@Timeout(180)
class PythonDriverAuthTest {
    private static final long SCRIPT_SECONDS = 150;
    private static final String PASSWORD = "py-superuser-secret";

    @TempDir
    Path dir;

    @Test
    void thePythonDriversPasswordProviderWorks() throws Exception {
        Map<String, String> settings = new HashMap<>();
        int internode = FreePorts.loopback();
        settings.put("listen_address", "127.0.0.1");
        settings.put("internode_port", Integer.toString(internode));
        settings.put("http_port", Integer.toString(FreePorts.loopback()));
        settings.put("native_transport_port", Integer.toString(FreePorts.loopback()));
        settings.put("data_directory", dir.resolve("node").toString());
        settings.put("replication_factor", "1");
        settings.put("seeds", "127.0.0.1:" + internode);
        settings.put("authenticator", "org.apache.cassandra.auth.PasswordAuthenticator");
        settings.put("authorizer", "CassandraAuthorizer");
        settings.put("auth_superuser_password", PASSWORD);
        ServerConfig config = ServerConfig.load(null, settings);
        try (ServerNode node = ServerNode.start(config, new FileStores(config), null)) {
            ProcessBuilder builder = new ProcessBuilder(List.of("/usr/bin/python3",
                    PythonDriverSuiteTest.repositoryFile("clients/python/auth.py").toString(),
                    node.cqlAddress().getHostString(), Integer.toString(node.cqlAddress().getPort()), "ringdb"))
                    .redirectErrorStream(true);
            builder.environment().put("RINGDB_PASSWORD", PASSWORD);
            String[] result = run(builder);
            assertThat(Integer.parseInt(result[0])).as("exit status of clients/python/auth.py; its output:\n%s",
                    result[1]).isZero();
            assertThat(result[1]).contains("all checks passed");
        }
    }

    private static String[] run(ProcessBuilder builder) throws Exception {
        Process process = builder.start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try (InputStream in = process.getInputStream()) {
                in.transferTo(output);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "auth-script-output");
        reader.start();
        try {
            if (!process.waitFor(SCRIPT_SECONDS, TimeUnit.SECONDS)) {
                return new String[] {"-1", "timed out:\n" + output.toString(StandardCharsets.UTF_8)};
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
            return new String[] {Integer.toString(process.exitValue()), output.toString(StandardCharsets.UTF_8)};
        } finally {
            process.destroyForcibly();
        }
    }
}
