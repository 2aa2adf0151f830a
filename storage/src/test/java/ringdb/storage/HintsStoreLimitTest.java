package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import ringdb.core.data.Cell;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.data.Limits;
import ringdb.storage.disk.SimDisk;
import ringdb.storage.testing.ManualTimers;

/**
 * Regression (issue 12): a hint wraps the mutation's key and a header around its value, so a hint
 * of a value of exactly the node's value limit is larger than that limit. The hints engine's
 * settings ({@link StorageConfig#forHints()}) must hold it, and its commit log must replay it.
 */
class HintsStoreLimitTest {
    private final ManualTimers timers = new ManualTimers(1_000_000);
    private final SimDisk disk = new SimDisk(new Random(1));
    private final List<Throwable> acks = new ArrayList<>();

    @Test
    void aHintOfTheLargestMutationIsStoredAndReplayedAtTheDefaultAndTheLargestValueLimit() throws IOException {
        for (int valueSizeBytesMax : new int[] {Limits.VALUE_SIZE_BYTES_DEFAULT, Limits.VALUE_SIZE_BYTES_CEILING}) {
            StorageConfig data = StorageConfig.builder().valueSizeBytesMax(valueSizeBytesMax).build();
            byte[] hintKey = filled(Limits.HINT_KEY_BYTES_MAX, 'H');
            byte[] hint = filled(Limits.hintValueSizeBytesMax(valueSizeBytesMax), 'v');
            String directory = "/hints-" + valueSizeBytesMax;

            StorageEngine dataEngine = StorageEngine.open(disk, "/data-" + valueSizeBytesMax, data, timers, timers);
            assertThatThrownBy(() -> dataEngine.apply(hintKey, Cell.value(hint, 1), acks::add))
                    .as("the data engine's own limit is the value limit: the shape of the old bug")
                    .isInstanceOf(InvalidRequestException.class);
            dataEngine.close();

            StorageEngine hints = StorageEngine.open(disk, directory, data.forHints(), timers, timers);
            hints.apply(hintKey, Cell.value(hint, 1), acks::add);
            assertThat(acks).containsOnlyNulls().isNotEmpty();
            disk.crash(); // no flush: the hint survives only in the commit log
            StorageEngine replayed = StorageEngine.open(disk, directory, data.forHints(), timers, timers);
            assertThat(replayed.recoveryReport().recordsReplayed()).isEqualTo(1);
            assertThat(replayed.read(hintKey)).isEqualTo(Cell.value(hint, 1));
            replayed.close();
            acks.clear();
        }
    }

    private static byte[] filled(int length, char fill) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) fill);
        return bytes;
    }
}
