package ringdb.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class CellReconcileTest {
    @Provide
    Arbitrary<Cell> cells() {
        Arbitrary<Long> timestamps = Arbitraries.longs().between(0, 5); // small range: many ties
        Arbitrary<Cell> values = Arbitraries.bytes().array(byte[].class).ofMaxSize(3)
                .flatMap(value -> timestamps.map(ts -> Cell.value(value, ts)));
        Arbitrary<Cell> tombstones = timestamps.map(Cell::tombstone);
        return Arbitraries.oneOf(values, tombstones).injectNull(0.1);
    }

    @Property
    void commutative(@ForAll("cells") Cell a, @ForAll("cells") Cell b) {
        assertThat(Cell.reconcile(a, b)).isEqualTo(Cell.reconcile(b, a));
    }

    @Property
    void associative(@ForAll("cells") Cell a, @ForAll("cells") Cell b, @ForAll("cells") Cell c) {
        assertThat(Cell.reconcile(Cell.reconcile(a, b), c)).isEqualTo(Cell.reconcile(a, Cell.reconcile(b, c)));
    }

    @Property
    void idempotent(@ForAll("cells") Cell a, @ForAll("cells") Cell b) {
        Cell winner = Cell.reconcile(a, b);
        assertThat(Cell.reconcile(a, a)).isEqualTo(a);
        assertThat(Cell.reconcile(winner, b)).isEqualTo(winner);
    }

    @Property
    void newerTimestampWinsAndTombstoneWinsTies(@ForAll("cells") Cell a) {
        if (a == null) {
            return;
        }
        Cell newer = Cell.value(new byte[] {0}, a.timestampMicros() + 1);
        assertThat(Cell.reconcile(a, newer)).isEqualTo(newer);
        Cell tombstone = Cell.tombstone(a.timestampMicros());
        assertThat(Cell.reconcile(a, tombstone).isTombstone()).isTrue();
    }
}
