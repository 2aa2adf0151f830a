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
        ServerConfig config = CqlStatementsDriverTest.config(dir);
        Path suite = PythonDriverSuiteTest.repositoryFile("clients/node/suite.js");
        assertThat(suite.resolveSibling("node_modules/cassandra-driver"))
                .as("the driver is installed: npm ci --prefix clients/node").exists();
        try (ServerNode node = ServerNode.start(config, new FileStores(config), null)) {
            Object[] result = PythonDriverSuiteTest.run(List.of("node", suite.toString(),
                    node.cqlAddress().getHostString(), Integer.toString(node.cqlAddress().getPort())), SUITE_SECONDS);
            assertThat((int) result[0]).as("exit status of clients/node/suite.js; its output:\n%s", result[1])
                    .isZero();
            assertThat((String) result[1]).contains("all checks passed");
        }
    }
}
