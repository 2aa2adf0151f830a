package ringdb.core.store;

import java.util.Arrays;

/**
 * The reconciled entries of one partition, in key order, as a store holds them in memory, read in
 * place: record {@code i}'s key is {@link #prefix()} followed by {@link #bytes()}{@code [suffixStart(i),
 * suffixEnd(i))}, and its value (absent for a tombstone) lies in {@code bytes()[valueStart(i),
 * valueEnd(i))}. What {@link LocalStore#slice} of the whole partition would return, without an object per
 * entry. Callers must not modify the arrays.
 */
public interface PartitionRecords {
    /** The key every entry of the partition begins with. */
    byte[] prefix();

    /** The array the records' key suffixes and values lie in. */
    byte[] bytes();

    int size();

    int suffixStart(int index);

    int suffixEnd(int index);

    boolean isTombstone(int index);

    long timestampMicros(int index);

    /** The second the value expires at; 0 when it does not expire. */
    long expiresAtSeconds(int index);

    int valueStart(int index);

    int valueEnd(int index);

    /**
     * How many records open a range tombstone, or -1 when not known; a reader that cannot take range
     * tombstones declines a partition unless this says 0.
     */
    default int rangeTombstoneOpenBounds() {
        return -1;
    }

    /** The index of the first record whose key is not below {@code key} (a whole storage key); size() if none. */
    default int firstAtOrAfter(byte[] key) {
        byte[] prefix = prefix();
        int common = Math.min(key.length, prefix.length);
        int byPrefix = Arrays.compareUnsigned(key, 0, common, prefix, 0, common);
        if (byPrefix < 0 || byPrefix == 0 && key.length <= prefix.length) {
            return 0;
        }
        if (byPrefix > 0) {
            return size();
        }
        int low = 0;
        int high = size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (Arrays.compareUnsigned(bytes(), suffixStart(mid), suffixEnd(mid), key, prefix.length,
                    key.length) < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
