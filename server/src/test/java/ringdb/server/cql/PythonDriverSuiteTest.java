package ringdb.server.cql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.server.config.ServerConfig;
import ringdb.server.runtime.FileStores;
import ringdb.server.runtime.ServerNode;

/**
 * The Cassandra Python driver (Debian's python3-cassandra, installed by .ci/run) running the
 * client suite clients/python/suite.py against a real node: CRUD, prepared statements, paging,
 * collections, CONTAINS filters over token ranges, a logged batch, TTL and a schema change seen by a
 * second session.
 */
@Timeout(180)
class PythonDriverSuiteTest {
    private static final long SUITE_SECONDS = 150;
    /** The size of the value clients/python/suite.py writes and reads back whole. */
    private static final long LARGE_VALUE_BYTES = 300_000;

    @TempDir
    Path dir;

    /** The file {@code relative} of the repository, found from the module's directory up. */
    static Path repositoryFile(String relative) {
        Path at = Path.of("").toAbsolutePath();
        for (int i = 0; i < 4 && at != null; i++, at = at.getParent()) {
            if (Files.exists(at.resolve(relative))) {
                return at.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }

    /** Runs {@code command}, at most {@code seconds}; returns its exit status and output (both streams). */
    static Object[] run(List<String> command, long seconds) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try (InputStream in = process.getInputStream()) {
                in.transferTo(output);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "suite-output");
        reader.start();
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                reader.join(TimeUnit.SECONDS.toMillis(10));
                String partial = output.toString(StandardCharsets.UTF_8);
                return new Object[] {-1, "timed out after " + seconds + " s:\n" + partial};
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
            return new Object[] {process.exitValue(), output.toString(StandardCharsets.UTF_8)};
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void thePythonDriverSuitePasses() throws Exception {
        suitePasses();
    }

    /** Left to negotiate, Debian's driver (3.25) settles on protocol v5 with its checksummed segments. */
    @Test
    void thePythonDriverNegotiatesProtocolV5AndTheSuitePasses() throws Exception {
        suitePasses("5");
    }

    /**
     * With LZ4 asked for (python3-lz4, installed by .ci/run) at v4, frame bodies are compressed; the
     * suite's 300 KB value repeats a 251-byte pattern, so what crosses the wire each way stays well
     * under the value's size only if the node reads and writes compressed frames.
     */
    @Test
    void thePythonDriverSuitePassesWithLz4AtV4AndTheWireCarriesLessThanTheValue() throws Exception {
        suitePassesCompressed("--compression", "lz4");
    }

    /** At v5 the segments are compressed as a whole (frames inside them are not). */
    @Test
    void thePythonDriverSuitePassesWithLz4AtV5AndTheWireCarriesLessThanTheValue() throws Exception {
        suitePassesCompressed("5", "--compression", "lz4");
    }

    private void suitePassesCompressed(String... arguments) throws Exception {
        ServerConfig config = CqlStatementsDriverTest.config(dir);
        try (ServerNode node = ServerNode.start(config, new FileStores(config), null);
             CountingRelay relay = new CountingRelay(node.cqlAddress())) {
            suitePasses(relay.address(), arguments);
            assertThat(relay.toServer()).as("bytes the driver sent").isPositive().isLessThan(LARGE_VALUE_BYTES);
            assertThat(relay.toClient()).as("bytes the node sent").isPositive().isLessThan(LARGE_VALUE_BYTES);
        }
    }

    private void suitePasses(String... expectedVersion) throws Exception {
        ServerConfig config = CqlStatementsDriverTest.config(dir);
        try (ServerNode node = ServerNode.start(config, new FileStores(config), null)) {
            suitePasses(node.cqlAddress(), expectedVersion);
        }
    }

    private static void suitePasses(InetSocketAddress address, String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/python3",
                repositoryFile("clients/python/suite.py").toString(), address.getHostString(),
                Integer.toString(address.getPort())));
        command.addAll(List.of(arguments));
        Object[] result = run(command, SUITE_SECONDS);
        assertThat((int) result[0]).as("exit status of clients/python/suite.py; its output:\n%s", result[1])
                .isZero();
        assertThat((String) result[1]).contains("all checks passed");
    }
}
