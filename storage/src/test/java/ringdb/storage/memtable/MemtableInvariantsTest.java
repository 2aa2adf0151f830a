package ringdb.storage.memtable;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;

/**
 * The memtable's assertions fire on fabricated violations. The fabrication is the bug they guard
 * against: a caller that changes a key's bytes after handing the key over (a reused buffer), which
 * leaves the sorted map out of order and out of step with the hash index.
 */
class MemtableInvariantsTest {
    @Test
    void aKeyChangedAfterItWasPutSetsTheSortedMapAndTheIndexApartAndIsCaughtOnTheNextPut() {
        Memtable memtable = new Memtable();
        byte[] reused = {3};
        memtable.put(new DecoratedKey(5, new byte[] {1}), Cell.value(new byte[] {1}, 1));
        memtable.put(new DecoratedKey(5, reused), Cell.value(new byte[] {3}, 1));
        reused[0] = 0; // the map now holds {1} before {0}: out of order
        assertThatThrownBy(() -> memtable.put(new DecoratedKey(5, new byte[] {0}), Cell.value(new byte[] {9}, 2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("invariant violated: the memtable's sorted map holds the cell its index holds");
    }

    @Test
    void keysThatBecameEqualAfterLoadingAreCaughtWhenTheMemtableIsBuilt() {
        Memtable.Loader loader = new Memtable.Loader();
        byte[] reused = {2};
        loader.put(new DecoratedKey(5, new byte[] {1}), Cell.value(new byte[] {1}, 1));
        loader.put(new DecoratedKey(5, reused), Cell.value(new byte[] {2}, 1));
        reused[0] = 1; // two entries of the loader now hold the same key
        assertThatThrownBy(loader::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("invariant violated: keys loaded into a memtable are strictly increasing");
    }
}
