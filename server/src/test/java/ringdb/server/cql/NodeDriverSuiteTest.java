package ringdb.server.cql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ringdb.server.config.ServerConfig;
import ringdb.server.runtime.FileStores;
import ringdb.server.runtime.ServerNode;

/**
 * The Node.js cassandra-driver (pinned in clients/node/package.json and its lock file, installed by
 * .ci/run with npm ci) running clients/node/suite.js against a real node: CRUD, prepared statements,
 * paging, collections, TTL and a schema change seen by a second client.
 */
@Timeout(180)
class NodeDriverSuiteTest {
    private static final long SUITE_SECONDS = 150;

    @TempDir
    Path dir;

    @Test
    void theNodeJsDriverSuitePasses() throws Exception {
        suitePasses();
    }

    /**
     * Left to negotiate with a server that offers v5, the driver (4.10, which has no v5: it counts v5 as
     * beta and skips it) steps down from its DSE versions to v4.
     */
    @Test
    void theNodeJsDriverNegotiatesItsHighestVersionV4AndTheSuitePasses() throws Exception {
        suitePasses("4");
    }

    private void suitePasses(String... expectedVersion) throws Exception {
        ServerConfig config = CqlStatementsDriverTest.config(dir);
        Path suite = PythonDriverSuiteTest.repositoryFile("clients/node/suite.js");
        assertThat(suite.resolveSibling("node_modules/cassandra-driver"))
                .as("the driver is installed: npm ci --prefix clients/node").exists();
        try (ServerNode node = ServerNode.start(config, new FileStores(config), null)) {
            List<String> command = new java.util.ArrayList<>(List.of("node", suite.toString(),
                    node.cqlAddress().getHostString(), Integer.toString(node.cqlAddress().getPort())));
            command.addAll(List.of(expectedVersion));
            Object[] result = PythonDriverSuiteTest.run(command, SUITE_SECONDS);
            assertThat((int) result[0]).as("exit status of clients/node/suite.js; its output:\n%s", result[1])
                    .isZero();
            assertThat((String) result[1]).contains("all checks passed");
        }
    }
}
