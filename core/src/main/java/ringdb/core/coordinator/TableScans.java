package ringdb.core.coordinator;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.Ring;
import ringdb.core.ring.TokenRange;

/**
 * One page of a table scan: walks the ring's token ranges in token order from the one holding the
 * resume position, asking each range's replicas (through {@link Coordinator#scanSegment}) until
 * entries were found or the ring ends. A range that wraps around the ring is read as two segments,
 * ({@code start}, MAX] and [MIN, {@code end}] (written (MAX, end], which a scan reads as wrapping).
 */
final class TableScans {
    private final Coordinator coordinator;
    private final byte[] prefix;
    private final int maxEntries;
    private final ConsistencyLevel cl;
    private final List<long[]> segments;
    private final Consumer<ClientResult> done;

    TableScans(Coordinator coordinator, byte[] prefix, int maxEntries, ConsistencyLevel cl, List<long[]> segments,
               Consumer<ClientResult> done) {
        this.coordinator = coordinator;
        this.prefix = prefix;
        this.maxEntries = maxEntries;
        this.cl = cl;
        this.segments = segments;
        this.done = done;
    }

    /** The ring's ranges as segments {start exclusive, end inclusive} in token order (whole ring: one). */
    static List<long[]> segments(Ring ring) {
        List<long[]> out = new ArrayList<>();
        List<TokenRange> ranges = ring.ranges();
        if (ranges.size() <= 1) {
            out.add(new long[] {Long.MAX_VALUE, Long.MAX_VALUE}); // (MAX, MAX]: the whole ring
            return out;
        }
        for (TokenRange range : ranges) {
            long start = range.startTokenExclusive();
            long end = range.endTokenInclusive();
            if (start < end) {
                out.add(new long[] {start, end});
            } else {
                out.add(new long[] {Long.MAX_VALUE, end});
                if (start != Long.MAX_VALUE) {
                    out.add(new long[] {start, Long.MAX_VALUE});
                }
            }
        }
        out.sort((a, b) -> Long.compare(first(a), first(b)));
        return out;
    }

    private static long first(long[] segment) {
        return segment[0] == Long.MAX_VALUE ? Long.MIN_VALUE : segment[0] + 1;
    }

    /** The index of the segment holding {@code token}. */
    static int segmentOf(List<long[]> segments, long token) {
        for (int i = 0; i < segments.size(); i++) {
            long[] s = segments.get(i);
            if (token >= first(s) && token <= s[1]) {
                return i;
            }
        }
        return segments.size() - 1;
    }

    void scan(int index, DecoratedKey after) {
        long[] segment = segments.get(index);
        coordinator.scanSegment(segment[0], segment[1], after, prefix, maxEntries, cl, result -> {
            if (!(result instanceof ClientResult.Entries page)) {
                done.accept(result);
                return;
            }
            boolean last = index == segments.size() - 1;
            if (page.more()) {
                DecoratedKey resume = page.entries().get(page.entries().size() - 1).key();
                done.accept(new ClientResult.Entries(page.entries(), List.of(), true, resume));
            } else if (!page.entries().isEmpty() || last) {
                DecoratedKey resume = last ? null : page.entries().get(page.entries().size() - 1).key();
                done.accept(new ClientResult.Entries(page.entries(), List.of(), !last, resume));
            } else {
                scan(index + 1, null);
            }
        });
    }
}
