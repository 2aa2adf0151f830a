package ringdb.storage.compaction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.storage.MergingIterator;
import ringdb.storage.commitlog.CommitLogPosition;
import ringdb.storage.rows.TombstoneKinds;
import ringdb.storage.sstable.SSTable;
import ringdb.storage.sstable.TableWriter;
import ringdb.storage.disk.ByteThrottle;
import ringdb.storage.disk.Disk;

/**
 * Merges tables into one: for each key only the reconciled winner survives, entries the deletions
 * of the compaction cover are dropped, and a tombstone older than gc_grace is purged when nothing
 * outside the compaction can still hold an entry it covers ({@link CompactionFilter}).
 */
public final class Compactor {
    /**
     * What a compaction produced. {@code outputPath} is null when every entry was purged.
     * {@code droppedTokens}: the distinct tokens, in order, of the partitions it dropped any entry of
     * (purged, shadowed or rejected by its key filter), whose reads answer differently now; null when there
     * were too many to name ({@link CompactionFilter#DROPPED_TOKENS_MAX}).
     */
    public record Result(String outputPath, long entriesWritten, long tombstonesPurged, long entriesShadowed,
                         long[] droppedTokens) {
    }

    private Compactor() {
    }

    /**
     * Merges {@code inputs} into table {@code generation}, keeping what {@link CompactionFilter} keeps:
     * expired values are kept as written until purged like tombstones, entries a partition deletion or
     * range tombstone covers are dropped (and those a row or collection deletion covers, as {@code kinds}
     * tells them), tombstones older than {@code purgeBeforeMicros} (the compaction's clock less the engine's
     * {@code gcGraceMicros}; for a table entry its table's gc_grace as {@code kinds} tells it) are purged
     * where {@code mayHoldOlder} allows; every entry whose key {@code keepKey} rejects is dropped
     * outright (cleanup of ranges the node no longer replicates; not counted as purged). The output's
     * data blocks are reported to {@code throttle} as they are written.
     */
    public static Result compact(Disk disk, String directory, long generation, List<SSTable> inputs,
                                 long purgeBeforeMicros, long gcGraceMicros, long nowSeconds,
                                 TombstoneGuard mayHoldOlder, TombstoneKinds kinds, int blockSizeBytes,
                                 Predicate<DecoratedKey> keepKey, ByteThrottle throttle)
            throws IOException {
        List<Iterator<Map.Entry<DecoratedKey, Cell>>> sources = new ArrayList<>();
        long expected = 0;
        CommitLogPosition covered = CommitLogPosition.NONE;
        for (SSTable table : inputs) {
            sources.add(table.iterator(null));
            expected += table.metadata().entryCount();
            covered = CommitLogPosition.max(covered, table.metadata().coveredPosition());
        }
        CompactionFilter filtered = new CompactionFilter(new MergingIterator(sources), keepKey, purgeBeforeMicros,
                gcGraceMicros, nowSeconds, mayHoldOlder, kinds);
        try {
            if (!filtered.hasNext()) {
                return new Result(null, 0, filtered.purged, filtered.shadowed, filtered.droppedTokens());
            }
            String path = TableWriter.write(disk, directory, generation, filtered, expected, covered,
                    blockSizeBytes, throttle);
            return new Result(path, filtered.written, filtered.purged, filtered.shadowed,
                    filtered.droppedTokens());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Whether something outside a compaction may hold a version of {@code key} at or before a timestamp. */
    public interface TombstoneGuard {
        boolean mayHoldOlder(DecoratedKey key, long timestampMicros);

        /** Whether something outside may hold any entry with {@code token} at or before a timestamp. */
        boolean mayHoldOlderInPartition(long token, long timestampMicros);
    }

}
