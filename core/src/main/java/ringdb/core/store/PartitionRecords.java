package ringdb.core.store;

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
}
