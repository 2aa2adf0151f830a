package ringdb.core.schema.keys;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;

/**
 * Clustering order and slices as queries state them. A query restricts a clustering prefix by
 * equality and the next column by a range in its type's order ({@code c > x AND c <= y});
 * {@link #range} turns that into the {@link Slice} in clustering order, where a descending column
 * swaps the two ends.
 */
public final class Slices {
    private Slices() {
    }

    /** Orders clusterings (full, or prefixes: a prefix before what it begins) in clustering order. */
    public static Comparator<Clustering> order(TableMetadata table) {
        List<ColumnMetadata> columns = table.clustering();
        return (a, b) -> {
            int common = Math.min(a.size(), b.size());
            for (int i = 0; i < common; i++) {
                ColumnMetadata c = columns.get(i);
                int cmp = c.type().compare(a.values().get(i), b.values().get(i));
                if (cmp != 0) {
                    return c.descending() ? -cmp : cmp;
                }
            }
            return Integer.compare(a.size(), b.size());
        };
    }

    /**
     * The rows whose first clustering values equal {@code equal} and whose next clustering value
     * lies between {@code lower} and {@code upper} in its type's order (null = unbounded on that
     * side). With neither bound, the rows that begin with {@code equal}.
     */
    public static Slice range(TableMetadata table, Clustering equal, byte[] lower, boolean lowerInclusive,
                              byte[] upper, boolean upperInclusive) {
        if (lower == null && upper == null) {
            return Slice.prefix(equal);
        }
        if (equal.size() >= table.clustering().size()) {
            throw new InvalidRequestException("a range needs a clustering column after the " + equal.size()
                    + " restricted by equality; " + table.keyspace() + "." + table.name() + " has "
                    + table.clustering().size());
        }
        ColumnMetadata column = table.clustering().get(equal.size());
        Clustering low = lower == null ? equal : append(equal, lower);
        boolean lowInclusive = lower == null || lowerInclusive;
        Clustering high = upper == null ? equal : append(equal, upper);
        boolean highInclusive = upper == null || upperInclusive;
        return column.descending() ? new Slice(high, highInclusive, low, lowInclusive)
                : new Slice(low, lowInclusive, high, highInclusive);
    }

    private static Clustering append(Clustering prefix, byte[] value) {
        List<byte[]> values = new ArrayList<>(prefix.values());
        values.add(value);
        return new Clustering(values);
    }
}
