package ringdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ringdb.core.Clock;
import ringdb.core.Timers;
import ringdb.core.data.Cell;
import ringdb.storage.StorageConfig;
import ringdb.storage.StorageEngine;
import ringdb.storage.disk.file.FileDisk;

class SnapshotCommandTest {
    private static final Clock FROZEN = Clock.fixed(0);
    private static final Timers NO_TIMERS = (delay, task) -> () -> { };

    @TempDir
    Path node;

    private static ClusterHarness.Run run(String... args) {
        return ClusterHarness.cli(args);
    }

    private void put(String key, String value, long timestamp) throws IOException {
        try (FileDisk disk = new FileDisk()) {
            StorageEngine engine = StorageEngine.open(disk, node.resolve("data").toString(), StorageConfig.defaults(),
                    FROZEN, NO_TIMERS);
            engine.apply(key.getBytes(StandardCharsets.UTF_8),
                    Cell.value(value.getBytes(StandardCharsets.UTF_8), timestamp), failure -> { });
            engine.close();
        }
    }

    private String read(String key) throws IOException {
        try (FileDisk disk = new FileDisk()) {
            StorageEngine engine = StorageEngine.open(disk, node.resolve("data").toString(), StorageConfig.defaults(),
                    FROZEN, NO_TIMERS);
            Cell cell = engine.read(key.getBytes(StandardCharsets.UTF_8));
            engine.close();
            return cell == null ? null : new String(cell.value(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void createListRestoreAndDelete() throws IOException {
        put("k", "before", 1);
        ClusterHarness.Run created = run("snapshot", "create", node.toString(), "monday");
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("snapshot monday: 1 tables linked");
        put("k", "after", 2);
        put("other", "after", 2);

        ClusterHarness.Run listed = run("snapshot", "list", node.toString());
        assertThat(listed.out()).contains("monday").contains("1 tables");

        ClusterHarness.Run restored = run("snapshot", "restore", node.toString(), "monday");
        assertThat(restored.exitCode()).as(restored.err()).isZero();
        assertThat(read("k")).isEqualTo("before");
        assertThat(read("other")).isNull();

        assertThat(run("snapshot", "create", node.toString(), "monday").err()).contains("already exists");
        assertThat(run("snapshot", "delete", node.toString(), "monday").exitCode()).isZero();
        assertThat(run("snapshot", "delete", node.toString(), "monday").err()).contains("no snapshot named monday");
        assertThat(run("snapshot", "create", node.toString(), "bad/name").err()).contains("snapshot name must be");
    }

    @Test
    void namesMadeOnlyOfDotsAreRefusedAndTheNodeKeepsItsData() throws IOException {
        put("k", "kept", 1);
        for (String name : new String[] {".", "..", "..."}) {
            for (String command : new String[] {"restore", "delete", "create"}) {
                ClusterHarness.Run refused = run("snapshot", command, node.toString(), name);
                assertThat(refused.exitCode()).as(command + " " + name).isEqualTo(2);
                assertThat(refused.err()).contains("snapshot name must be").contains("not only dots");
            }
        }
        assertThat(read("k")).isEqualTo("kept");
    }

    @Test
    void aNodeThatIsRunningIsRefusedWithAClearMessage() throws IOException {
        put("k", "v", 1);
        try (FileDisk disk = new FileDisk()) {
            StorageEngine running = StorageEngine.open(disk, node.resolve("data").toString(), StorageConfig.defaults(),
                    FROZEN, NO_TIMERS);
            ClusterHarness.Run output = run("snapshot", "create", node.toString(), "busy");
            assertThat(output.exitCode()).isEqualTo(1);
            assertThat(output.err()).contains("is already open in this process");
            running.close();
        }
    }

    @Test
    void directoryWithoutStorageIsAUsageError() {
        ClusterHarness.Run output = run("snapshot", "list", node.resolve("nothing").toString());
        assertThat(output.exitCode()).isEqualTo(2);
        assertThat(output.err()).contains("holds no ringdb storage");
    }
}
