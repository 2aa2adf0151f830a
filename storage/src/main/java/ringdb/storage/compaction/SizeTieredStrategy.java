package ringdb.storage.compaction;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import ringdb.storage.sstable.SSTable;

/**
 * Size-tiered selection: tables are grouped into buckets of similar size (within half to one and a
 * half times the bucket's average; tables under {@link #SMALL_TABLE_SIZE_BYTES} all share one
 * bucket). A bucket with at least {@code thresholdMin} tables is compacted, up to
 * {@code thresholdMax} of its smallest tables; among several, the bucket with the most tables wins.
 */
public final class SizeTieredStrategy {
    /** Tables smaller than this are bucketed together, however different their sizes. */
    public static final long SMALL_TABLE_SIZE_BYTES = 4L << 20;
    private static final double BUCKET_LOW = 0.5;
    private static final double BUCKET_HIGH = 1.5;

    private SizeTieredStrategy() {
    }

    /** The tables to compact next, or an empty list when no bucket is full enough. */
    public static List<SSTable> select(List<SSTable> tables, int thresholdMin, int thresholdMax) {
        List<SSTable> bySize = new ArrayList<>(tables);
        bySize.sort(Comparator.comparingLong(SSTable::sizeBytes).thenComparingLong(SSTable::generation));
        List<List<SSTable>> buckets = new ArrayList<>();
        List<SSTable> bucket = new ArrayList<>();
        long bucketBytes = 0;
        for (SSTable table : bySize) {
            double average = bucket.isEmpty() ? 0 : (double) bucketBytes / bucket.size();
            boolean fits = bucket.isEmpty()
                    || table.sizeBytes() < SMALL_TABLE_SIZE_BYTES && average < SMALL_TABLE_SIZE_BYTES
                    || table.sizeBytes() >= average * BUCKET_LOW && table.sizeBytes() <= average * BUCKET_HIGH;
            if (!fits) {
                buckets.add(bucket);
                bucket = new ArrayList<>();
                bucketBytes = 0;
            }
            bucket.add(table);
            bucketBytes += table.sizeBytes();
        }
        if (!bucket.isEmpty()) {
            buckets.add(bucket);
        }
        List<SSTable> best = List.of();
        for (List<SSTable> candidate : buckets) {
            if (candidate.size() >= thresholdMin && candidate.size() > best.size()) {
                best = candidate;
            }
        }
        return best.size() > thresholdMax ? List.copyOf(best.subList(0, thresholdMax)) : List.copyOf(best);
    }
}
