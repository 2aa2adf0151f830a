package ringdb.core.rows;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.rows.Reconciliation.ReplicaAnswer;
import ringdb.core.store.LocalStore;

class ReconciliationTest {
    private static LocalStore.Entry entry(int key, Cell cell) {
        return new LocalStore.Entry(new DecoratedKey(9, new byte[] {2, (byte) key}), cell);
    }

    @Test
    void eachReplicaIsToldExactlyTheEntriesItLacksOrHoldsOlder() {
        ReplicaAnswer a = new ReplicaAnswer(List.of(entry(1, Cell.value(new byte[] {1}, 10)),
                entry(2, Cell.tombstone(5))), true);
        ReplicaAnswer b = new ReplicaAnswer(List.of(entry(1, Cell.value(new byte[] {1}, 9)),
                entry(3, Cell.value(new byte[] {3}, 1))), true);
        Reconciliation.Result r = Reconciliation.reconcile(List.of(a, b), false);
        assertThat(r.entries()).containsExactly(entry(1, Cell.value(new byte[] {1}, 10)), entry(2, Cell.tombstone(5)),
                entry(3, Cell.value(new byte[] {3}, 1)));
        assertThat(r.repairs().get(0)).containsExactly(entry(3, Cell.value(new byte[] {3}, 1)));
        assertThat(r.repairs().get(1)).containsExactly(entry(1, Cell.value(new byte[] {1}, 10)),
                entry(2, Cell.tombstone(5)));
        assertThat(r.complete()).isTrue();
        assertThat(Reconciliation.reconcile(List.of(a, b), true).entries()).extracting(e -> e.key().key()[1])
                .containsExactly((byte) 3, (byte) 2, (byte) 1);
    }

    @Test
    void aReplicaThatStoppedAtItsLimitBoundsWhatTheMergeVouchesFor() {
        ReplicaAnswer cut = new ReplicaAnswer(List.of(entry(1, Cell.value(new byte[] {1}, 1)),
                entry(2, Cell.value(new byte[] {2}, 1))), false);
        ReplicaAnswer whole = new ReplicaAnswer(List.of(entry(1, Cell.value(new byte[] {1}, 1)),
                entry(4, Cell.value(new byte[] {4}, 1))), true);
        Reconciliation.Result r = Reconciliation.reconcile(List.of(cut, whole), false);
        assertThat(r.entries()).extracting(e -> e.key().key()[1]).containsExactly((byte) 1, (byte) 2);
        assertThat(r.repairs().get(1)).containsExactly(entry(2, Cell.value(new byte[] {2}, 1)));
        assertThat(r.repairs().get(0)).as("entry 4 lies beyond what the cut replica answered").isEmpty();
        assertThat(r.complete()).isFalse();
    }
}
