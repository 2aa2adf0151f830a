package ringdb.storage.compaction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import java.util.function.Predicate;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.storage.LookaheadIterator;
import ringdb.storage.MergingIterator;
import ringdb.storage.commitlog.CommitLogPosition;
import ringdb.storage.sstable.SSTable;
import ringdb.storage.sstable.TableWriter;
import ringdb.storage.disk.ByteThrottle;
import ringdb.storage.disk.Disk;

/**
 * Merges tables into one: for each key only the reconciled winner survives (shadowed cells are
 * dropped), and a winning tombstone older than gc_grace is purged when nothing outside the
 * compaction can still hold an older value of its key.
 */
public final class Compactor {
    /** What a compaction produced. {@code outputPath} is null when every entry was purged. */
    public record Result(String outputPath, long entriesWritten, long tombstonesPurged) {
    }

    private Compactor() {
    }

    /**
     * @param mayHoldOlder answers, for a tombstone's key and timestamp, whether a table or memtable
     *                     outside the compaction may hold a version of the key at or before it
     */
    public static Result compact(Disk disk, String directory, long generation, List<SSTable> inputs,
                                 long purgeBeforeMicros, TombstoneGuard mayHoldOlder, int blockSizeBytes)
                                         throws IOException {
        return compact(disk, directory, generation, inputs, purgeBeforeMicros, mayHoldOlder, blockSizeBytes,
                token -> true,
                ByteThrottle.NONE);
    }

    /**
     * As above, and every entry whose token {@code keepToken} rejects is dropped outright (cleanup of
     * ranges the node no longer replicates); such entries are not counted as purged tombstones. The
     * output's data blocks are reported to {@code throttle} as they are written.
     */
    public static Result compact(Disk disk, String directory, long generation, List<SSTable> inputs,
                                 long purgeBeforeMicros, TombstoneGuard mayHoldOlder, int blockSizeBytes,
                                 LongPredicate keepToken, ByteThrottle throttle) throws IOException {
        List<Iterator<Map.Entry<DecoratedKey, Cell>>> sources = new ArrayList<>();
        long expected = 0;
        CommitLogPosition covered = CommitLogPosition.NONE;
        for (SSTable table : inputs) {
            sources.add(table.iterator(null));
            expected += table.metadata().entryCount();
            covered = CommitLogPosition.max(covered, table.metadata().coveredPosition());
        }
        long[] purged = new long[1];
        long[] written = new long[1];
        Predicate<Map.Entry<DecoratedKey, Cell>> keep = entry -> {
            if (!keepToken.test(entry.getKey().token())) {
                return false;
            }
            Cell cell = entry.getValue();
            boolean purge = cell.isTombstone() && cell.timestampMicros() < purgeBeforeMicros
                    && !mayHoldOlder.mayHoldOlder(entry.getKey(), cell.timestampMicros());
            purged[0] += purge ? 1 : 0;
            written[0] += purge ? 0 : 1;
            return !purge;
        };
        Filtered filtered = new Filtered(new MergingIterator(sources), keep);
        try {
            if (!filtered.hasNext()) {
                return new Result(null, 0, purged[0]);
            }
            String path = TableWriter.write(disk, directory, generation, filtered, expected, covered,
                    blockSizeBytes, throttle);
            return new Result(path, written[0], purged[0]);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Whether something outside a compaction may hold a version of {@code key} at or before a timestamp. */
    public interface TombstoneGuard {
        boolean mayHoldOlder(DecoratedKey key, long timestampMicros);
    }

    /** The entries of {@code source} that {@code keep} accepts, in order. */
    private static final class Filtered extends LookaheadIterator<Map.Entry<DecoratedKey, Cell>> {
        private final Iterator<Map.Entry<DecoratedKey, Cell>> source;
        private final Predicate<Map.Entry<DecoratedKey, Cell>> keep;

        Filtered(Iterator<Map.Entry<DecoratedKey, Cell>> source, Predicate<Map.Entry<DecoratedKey, Cell>> keep) {
            this.source = source;
            this.keep = keep;
            advance();
        }

        @Override
        protected Map.Entry<DecoratedKey, Cell> computeNext() {
            while (source.hasNext()) {
                Map.Entry<DecoratedKey, Cell> candidate = source.next();
                if (keep.test(candidate)) {
                    return candidate;
                }
            }
            return null;
        }
    }
}
