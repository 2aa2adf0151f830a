package ringdb.storage.compaction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.storage.LookaheadIterator;
import ringdb.storage.rows.EntryKeys;
import ringdb.storage.rows.TombstoneKinds;

/**
 * What a compaction keeps of the merged (reconciled) entries of its inputs, streaming, in key order:
 *
 * <ul>
 *   <li>an expired value is kept as written (so it reconciles with other versions exactly as it does on a
 *       replica that has not compacted it) until it may be purged like a tombstone;</li>
 *   <li>an entry a partition deletion, a range tombstone, or (as the {@link TombstoneKinds} tell them)
 *       a row deletion or a collection deletion of the compaction covers (docs/formats/rows.md,
 *       "Deletions as entries") with a timestamp at or before the deletion's is dropped; a range
 *       tombstone's bounds are kept (each is how readers learn the tombstone);</li>
 *   <li>a tombstone older than gc_grace (its table's, as the {@link TombstoneKinds} know it, else the
 *       engine's) is purged when nothing outside the compaction may hold an
 *       entry it covers at or before it (the {@link Compactor.TombstoneGuard}: the exact key for an
 *       opaque key, the whole partition for a table entry), and, for a table entry the
 *       {@link TombstoneKinds} cannot classify (it may be a row or collection deletion whose covered
 *       entries this compaction keeps), when the next entry of the compaction is not one it may cover.</li>
 * </ul>
 */
final class CompactionFilter extends LookaheadIterator<Map.Entry<DecoratedKey, Cell>> {
    private final Iterator<Map.Entry<DecoratedKey, Cell>> source;
    private final Predicate<DecoratedKey> keepKey;
    private final long purgeBeforeMicros;
    private final long gcGraceMicros;
    /** Tombstones of the current partition older than this may be purged (its table's gc_grace). */
    private long partitionPurgeBeforeMicros;
    private final long nowSeconds;
    private final Compactor.TombstoneGuard guard;
    private final TombstoneKinds kinds;
    private Map.Entry<DecoratedKey, Cell> peeked;
    private byte[] partition;
    private long partitionDeletedAt = Long.MIN_VALUE;
    private final List<Range> ranges = new ArrayList<>();
    /** The row deletion in force: its row's prefix (the key without 0x20), or null. */
    private byte[] rowPrefix;
    private long rowDeletedAt;
    /** The collection deletion in force: its key (its elements' keys begin with it), or null. */
    private byte[] collectionKey;
    private long collectionDeletedAt;
    private static final int ROW_MARKER = 0x21;
    private static final int ROW_CELL = 0x22;
    long purged;
    long shadowed;
    long written;
    /** The distinct tokens of the partitions it dropped entries of (in order), the first {@link #droppedCount}. */
    private long[] droppedTokens = new long[16];
    private int droppedCount;
    /** Dropped entries of more than {@link #DROPPED_TOKENS_MAX} partitions: too many to name. */
    private boolean droppedTooMany;
    /** The most partitions a compaction names as changed; beyond, it reports all changed. */
    static final int DROPPED_TOKENS_MAX = 1 << 16;

    private record Range(byte[] closeKey, long timestampMicros) {
    }

    CompactionFilter(Iterator<Map.Entry<DecoratedKey, Cell>> source, Predicate<DecoratedKey> keepKey,
                     long purgeBeforeMicros, long gcGraceMicros, long nowSeconds, Compactor.TombstoneGuard guard,
                     TombstoneKinds kinds) {
        this.source = source;
        this.keepKey = keepKey;
        this.purgeBeforeMicros = purgeBeforeMicros;
        this.gcGraceMicros = gcGraceMicros;
        this.nowSeconds = nowSeconds;
        this.guard = guard;
        this.kinds = kinds;
        advance();
    }

    private Map.Entry<DecoratedKey, Cell> take() {
        if (peeked != null) {
            Map.Entry<DecoratedKey, Cell> entry = peeked;
            peeked = null;
            return entry;
        }
        return source.hasNext() ? source.next() : null;
    }

    private Map.Entry<DecoratedKey, Cell> peek() {
        if (peeked == null && source.hasNext()) {
            peeked = source.next();
        }
        return peeked;
    }

    @Override
    protected Map.Entry<DecoratedKey, Cell> computeNext() {
        for (Map.Entry<DecoratedKey, Cell> entry = take(); entry != null; entry = take()) {
            DecoratedKey key = entry.getKey();
            if (!keepKey.test(key)) {
                dropped(key.token());
                continue;
            }
            Cell cell = entry.getValue();
            boolean expired = cell.isExpiring() && !cell.isLiveAt(nowSeconds);
            Cell dead = expired ? Cell.tombstone(cell.timestampMicros()) : cell;
            byte[] bytes = key.key();
            boolean table = trackPartition(bytes);
            if (table && (covered(bytes, cell) || coveredInRow(bytes, cell.timestampMicros()))) {
                shadowed++;
                dropped(key.token());
                continue;
            }
            TombstoneKinds.Kind kind = null;
            if (table && cell.isTombstone()) {
                kind = track(bytes, cell);
            } else if (table && expired) {
                kind = kinds.kindOf(bytes); // a value covers nothing but itself, once its table is known
            }
            if (dead.isTombstone() && purgeable(key, dead, expired ? cell.expiresAtSeconds() : 0, table, kind)) {
                purged++;
                dropped(key.token());
                continue;
            }
            written++;
            return entry;
        }
        return null;
    }

