package ringdb.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import ringdb.server.audit.AuditLog;
import ringdb.server.config.ServerConfig;

/** The exposure warnings cover the CQL port as well as the HTTP and native port. */
class NodeTlsTest {
    private static NodeTls tls(String httpAddress, String cqlAddress, String cqlPort) {
        Map<String, String> settings = new HashMap<>(Map.of("listen_address", "127.0.0.1",
                "http_address", httpAddress, "native_transport_address", cqlAddress,
                "native_transport_port", cqlPort));
        return NodeTls.fromConfig(ServerConfig.load(null, settings), AuditLog.DISABLED, false);
    }

    @Test
    void aCqlPortOnEveryInterfaceWithoutClientCertificatesIsWarnedAbout() {
        try (NodeTls tls = tls("127.0.0.1", "0.0.0.0", "9042")) {
            assertThat(tls.warnings()).singleElement().asString().contains("the CQL port 0.0.0.0:9042")
                    .contains("native_transport_address");
        }
        try (NodeTls tls = tls("0.0.0.0", "", "9042")) {
            assertThat(tls.warnings()).as("the CQL port on listen_address 127.0.0.1 is not exposed")
                    .singleElement().asString().contains("HTTP and native protocol port 0.0.0.0:");
        }
        try (NodeTls tls = tls("127.0.0.1", "0.0.0.0", "0")) {
            assertThat(tls.warnings()).as("no CQL listener").isEmpty();
        }
    }
}
