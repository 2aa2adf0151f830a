package ringdb.storage.rows;

import java.util.Arrays;
import java.util.UUID;
import java.util.function.Predicate;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.schema.keys.RowKeyDecoder;
import ringdb.core.schema.keys.RowKeyFormat;

/**
 * Keeps every entry except those of a dropped table: a table entry's key begins with its table's id
 * ({@code 0x02 table_id ...}), and an entry whose table id {@code dropped} accepts is rejected, data and
 * tombstones alike. Any other key (an opaque key, a system or hint key) is kept. Keys come in order, so
 * the answer for the last table id seen is remembered: one comparison of 17 bytes per entry.
 *
 * <p>Not thread-safe: one filter per compaction (its worker thread); {@code dropped} is asked from it.
 */
public final class DroppedTableFilter implements Predicate<DecoratedKey> {
    private static final int PREFIX_BYTES = RowKeyFormat.PARTITION_OFFSET;
    private final Predicate<UUID> dropped;
    private final byte[] lastPrefix = new byte[PREFIX_BYTES];
    private boolean seen;
    private boolean lastDropped;
    private long removed;

    /** {@code dropped}: whether a table id is dropped (for good: its entries may all go). */
    public DroppedTableFilter(Predicate<UUID> dropped) {
        this.dropped = dropped;
    }

    /** True to keep the entry at {@code key}: false for an entry of a dropped table. */
    @Override
    public boolean test(DecoratedKey key) {
        byte[] bytes = key.key();
        if (bytes.length < PREFIX_BYTES || (bytes[0] & 0xFF) != EntryKeys.TABLE_TAG) {
            return true;
        }
        if (!seen || !Arrays.equals(lastPrefix, 0, PREFIX_BYTES, bytes, 0, PREFIX_BYTES)) {
            System.arraycopy(bytes, 0, lastPrefix, 0, PREFIX_BYTES);
            seen = true;
            lastDropped = dropped.test(RowKeyDecoder.tableId(bytes));
        }
        if (lastDropped) {
            removed++;
        }
        return !lastDropped;
    }

    /** How many entries this filter rejected. */
    public long removed() {
        return removed;
    }
}
