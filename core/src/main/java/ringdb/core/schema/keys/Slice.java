package ringdb.core.schema.keys;

/**
 * A clustering slice in clustering order (the order rows are stored in, so for a descending
 * column "start" is the larger value): from {@code start} to {@code end}, each a clustering prefix
 * (empty = unbounded) that is inclusive or exclusive. An inclusive bound on a prefix takes every
 * row that begins with it; an exclusive one none of them.
 */
public record Slice(Clustering start, boolean startInclusive, Clustering end, boolean endInclusive) {
    /** Every row of the partition. */
    public static final Slice ALL = new Slice(Clustering.EMPTY, true, Clustering.EMPTY, true);

    /** Exactly the rows that begin with {@code prefix} (one row for a full clustering). */
    public static Slice prefix(Clustering prefix) {
        return new Slice(prefix, true, prefix, true);
    }
}
