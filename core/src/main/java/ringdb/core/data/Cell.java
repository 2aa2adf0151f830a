package ringdb.core.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A value or a tombstone, stamped with a timestamp in microseconds. Immutable; the value array
 * must not be modified after construction.
 *
 * <p>Reconciliation ({@link #reconcile}) is the same on every replica: the higher timestamp wins;
 * on a tie a tombstone wins; on a tie of two values the greater value (unsigned bytes) wins, then the
 * one that expires later (a value without TTL counts as expiring last). An expired value reads as a
 * tombstone ({@link #isLiveAt}) but reconciles by its timestamp like any value. It is
 * commutative, associative and idempotent, so replicas converge whatever order they see writes in.
 */
public final class Cell {
    private final byte[] value; // null = tombstone
    private final long timestampMicros;
    private final int ttlSeconds; // 0 = the value never expires
    private final long expiresAtSeconds; // 0 = never; else seconds since the epoch at which it reads as deleted

    private Cell(byte[] value, long timestampMicros, int ttlSeconds, long expiresAtSeconds) {
        this.value = value;
        this.timestampMicros = timestampMicros;
        this.ttlSeconds = ttlSeconds;
        this.expiresAtSeconds = expiresAtSeconds;
    }

    public static Cell value(byte[] value, long timestampMicros) {
        return new Cell(Objects.requireNonNull(value, "value"), timestampMicros, 0, 0);
    }

    /**
     * A value written with a TTL: it reads as a tombstone from {@code expiresAtSeconds} (seconds since
     * the epoch, fixed once by the coordinator as its clock plus the TTL, so every replica expires it at
     * the same moment).
     */
    public static Cell expiring(byte[] value, long timestampMicros, int ttlSeconds, long expiresAtSeconds) {
        if (ttlSeconds <= 0 || expiresAtSeconds <= 0) {
            throw new IllegalArgumentException("an expiring cell needs a positive ttl and expiry, got ttl "
                    + ttlSeconds + " s, expiry " + expiresAtSeconds);
        }
        return new Cell(Objects.requireNonNull(value, "value"), timestampMicros, ttlSeconds, expiresAtSeconds);
    }

    public static Cell tombstone(long timestampMicros) {
        return new Cell(null, timestampMicros, 0, 0);
    }

    /** The TTL the value was written with, in seconds; 0 when it never expires (and for tombstones). */
    public int ttlSeconds() {
        return ttlSeconds;
    }

    /** Seconds since the epoch from which the value reads as deleted; 0 when it never expires. */
    public long expiresAtSeconds() {
        return expiresAtSeconds;
    }

    public boolean isExpiring() {
        return ttlSeconds != 0;
    }

    /** True for a value that has not expired at {@code nowSeconds}; false for a tombstone or an expired value. */
    public boolean isLiveAt(long nowSeconds) {
        return value != null && (expiresAtSeconds == 0 || nowSeconds < expiresAtSeconds);
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
        return (value == null ? 0 : value.length) + 8 + 1 + (ttlSeconds == 0 ? 0 : 12);
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
        int byValue = Arrays.compareUnsigned(value, other.value);
        return byValue != 0 ? byValue : Long.compare(expiresAtSeconds == 0 ? Long.MAX_VALUE : expiresAtSeconds,
                other.expiresAtSeconds == 0 ? Long.MAX_VALUE : other.expiresAtSeconds);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cell c && c.timestampMicros == timestampMicros && Arrays.equals(c.value, value)
                && c.ttlSeconds == ttlSeconds && c.expiresAtSeconds == expiresAtSeconds;
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(timestampMicros) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return isTombstone() ? "tombstone@" + timestampMicros
                : value.length + "B@" + timestampMicros + (ttlSeconds == 0 ? "" : " ttl " + ttlSeconds + "s");
    }
}
