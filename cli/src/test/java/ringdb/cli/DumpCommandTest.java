package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ringdb.core.Clock;
import ringdb.core.Timers;
import ringdb.core.data.Cell;
import ringdb.core.ring.StorageKeys;
import ringdb.storage.StorageConfig;
import ringdb.storage.StorageEngine;
import ringdb.storage.disk.file.FileDisk;

class DumpCommandTest {
    private static final Clock FROZEN = Clock.fixed(0);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Timers NO_TIMERS = (delay, task) -> () -> { };

    @TempDir
    Path directory;

    private static ClusterHarness.Run run(String... args) {
        return ClusterHarness.cli(args);
    }

    /** Writes as a node does: keys of the key-value API tagged as data store keys, which the dump does not show. */
    private void write(boolean flushFirstHalf) throws IOException {
        try (FileDisk disk = new FileDisk()) {
            StorageEngine engine = StorageEngine.open(disk, directory.resolve("data").toString(),
                    StorageConfig.defaults(), FROZEN, NO_TIMERS);
            engine.apply(kv("apple"), Cell.value(bytes("red"), 1_234_567_890_123_000L), failure -> { });
            engine.apply(kv("banana"), Cell.value(bytes("yellow"), 1_234_567_890_456_000L), failure -> { });
            if (flushFirstHalf) {
                engine.flush();
            }
            engine.apply(kv("apple"), Cell.tombstone(1_234_567_890_789_000L), failure -> { });
            engine.apply(StorageKeys.kv(new byte[] {(byte) 0xff, 0x00}), Cell.value(new byte[] {(byte) 0xc3, 0x28}, 5),
                    failure -> { });
            engine.apply(kv("base64:x"), Cell.value(bytes("tricky"), 6), failure -> { });
            engine.close();
        }
    }

    private static byte[] kv(String text) {
        return StorageKeys.kv(bytes(text));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anExpiringCellShowsItsTtlAndExpiryInTheLogAndTheState() throws IOException {
        for (boolean flush : new boolean[] {false, true}) {
            Path dir = directory.resolve("ttl-" + flush);
            try (FileDisk disk = new FileDisk()) {
                StorageEngine engine = StorageEngine.open(disk, dir.resolve("data").toString(),
                        StorageConfig.defaults(), FROZEN, NO_TIMERS);
                engine.apply(bytes("session"), Cell.expiring(bytes("abc"), 1_000_000L, 600, 1_800_000_600L),
                        failure -> { });
                engine.apply(bytes("plain"), Cell.value(bytes("v"), 2_000_000L), failure -> { });
                if (flush) {
                    engine.flush();
                }
                engine.close();
            }
            ClusterHarness.Run output = run("dump", dir.toString());
            assertThat(output.exitCode()).as(output.err()).isZero();
            List<String> lines = output.out().lines().toList();
            if (!flush) {
                assertThat(lines.get(0)).isEqualTo("{\"key\":\"session\",\"value\":\"abc\",\"timestamp\":1.000000,"
                        + "\"ttl\":600,\"expires_at\":1800000600,\"type\":\"PUT\"}");
                assertThat(lines.get(1)).doesNotContain("ttl");
            }
            assertThat(lines.get(lines.size() - 1))
                    .contains("\"session\":{\"value\":\"abc\",\"timestamp\":1.000000,\"ttl\":600,"
                            + "\"expires_at\":1800000600}")
                    .contains("\"plain\":{\"value\":\"v\",\"timestamp\":2.000000}");
        }
    }

    @Test
    void printsTheCommitLogAsJsonLinesAndTheStateAsOneObject() throws IOException {
        write(false);
        ClusterHarness.Run output = run("dump", directory.toString());
        assertThat(output.exitCode()).as(output.err()).isZero();
        List<JsonNode> values = parseAll(output.out());
        assertThat(values).hasSize(6);
        List<String> lines = output.out().lines().toList();
        assertThat(lines.get(0))
                .isEqualTo("{\"key\":\"apple\",\"value\":\"red\",\"timestamp\":1234567890.123000,\"type\":\"PUT\"}");
        assertThat(lines.get(2))
                .isEqualTo("{\"key\":\"apple\",\"value\":{\"deleted\":true},"
                        + "\"timestamp\":1234567890.789000,\"type\":\"DELETE\"}");
        assertThat(lines).hasSize(6);
        assertThat(lines.get(5)).contains("\"apple\":{\"deleted\":true,\"timestamp\":1234567890.789000}")
                .contains("\"banana\":{\"value\":\"yellow\",\"timestamp\":1234567890.456000}");
        assertThat(values.get(3).get("key").asText())
                .isEqualTo("base64:" + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, 0}));
        assertThat(values.get(3).get("value").get("base64").asText())
                .isEqualTo(Base64.getEncoder().encodeToString(new byte[] {(byte) 0xc3, 0x28}));
        assertThat(values.get(4).get("key").asText())
                .isEqualTo("base64:" + Base64.getEncoder().encodeToString(bytes("base64:x")));

        JsonNode state = values.get(5);
        assertThat(state.get("apple").get("deleted").asBoolean()).isTrue();
        assertThat(state.get("banana").get("value").asText()).isEqualTo("yellow");
        assertThat(state.size()).isEqualTo(4);
    }

    @Test
    void stateCombinesTablesAndTheUnflushedLog() throws IOException {
        write(true);
        ClusterHarness.Run output = run("dump", "--state-only", directory.resolve("data").toString());
        assertThat(output.exitCode()).as(output.err()).isZero();
        JsonNode state = JSON.readTree(output.out());
        assertThat(state.get("banana").get("value").asText()).isEqualTo("yellow");
        assertThat(state.get("apple").get("deleted").asBoolean()).isTrue();
        ClusterHarness.Run log = run("dump", "--commit-log-only", directory.toString());
        assertThat(parseAll(log.out())).hasSize(3); // the flushed records' segment was deleted
    }

    @Test
    void damagedLogIsReportedWithFileAndOffset() throws IOException {
        write(false);
        Path segment;
        try (var files = Files.list(directory.resolve("data/commitlog"))) {
            segment = files.sorted().findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(segment);
        bytes[40] ^= 0x01;
        Files.write(segment, bytes);
        ClusterHarness.Run output = run("dump", directory.toString());
        assertThat(output.exitCode()).isEqualTo(1);
        assertThat(output.err()).contains(segment.getFileName().toString()).contains("offset 20");
        ClusterHarness.Run skipping = run("dump", "--skip-corrupt", directory.toString());
        assertThat(skipping.exitCode()).isZero();
        assertThat(skipping.err()).contains("skipped 1 corrupt commit log records");
    }

    @Test
    void directoryWithoutStorageIsAClearError() {
        ClusterHarness.Run output = run("dump", directory.toString());
        assertThat(output.exitCode()).isEqualTo(2);
        assertThat(output.err()).contains("holds no ringdb storage");
    }

    private static List<JsonNode> parseAll(String text) throws IOException {
        List<JsonNode> values = new ArrayList<>();
        try (var parser = JSON.getFactory().createParser(text)) {
            var iterator = JSON.readValues(parser, JsonNode.class);
            while (iterator.hasNext()) {
                values.add(iterator.next());
            }
        }
        return values;
    }
}
