package ringdb.core.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A value or a tombstone, stamped with a timestamp in microseconds. Immutable; the value array
 * must not be modified after construction.
 *
 * <p>Reconciliation ({@link #reconcile}) is the same on every replica: the higher timestamp wins;
 * on a tie a tombstone wins; on a tie of two values the greater value (unsigned bytes) wins. It is
 * commutative, associative and idempotent, so replicas converge whatever order they see writes in.
 */
public final class Cell {
    private final byte[] value; // null = tombstone
    private final long timestampMicros;

    private Cell(byte[] value, long timestampMicros) {
        this.value = value;
        this.timestampMicros = timestampMicros;
    }

    public static Cell value(byte[] value, long timestampMicros) {
        return new Cell(Objects.requireNonNull(value, "value"), timestampMicros);
    }

    public static Cell tombstone(long timestampMicros) {
        return new Cell(null, timestampMicros);
    }

    public boolean isTombstone() {
        return value == null;
    }

    /** The value bytes; null for a tombstone. Callers must not modify the array. */
    public byte[] value() {
        return value;
    }

    public long timestampMicros() {
        return timestampMicros;
    }

    /** Bytes this cell occupies, roughly, for memtable accounting. */
    public int sizeBytes() {
        return (value == null ? 0 : value.length) + 8 + 1;
    }

    /** The winner of two versions of the same key; either may be null (absent). */
    public static Cell reconcile(Cell a, Cell b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.compareVersion(b) >= 0 ? a : b;
    }

    /** Orders versions: positive when this one wins over {@code other}. */
    public int compareVersion(Cell other) {
        int byTime = Long.compare(timestampMicros, other.timestampMicros);
        if (byTime != 0) {
            return byTime;
        }
        if (isTombstone() || other.isTombstone()) {
            return Boolean.compare(isTombstone(), other.isTombstone());
        }
        return Arrays.compareUnsigned(value, other.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cell c && c.timestampMicros == timestampMicros && Arrays.equals(c.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(timestampMicros) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return isTombstone() ? "tombstone@" + timestampMicros : value.length + "B@" + timestampMicros;
    }
}
