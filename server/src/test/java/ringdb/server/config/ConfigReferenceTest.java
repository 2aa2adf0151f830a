package ringdb.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code conf/ringdb.yaml} and the key table of {@code docs/server.md} must be exactly what
 * {@link ConfigReference} renders from {@link ConfigKeys}. After changing a key, rewrite both with
 * {@code mvn -pl server test -Dtest=ConfigReferenceTest -Dringdb.config.write=true} and review the diff.
 */
class ConfigReferenceTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path YAML = ROOT.resolve("conf/ringdb.yaml");
    private static final Path SERVER_DOC = ROOT.resolve("docs/server.md");
    private static final String TABLE_HEADER = "| key | flag | default | allowed | meaning |";
    private static final boolean WRITE = Boolean.getBoolean("ringdb.config.write");

    @Test
    void ringdbYamlIsRenderedFromTheKeys() throws IOException {
        String rendered = ConfigReference.yaml();
        if (WRITE) {
            Files.writeString(YAML, rendered, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(YAML, StandardCharsets.UTF_8))
                .as("conf/ringdb.yaml differs from ConfigKeys; rerun this test with -Dringdb.config.write=true")
                .isEqualTo(rendered);
    }

    @Test
    void serverDocTableIsRenderedFromTheKeys() throws IOException {
        List<String> lines = Files.readAllLines(SERVER_DOC, StandardCharsets.UTF_8);
        int start = lines.indexOf(TABLE_HEADER);
        assertThat(start).as("docs/server.md has the configuration table").isNotNegative();
        int end = start;
        while (end < lines.size() && lines.get(end).startsWith("|")) {
            end++;
        }
        String rendered = ConfigReference.markdownTable();
        if (WRITE) {
            List<String> rewritten = new ArrayList<>(lines.subList(0, start));
            rewritten.addAll(rendered.lines().toList());
            rewritten.addAll(lines.subList(end, lines.size()));
            Files.writeString(SERVER_DOC, String.join("\n", rewritten) + "\n", StandardCharsets.UTF_8);
            lines = Files.readAllLines(SERVER_DOC, StandardCharsets.UTF_8);
        }
        String table = String.join("\n", lines.subList(start, end)) + "\n";
        assertThat(table).as("docs/server.md's table differs from ConfigKeys; rerun this test with "
                + "-Dringdb.config.write=true").isEqualTo(rendered);
    }

    /** The defaults as they were when the keys became one source (issue 12); a change must be deliberate. */
    @Test
    void defaultsAreUnchanged() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("cluster_name", "ringdb");
        expected.put("listen_address", "127.0.0.1");
        expected.put("internode_port", 7000L);
        expected.put("http_address", "127.0.0.1");
        expected.put("http_port", 8080L);
        expected.put("http_allowed_hosts", "");
        expected.put("native_transport_address", "");
        expected.put("native_transport_port", 9042L);
        expected.put("seeds", List.of());
        putTlsDefaults(expected);
        expected.put("data_directory", "./data");
        expected.put("replication_factor", 2L);
        expected.put("num_tokens", 16L);
        expected.put("partitioner", "sha1");
        expected.put("auto_bootstrap", false);
        expected.put("replace_node", "");
        expected.put("token_allocation", "derived");
        expected.put("ring_delay_ms", 10_000L);
        expected.put("removal_resume_delay_ms", 30_000L);
        expected.put("schema_agreement_timeout_ms", 60_000L);
        expected.put("stream_throughput_bytes_per_second", 25_165_824L);
        expected.put("range_sync_digests", true);
        expected.put("commitlog_sync", "group");
        expected.put("commitlog_sync_group_window_micros", 0L);
        expected.put("commitlog_sync_group_busy_window_micros", 500L);
        expected.put("commitlog_sync_period_ms", 10_000L);
        expected.put("commitlog_segment_size_bytes", 33_554_432L);
        expected.put("skip_corrupt_commit_log_records", false);
        expected.put("disk_failure_policy", "stop");
        expected.put("commit_failure_policy", "stop");
        expected.put("memtable_flush_threshold_bytes", 67_108_864L);
        expected.put("flush_period_ms", 60_000L);
        expected.put("compaction_throughput_bytes_per_second", 67_108_864L);
        expected.put("partition_cache_size_bytes", "auto");
        expected.put("write_request_timeout_ms", 2000L);
        expected.put("read_request_timeout_ms", 5000L);
        expected.put("max_client_timestamp_ahead_ms", 86_400_000L);
        expected.put("max_hint_window_ms", 10_800_000L);
        expected.put("max_hints_size_per_host", 0L);
        expected.put("max_hints_size_total", 8_589_934_592L);
        expected.put("gossip_interval_ms", 1000L);
        expected.put("phi_convict_threshold", 8.0);
        expected.put("max_value_size_bytes", 1_048_576L);
        expected.put("internode_send_queue_bytes_max", 67_108_864L);
        expected.put("internode_connect_timeout_ms", 2000L);
        expected.put("internode_reconnect_backoff_max_ms", 5000L);
        expected.put("internode_tcp_user_timeout_ms", 30_000L);
        expected.put("internode_receive_queue_bytes_max", 134_217_728L);
        expected.put("http_idle_timeout_ms", 60_000L);
        expected.put("native_transport_idle_timeout_ms", 0L);
        expected.put("client_request_read_timeout_ms", 10_000L);
        expected.put("native_transport_max_connections", 8192L);
        expected.put("native_transport_max_connections_per_ip", -1L);
        expected.put("native_transport_max_request_data_in_flight_bytes", 134_217_728L);
        expected.put("native_transport_max_frame_size_bytes", 16_777_216L);
        assertThat(ServerConfig.defaults().asMap()).containsExactlyEntriesOf(expected);
    }

    private static void putTlsDefaults(Map<String, Object> expected) {
        expected.put("server_encryption_enabled", false);
        expected.put("server_encryption_certificate", "");
        expected.put("server_encryption_private_key", "");
        expected.put("server_encryption_keystore", "");
        expected.put("server_encryption_keystore_password", "");
        expected.put("server_encryption_trusted_certificates", "");
        expected.put("server_encryption_truststore", "");
        expected.put("server_encryption_truststore_password", "");
        expected.put("server_encryption_require_client_auth", true);
        expected.put("server_encryption_check_node_id", true);
        expected.put("client_encryption_enabled", false);
        expected.put("client_encryption_optional", false);
        expected.put("client_encryption_certificate", "");
        expected.put("client_encryption_private_key", "");
        expected.put("client_encryption_keystore", "");
        expected.put("client_encryption_keystore_password", "");
        expected.put("client_encryption_trusted_certificates", "");
        expected.put("client_encryption_truststore", "");
        expected.put("client_encryption_truststore_password", "");
        expected.put("client_encryption_require_client_auth", false);
        expected.put("ssl_reload_check_interval_ms", 60_000L);
        expected.put("authenticator", "AllowAllAuthenticator");
        expected.put("authorizer", "AllowAllAuthorizer");
        expected.put("auth_superuser_name", "ringdb");
        expected.put("auth_superuser_password", "");
        expected.put("roles_validity_ms", 2_000L);
        expected.put("auth_token_validity_ms", 3_600_000L);
        expected.put("audit_logging_enabled", false);
        expected.put("audit_logging_directory", "");
        expected.put("audit_logging_max_file_size_bytes", 67_108_864L);
        expected.put("audit_logging_max_files", 10L);
        expected.put("audit_logging_categories", "AUTH,DDL,DCL,ADMIN");
    }

    @Test
    void wrapKeepsWordsWhole() {
        assertThat(ConfigReference.wrap("aa bb cc dd", 5)).containsExactly("aa bb", "cc dd");
        assertThat(ConfigReference.wrap("averylongword x", 4)).containsExactly("averylongword", "x");
    }
}
