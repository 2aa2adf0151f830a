package ringdb.storage.memtable;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;

/**
 * Slices of the memtable by partition: a partition it holds no table entry of comes back empty
 * without a walk of the sorted map, and that shortcut never hides an entry it does hold (of the
 * token asked, of a key-value key sharing the token, or written after the first slice).
 */
class MemtableSliceTest {
    private static final byte TABLE = 0x02;
    private static final byte KV = 0x01;

    @Test
    void aSliceFindsEveryTableEntryOfItsTokenAndNothingOfAnother() {
        Memtable memtable = new Memtable();
        memtable.put(new DecoratedKey(7, new byte[] {TABLE, 1, 1}), Cell.value(new byte[] {1}, 1));
        memtable.put(new DecoratedKey(7, new byte[] {TABLE, 1, 2}), Cell.value(new byte[] {2}, 1));
        memtable.put(new DecoratedKey(9, new byte[] {TABLE, 1, 1}), Cell.value(new byte[] {3}, 1));

        assertThat(values(memtable.slice(key(7, TABLE, 1), key(7, TABLE, 3), false))).containsExactly(1, 2);
        assertThat(values(memtable.slice(key(7, TABLE, 1), key(7, TABLE, 3), true))).containsExactly(2, 1);
        assertThat(values(memtable.slice(key(8, TABLE, 1), key(8, TABLE, 2), false))).isEmpty();
        assertThat(memtable.deletions(8, new byte[] {TABLE}, new byte[] {TABLE, 2})).isEmpty();

        memtable.put(new DecoratedKey(8, new byte[] {TABLE, 1, 1}), Cell.value(new byte[] {4}, 2));
        assertThat(values(memtable.slice(key(8, TABLE, 1), key(8, TABLE, 2), false))).containsExactly(4);
    }

    @Test
    void aRangeReachingPastTheTableKeysStillFindsAKeyValueKeyOfTheToken() {
        Memtable memtable = new Memtable();
        memtable.put(new DecoratedKey(7, new byte[] {KV, 5}), Cell.value(new byte[] {5}, 1));

        assertThat(values(memtable.slice(new DecoratedKey(7, new byte[] {KV}), new DecoratedKey(7, new byte[] {TABLE}),
                false))).containsExactly(5);
        assertThat(values(memtable.slice(key(7, TABLE, 0), key(7, TABLE, 9), false))).isEmpty();
    }

    private static DecoratedKey key(long token, byte tag, int last) {
        return new DecoratedKey(token, new byte[] {tag, 1, (byte) last});
    }

    private static List<Integer> values(Iterator<Map.Entry<DecoratedKey, Cell>> slice) {
        List<Integer> out = new ArrayList<>();
        slice.forEachRemaining(e -> out.add((int) e.getValue().value()[0]));
        return out;
    }
}
