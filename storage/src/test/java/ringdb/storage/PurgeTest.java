package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import ringdb.core.data.Cell;
import ringdb.core.ring.Partitioner;
import ringdb.storage.disk.SimDisk;
import ringdb.storage.testing.ManualTimers;

/** Cleanup: {@link StorageEngine#purge} drops the keys of rejected tokens outright, memtable and tables alike. */
class PurgeTest {
    private static final String DIRECTORY = "/node1";
    private final ManualTimers timers = new ManualTimers(1_000_000);
    private final SimDisk disk = new SimDisk(new Random(1));

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void purgeDropsRejectedTokensFromMemtableAndTablesAndSurvivesReopen() throws IOException {
        StorageEngine engine = StorageEngine.open(disk, DIRECTORY, StorageConfig.defaults(), timers, timers);
        for (int i = 0; i < 200; i++) {
            engine.apply(bytes("key" + i), Cell.value(bytes("v" + i), 10 + i), error -> { });
            if (i == 100) {
                engine.flush();
            }
        }
        engine.apply(bytes("key5"), Cell.tombstone(1_000), error -> { });
        long removed = engine.purge(token -> token >= 0);
        long expected = 0;
        for (int i = 0; i < 200; i++) {
            boolean kept = Partitioner.token(bytes("key" + i)) >= 0;
            expected += kept ? 0 : 1;
            Cell cell = engine.read(bytes("key" + i));
            if (!kept) {
                assertThat(cell).as("key%d", i).isNull();
            } else if (i != 5) {
                assertThat(cell).as("key%d", i).isEqualTo(Cell.value(bytes("v" + i), 10 + i));
            }
        }
        assertThat(removed).isEqualTo(expected);
        assertThat(engine.scan(Long.MIN_VALUE, -1, null, 1_000)).isEmpty();
        engine.close();
        StorageEngine reopened = StorageEngine.open(disk, DIRECTORY, StorageConfig.defaults(), timers, timers);
        assertThat(reopened.scan(Long.MIN_VALUE, -1, null, 1_000)).isEmpty();
        assertThat(reopened.scan(-1, Long.MAX_VALUE, null, 1_000)).hasSize((int) (200 - expected));
    }
}
