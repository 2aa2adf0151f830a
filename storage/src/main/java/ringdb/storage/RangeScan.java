package ringdb.storage;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;

/**
 * A token-range scan as {@link LocalStore#scan} defines it: the range (start, end] is split into
 * at most two intervals when it wraps around the ring, walked in ring order from the start.
 */
final class RangeScan {
    private static final byte[] EMPTY_KEY = new byte[0];

    /** Tokens in [lowInclusive, highInclusive]. */
    private record Interval(long lowInclusive, long highInclusive) {
        boolean contains(long token) {
            return token >= lowInclusive && token <= highInclusive;
        }
    }

    private final Function<DecoratedKey, List<Iterator<Map.Entry<DecoratedKey, Cell>>>> sources;

    RangeScan(Function<DecoratedKey, List<Iterator<Map.Entry<DecoratedKey, Cell>>>> sources) {
        this.sources = sources;
    }

    List<LocalStore.Entry> scan(long startTokenExclusive, long endTokenInclusive, DecoratedKey after, int maxEntries) {
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries must be positive, was " + maxEntries);
        }
        List<Interval> intervals = intervals(startTokenExclusive, endTokenInclusive);
        int first = 0;
        if (after != null) {
            first = -1;
            for (int i = 0; i < intervals.size() && first < 0; i++) {
                first = intervals.get(i).contains(after.token()) ? i : -1;
            }
            if (first < 0) {
                throw new IllegalArgumentException("resume key token " + after.token() + " lies outside the range ("
                        + startTokenExclusive + ", " + endTokenInclusive + "]");
            }
        }
        List<LocalStore.Entry> result = new ArrayList<>();
        for (int i = first; i < intervals.size() && result.size() < maxEntries; i++) {
            Interval interval = intervals.get(i);
            DecoratedKey from = i == first && after != null
                    ? after : new DecoratedKey(interval.lowInclusive(), EMPTY_KEY);
            collect(interval, from, maxEntries, result);
        }
        return result;
    }

    private void collect(Interval interval, DecoratedKey fromExclusive, int maxEntries, List<LocalStore.Entry> result) {
        MergingIterator merged = new MergingIterator(sources.apply(fromExclusive));
        while (merged.hasNext() && result.size() < maxEntries) {
            Map.Entry<DecoratedKey, Cell> entry = merged.next();
            if (entry.getKey().token() > interval.highInclusive()) {
                return;
            }
            result.add(new LocalStore.Entry(entry.getKey(), entry.getValue()));
        }
    }

    private static List<Interval> intervals(long startExclusive, long endInclusive) {
        List<Interval> intervals = new ArrayList<>(2);
        if (startExclusive < endInclusive) {
            intervals.add(new Interval(startExclusive + 1, endInclusive));
            return intervals;
        }
        if (startExclusive != Long.MAX_VALUE) {
            intervals.add(new Interval(startExclusive + 1, Long.MAX_VALUE));
        }
        intervals.add(new Interval(Long.MIN_VALUE, endInclusive));
        return intervals;
    }
}