    /** Notes that an entry of the partition(s) of {@code token} was dropped (entries come in token order). */
    private void dropped(long token) {
        if (droppedTooMany || droppedCount > 0 && droppedTokens[droppedCount - 1] == token) {
            return;
        }
        if (droppedCount == DROPPED_TOKENS_MAX) {
            droppedTooMany = true;
            droppedTokens = null;
            return;
        }
        if (droppedCount == droppedTokens.length) {
            droppedTokens = Arrays.copyOf(droppedTokens, droppedCount * 2);
        }
        droppedTokens[droppedCount++] = token;
    }

    /**
     * The distinct tokens of the partitions an entry was dropped of so far (their answers changed without a
     * write), in order; null when more than {@link #DROPPED_TOKENS_MAX}.
     */
    long[] droppedTokens() {
        return droppedTooMany ? null : Arrays.copyOf(droppedTokens, droppedCount);
    }

    /** Moves the partition state to the partition of {@code key}; returns whether it is a table entry. */
    private boolean trackPartition(byte[] key) {
        int end = EntryKeys.partitionEnd(key);
        if (end < 0) {
            partition = null;
            return false;
        }
        if (partition == null || partition.length != end || !Arrays.equals(partition, 0, end, key, 0, end)) {
            partition = Arrays.copyOf(key, end);
            partitionDeletedAt = Long.MIN_VALUE;
            ranges.clear();
            rowPrefix = null;
            collectionKey = null;
            long grace = kinds.gcGraceMicros(key, gcGraceMicros);
            partitionPurgeBeforeMicros = grace == TombstoneKinds.KEPT ? Long.MIN_VALUE
                    : purgeBeforeMicros + gcGraceMicros - grace;
        }
        return true;
    }

    /**
     * Whether the row deletion or collection deletion in force covers {@code key} at {@code timestamp};
     * forgets each once the keys have left its row or collection (keys come in order).
     */
    private boolean coveredInRow(byte[] key, long timestamp) {
        if (rowPrefix != null && !EntryKeys.startsWith(key, rowPrefix)) {
            rowPrefix = null;
        }
        if (collectionKey != null && !EntryKeys.startsWith(key, collectionKey)) {
            collectionKey = null;
        }
        if (rowPrefix != null && key.length > rowPrefix.length && timestamp <= rowDeletedAt) {
            int entry = key[rowPrefix.length] & 0xFF;
            if (entry == ROW_MARKER || entry == ROW_CELL) {
                return true;
            }
        }
        return collectionKey != null && key.length > collectionKey.length && timestamp <= collectionDeletedAt;
    }

    /** Whether a deletion of this partition seen before covers {@code key} at the cell's timestamp. */
    private boolean covered(byte[] key, Cell cell) {
        long timestamp = cell.timestampMicros();
        if (timestamp <= partitionDeletedAt && !EntryKeys.isPartitionDeletion(key)) {
            return true;
        }
        if (ranges.isEmpty()) {
            return false;
        }
        boolean bound = isCloseBound(key) || EntryKeys.closeOfOpenBound(key) != null;
        ranges.removeIf(range -> Arrays.compareUnsigned(key, range.closeKey()) >= 0);
        if (bound) {
            return false;
        }
        for (Range range : ranges) {
            if (timestamp <= range.timestampMicros()) {
                return true;
            }
        }
        return false;
    }

    private boolean isCloseBound(byte[] key) {
        for (Range range : ranges) {
            if (Arrays.equals(range.closeKey(), key)) {
                return true;
            }
        }
        return false;
    }

    /** Takes the deletion a tombstone makes; returns its kind for a row or cell entry, null for the others. */
    private TombstoneKinds.Kind track(byte[] key, Cell tombstone) {
        if (EntryKeys.isPartitionDeletion(key)) {
            partitionDeletedAt = Math.max(partitionDeletedAt, tombstone.timestampMicros());
            return null;
        }
        byte[] close = EntryKeys.closeOfOpenBound(key);
        if (close != null) {
            ranges.add(new Range(close, tombstone.timestampMicros()));
            return null;
        }
        TombstoneKinds.Kind kind = kinds.kindOf(key);
        if (kind == TombstoneKinds.Kind.ROW) {
            rowPrefix = Arrays.copyOf(key, key.length - 1);
            rowDeletedAt = tombstone.timestampMicros();
        } else if (kind == TombstoneKinds.Kind.COLLECTION) {
            collectionKey = key;
            collectionDeletedAt = tombstone.timestampMicros();
        }
        return kind;
    }

    private boolean purgeable(DecoratedKey key, Cell tombstone, long expiredAtSeconds, boolean table,
                              TombstoneKinds.Kind kind) {
        long timestamp = tombstone.timestampMicros();
        long purgeBefore = table ? partitionPurgeBeforeMicros : purgeBeforeMicros;
        if (timestamp >= purgeBefore || expiredAtSeconds != 0 && expiredAtSeconds * 1_000_000L >= purgeBefore) {
            return false;
        }
        if (!table) {
            return !guard.mayHoldOlder(key, timestamp);
        }
        if (guard.mayHoldOlderInPartition(key.token(), timestamp)) {
            return false;
        }
        byte[] bytes = key.key();
        if (EntryKeys.isPartitionDeletion(bytes) || EntryKeys.closeOfOpenBound(bytes) != null) {
            return true;
        }
        if (kind != null && kind != TombstoneKinds.Kind.UNKNOWN) {
            return true; // what it covers in this compaction is dropped as it comes (coveredInRow)
        }
        // Maybe a row deletion (covers the row's entries after it) or a collection deletion (covers
        // the keys it prefixes): keep it while the next entry is one it might cover.
        Map.Entry<DecoratedKey, Cell> next = peek();
        return next == null || next.getKey().token() != key.token()
                || !EntryKeys.startsWith(next.getKey().key(), Arrays.copyOf(bytes, bytes.length - 1));
    }
}
