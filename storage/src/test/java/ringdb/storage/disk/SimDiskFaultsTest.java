package ringdb.storage.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import ringdb.core.data.Cell;
import ringdb.storage.StorageConfig;
import ringdb.storage.StorageEngine;
import ringdb.storage.StorageLayout;
import ringdb.storage.testing.ManualTimers;

/** The simulated disk's faults besides crashes: a full disk, read errors, slow syncs. */
class SimDiskFaultsTest {
    private static final String DIRECTORY = "node";
    private final ManualTimers timers = new ManualTimers(1_000_000);

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aFullDiskRefusesTheWriteThatDoesNotFitAndNothingIsAcknowledgedAfterIt() throws IOException {
        SimDisk disk = new SimDisk(new Random(1));
        StorageEngine engine = StorageEngine.open(disk, DIRECTORY, StorageConfig.defaults(), timers, timers);
        disk.setCapacityBytes(disk.usedBytes() + 1_000);
        List<Throwable> outcomes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            engine.apply(bytes("k" + i), Cell.value(new byte[100], i + 1), outcomes::add);
        }
        int acknowledged = outcomes.indexOf(outcomes.stream().filter(o -> o != null).findFirst().orElseThrow());
        assertThat(acknowledged).as("the writes that fit are acknowledged").isBetween(1, 9);
        assertThat(outcomes.get(acknowledged)).isInstanceOf(IOException.class)
                .hasMessageContaining(SimDisk.NO_SPACE_MESSAGE);
        assertThat(outcomes.subList(acknowledged, outcomes.size())).as("no write acknowledged after the refusal")
                .doesNotContainNull();
        assertThat(engine.read(bytes("k" + acknowledged))).as("a refused write is not applied").isNull();
        assertThat(disk.faultCounts()[0]).isEqualTo(1); // later appends are refused by the failed file itself
        assertThat(disk.usedBytes()).isLessThanOrEqualTo(disk.capacityBytes());

        disk.crash();
        disk.setCapacityBytes(Long.MAX_VALUE); // space freed; the node restarts
        StorageEngine reopened = StorageEngine.open(disk, DIRECTORY, StorageConfig.defaults(), timers, timers);
        for (int i = 0; i < acknowledged; i++) {
            assertThat(reopened.read(bytes("k" + i))).as("acknowledged write %d", i).isNotNull();
        }
        assertThat(reopened.read(bytes("k" + acknowledged))).isNull();
        List<Throwable> later = new ArrayList<>();
        reopened.apply(bytes("after"), Cell.value(bytes("v"), 100), later::add);
        assertThat(later).containsExactly((Throwable) null);
        reopened.close();
    }

    @Test
    void readsOfTheChosenRangeFailUntilTheirCountIsSpent() throws IOException {
        SimDisk disk = new SimDisk(new Random(1));
        AppendFile file = disk.create("f");
        file.append(new byte[10_000], 0, 10_000);
        file.close();
        disk.failReads("f", 4_096, 8_192, 2);
        try (ReadFile read = disk.openRead("f")) {
            assertThat(read.read(0, 4_096)).hasSize(4_096);
            assertThatThrownBy(() -> read.read(4_000, 200)).isInstanceOf(IOException.class)
                    .hasMessageContaining("f at byte 4096");
            assertThat(read.read(8_192, 100)).hasSize(100);
            assertThatThrownBy(() -> read.read(8_000, 1)).isInstanceOf(IOException.class);
            assertThat(read.read(8_000, 1)).as("the two failures are spent").hasSize(1);
        }
        assertThat(disk.faultCounts()[1]).isEqualTo(2);
    }

    @Test
    void aReadErrorInATableFailsTheReadAndTheEngineReadsAgainOnceItPassed() throws IOException {
        SimDisk disk = new SimDisk(new Random(1));
        StorageEngine engine = StorageEngine.open(disk, DIRECTORY, StorageConfig.defaults(), timers, timers);
        engine.apply(bytes("k"), Cell.value(bytes("v"), 1), failure -> { });
        engine.flush();
        disk.failReads(StorageLayout.tables(DIRECTORY) + "/", 0, Long.MAX_VALUE, 1);
        assertThatThrownBy(() -> engine.read(bytes("k"))).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("injected read error");
        assertThat(engine.read(bytes("k"))).isEqualTo(Cell.value(bytes("v"), 1));
        engine.close();
    }

    @Test
    void aSlowDiskAcknowledgesWritesOnlyOnceItsLongerSyncsComplete() throws IOException {
        SimDisk disk = new SimDisk(new Random(1), timers, 500);
        StorageEngine engine = StorageEngine.open(disk, DIRECTORY, StorageConfig.defaults(), timers, timers);
        disk.setSyncLatencyMicros(200_000);
        List<Throwable> acks = new ArrayList<>();
        engine.apply(bytes("k"), Cell.value(bytes("v"), 1), acks::add);
        timers.advance(199_000);
        assertThat(acks).as("not durable before the slow sync completes").isEmpty();
        timers.advance(1_000);
        assertThat(acks).containsExactly((Throwable) null);
        disk.setSyncLatencyMicros(500);
        engine.apply(bytes("k2"), Cell.value(bytes("v"), 2), acks::add);
        timers.advance(500);
        assertThat(acks).hasSize(2);
        engine.close();
    }
}
