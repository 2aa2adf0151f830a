package ringdb.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit files: one JSON object per line with every field, categories filtered, rotation by size. */
class FileAuditLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T15:04:05.123Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    @Test
    void anEventIsOneJsonLineWithEveryField() throws IOException {
        try (FileAuditLog log = new FileAuditLog(dir, 1 << 20, 3, EnumSet.allOf(AuditCategory.class),
                "10.0.0.11:7000", CLOCK)) {
            log.record(AuditEvent.failure(AuditCategory.AUTH, "CQL login", new InetSocketAddress("10.0.0.20", 51234),
                    "mallory", "Provided username and/or password are incorrect\nsecond line \"quoted\""));
            log.record(AuditEvent.success(AuditCategory.ADMIN, "POST /v1/admin/flush", null, null));
        }
        List<String> raw = Files.readAllLines(dir.resolve(FileAuditLog.FILE_NAME));
        assertThat(raw).hasSize(2);
        JsonNode first = JSON.readTree(raw.get(0));
        assertThat(first.get("time").asText()).isEqualTo("2026-12-06T15:04:05.123Z");
        assertThat(first.get("node").asText()).isEqualTo("10.0.0.11:7000");
        assertThat(first.get("category").asText()).isEqualTo("AUTH");
        assertThat(first.get("operation").asText()).isEqualTo("CQL login");
        assertThat(first.get("outcome").asText()).isEqualTo("FAILURE");
        assertThat(first.get("source").asText()).isEqualTo("10.0.0.20:51234");
        assertThat(first.get("user").asText()).isEqualTo("mallory");
        assertThat(first.get("reason").asText()).endsWith("second line \"quoted\"");
        JsonNode second = JSON.readTree(raw.get(1));
        assertThat(second.get("outcome").asText()).isEqualTo("SUCCESS");
        assertThat(second.get("source").isNull()).isTrue();
        assertThat(second.get("user").isNull()).isTrue();
    }

    @Test
    void onlyTheConfiguredCategoriesAreRecorded() throws IOException {
        try (FileAuditLog log = new FileAuditLog(dir, 1 << 20, 3, EnumSet.of(AuditCategory.DDL), "n", CLOCK)) {
            assertThat(log.records(AuditCategory.AUTH)).isFalse();
            log.record(AuditEvent.success(AuditCategory.AUTH, "login", null, "u"));
            log.record(AuditEvent.success(AuditCategory.DDL, "CREATE TABLE t", null, "u"));
        }
        assertThat(lines(dir.resolve(FileAuditLog.FILE_NAME))).extracting(l -> l.get("category").asText())
                .containsExactly("DDL");
    }

    @Test
    void aFullFileIsRotatedAndOnlyTheFilesKeptRemain() throws IOException {
        int events = 40;
        try (FileAuditLog log = new FileAuditLog(dir, 600, 2, EnumSet.allOf(AuditCategory.class), "n", CLOCK)) {
            for (int i = 0; i < events; i++) {
                log.record(AuditEvent.success(AuditCategory.ADMIN, "POST /v1/admin/flush #" + i, null, null));
            }
        }
        Path current = dir.resolve(FileAuditLog.FILE_NAME);
        Path newest = dir.resolve(FileAuditLog.FILE_NAME + ".1");
        Path oldest = dir.resolve(FileAuditLog.FILE_NAME + ".2");
        assertThat(dir.resolve(FileAuditLog.FILE_NAME + ".3")).as("beyond the files kept").doesNotExist();
        List<Integer> numbers = new ArrayList<>();
        for (Path file : List.of(oldest, newest, current)) {
            assertThat(Files.size(file)).as(file + " within the maximum size").isLessThanOrEqualTo(600);
            for (JsonNode line : lines(file)) {
                String operation = line.get("operation").asText();
                numbers.add(Integer.parseInt(operation.substring(operation.indexOf('#') + 1)));
            }
        }
        assertThat(numbers).as("the files hold the latest events, in order, none lost between them")
                .isSorted().endsWith(events - 1);
        for (int i = 1; i < numbers.size(); i++) {
            assertThat(numbers.get(i)).isEqualTo(numbers.get(i - 1) + 1);
        }
        assertThat(numbers.get(0)).as("the oldest were deleted").isGreaterThan(0);
    }

    @Test
    void aReopenedLogAppendsAndRotatesByTheWholeSize() throws IOException {
        try (FileAuditLog log = new FileAuditLog(dir, 300, 1, EnumSet.allOf(AuditCategory.class), "n", CLOCK)) {
            log.record(AuditEvent.success(AuditCategory.DDL, "first", null, null));
        }
        try (FileAuditLog log = new FileAuditLog(dir, 300, 1, EnumSet.allOf(AuditCategory.class), "n", CLOCK)) {
            log.record(AuditEvent.success(AuditCategory.DDL, "second", null, null));
            log.record(AuditEvent.success(AuditCategory.DDL, "third", null, null));
        }
        List<String> all = new ArrayList<>();
        for (Path file : List.of(dir.resolve(FileAuditLog.FILE_NAME + ".1"), dir.resolve(FileAuditLog.FILE_NAME))) {
            lines(file).forEach(l -> all.add(l.get("operation").asText()));
        }
        assertThat(all).containsExactly("first", "second", "third");
    }

    @Test
    void anUnknownCategoryIsRefusedNamingTheSetting() {
        assertThat(AuditCategory.parse("audit_logging_categories", " auth, DDL ,"))
                .isEqualTo(Set.of(AuditCategory.AUTH, AuditCategory.DDL));
        assertThatThrownBy(() -> AuditCategory.parse("audit_logging_categories", "AUTH,DML"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("audit_logging_categories").hasMessageContaining("'DML'");
    }
}
