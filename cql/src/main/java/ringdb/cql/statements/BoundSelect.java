package ringdb.cql.statements;

import java.util.List;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.Slice;

/**
 * A SELECT with its values bound: which partitions, which rows of each, which columns.
 *
 * @param partitionKeys the partitions named by the WHERE clause (cartesian product of IN lists, without
 *                      duplicates); empty for a scan of the token range
 * @param tokenRange the scanned token range (tokens as signed longs), when {@code partitionKeys} is empty
 * @param slices the clustering slices to read in each partition, in clustering order, not overlapping
 *               ({@link Slice#ALL} when unrestricted); empty when the restrictions select nothing
 * @param filters tests every returned row must pass (ALLOW FILTERING)
 * @param distinct SELECT DISTINCT: one row per partition, its key and static columns
 * @param reversed ORDER BY opposite to the clustering order
 * @param limit most rows returned (Integer.MAX_VALUE: no limit); a COUNT counts all rows and returns one
 * @param perPartitionLimit most rows taken from one partition (Integer.MAX_VALUE: no limit)
 */
public record BoundSelect(TableMetadata table, List<PartitionKey> partitionKeys, TokenRange tokenRange,
                          List<Slice> slices, List<Filter> filters, List<Selector> selectors, boolean distinct,
                          boolean reversed, int limit, int perPartitionLimit) {
    public BoundSelect {
        partitionKeys = List.copyOf(partitionKeys);
        slices = List.copyOf(slices);
        filters = List.copyOf(filters);
        selectors = List.copyOf(selectors);
    }

    /** Whether the result is one row of aggregates (COUNT(*)). */
    public boolean isAggregate() {
        for (Selector s : selectors) {
            if (s.kind() == Selector.Kind.COUNT) {
                return true;
            }
        }
        return false;
    }

    /**
     * A range of tokens: from {@code start} to {@code end}, each inclusive or not; null for an
     * unbounded side. As in Cassandra, a range whose end comes before its start is empty (it does
     * not wrap around the ring).
     */
    public record TokenRange(Long start, boolean startInclusive, Long end, boolean endInclusive) {
        public static final TokenRange ALL = new TokenRange(null, true, null, true);

        /** Whether {@code token} lies in the range. */
        public boolean contains(long token) {
            boolean afterStart = start == null || (startInclusive ? token >= start : token > start);
            boolean beforeEnd = end == null || (endInclusive ? token <= end : token < end);
            return afterStart && beforeEnd;
        }
    }
}
