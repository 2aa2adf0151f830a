package ringdb.storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore.Entry;
import ringdb.core.store.PartitionRecords;
import ringdb.storage.rows.EntryKeys;

/**
 * The entries of one partition of a table, in key order, in one array, as the partition cache holds them:
 * every key begins with the partition prefix, which is kept once; each entry is a record
 *
 * <pre>
 * suffix_length:varint  suffix  flags:1  [timestamp:8]  [ttl:4 expires_at:8]  [value]
 * </pre>
 *
 * where the suffix is the key past the prefix, {@code flags} says tombstone (no value), expiring (the TTL
 * and expiry follow), deletion-indexed (a partition deletion or a range tombstone's open bound, which
 * a deletions lookup returns) and whether the timestamp is the partition's common one (held once: the
 * first entry's when the partition was cached, as a row written at once has one timestamp) and so left
 * out, and the value runs to the record's end. Arrays of each record's start and end, in key order, let a
 * slice find its bounds by binary search; the entries it returns are decoded then, each with its own key
 * and value arrays; a reader may also read the records in place ({@link PartitionRecords}).
 *
 * <p>An instance never changes what it reads: {@link #merge} returns a new one. A partition written again
 * while cached gets spare room at the end of its array; a later write that replaces a record appends the
 * new record there and the new instance shares the array, its start and end now pointing past the bytes
 * every older instance reads, so a single-column update copies two small arrays of offsets instead of the
 * whole partition. Only the newest instance of an array appends (its end is the array's {@link Tail}); the
 * array is rebuilt, dead records left out, when the room runs out or a record is inserted.
 */
final class CompactEntries implements PartitionRecords {
    private static final int TOMBSTONE = 1;
    private static final int EXPIRING = 2;
    private static final int DELETION_INDEXED = 4;
    private static final int COMMON_TIMESTAMP = 8;
    private static final int[] NONE = new int[0];

    private final byte[] prefix;
    /** The timestamp of the records flagged {@link #COMMON_TIMESTAMP}. */
    private final long commonTimestamp;
    private final byte[] records;
    /** The start of each record in {@link #records}, in key order. */
    private final int[] starts;
    /** The end of each record in {@link #records}, in key order. */
    private final int[] ends;
    /** The indexes of the deletion-indexed records, in key order. */
    private final int[] deletions;
    /** How far {@link #records} is used, shared by every instance holding that array. */
    private final Tail tail;
    /** How far {@link #records} was used when this instance was made: it appends only if that is still the tail. */
    private final int used;
    /** Made by a write: a rebuild then leaves spare room for the next ones. */
    private final boolean written;

    /** The used length of an array of records, advanced by the one instance that may append to it. */
    private static final class Tail {
        private int used;

        Tail(int used) {
            this.used = used;
        }
    }

    private CompactEntries(byte[] prefix, long commonTimestamp, byte[] records, int[] starts, int[] ends,
                           int[] deletions, Tail tail, boolean written) {
        this.prefix = prefix;
        this.commonTimestamp = commonTimestamp;
        this.records = records;
        this.starts = starts;
        this.ends = ends;
        this.deletions = deletions;
        this.tail = tail;
        this.used = tail.used;
        this.written = written;
    }

    /** The entries {@code sorted} (in key order, each key beginning with {@code prefix}), held compactly. */
    static CompactEntries of(byte[] prefix, List<Entry> sorted) {
        byte[][] encoded = new byte[sorted.size()][];
        long common = sorted.isEmpty() ? 0 : sorted.get(0).cell().timestampMicros();
        for (int i = 0; i < encoded.length; i++) {
            Entry entry = sorted.get(i);
            encoded[i] = record(prefix, common, entry.key().key(), entry.cell());
        }
        return assemble(prefix, common, encoded, 0, false);
    }

    @Override
    public int size() {
        return starts.length;
    }

    @Override
    public byte[] prefix() {
        return prefix;
    }

    @Override
    public byte[] bytes() {
        return records;
    }

    @Override
    public int suffixStart(int index) {
        return skipVarint(records, starts[index]);
    }

    @Override
    public int suffixEnd(int index) {
        return suffixStart(index) + readVarint(records, starts[index]);
    }

    @Override
    public boolean isTombstone(int index) {
        return (records[suffixEnd(index)] & TOMBSTONE) != 0;
    }

    @Override
    public long timestampMicros(int index) {
        int at = suffixEnd(index);
        return (records[at] & COMMON_TIMESTAMP) != 0 ? commonTimestamp : readLong(at + 1);
    }

    @Override
    public long expiresAtSeconds(int index) {
        int at = suffixEnd(index);
        int flags = records[at];
        return (flags & EXPIRING) == 0 ? 0 : readLong(at + ((flags & COMMON_TIMESTAMP) != 0 ? 1 : 9) + 4);
    }

    @Override
    public int valueStart(int index) {
        int at = suffixEnd(index);
        int flags = records[at];
        return at + ((flags & COMMON_TIMESTAMP) != 0 ? 1 : 9) + ((flags & EXPIRING) != 0 ? 12 : 0);
    }

    @Override
    public int valueEnd(int index) {
        return ends[index];
    }

    @Override
    public int rangeTombstoneOpenBounds() {
        boolean partitionDeletion = deletions.length > 0 && deletions[0] == 0 && suffixEnd(0) - suffixStart(0) == 1;
        return deletions.length - (partitionDeletion ? 1 : 0);
    }

    /** Estimated heap bytes of the arrays beyond their headers (the prefix is counted by the caller). */
    long heapBytes() {
        return records.length + 4L * starts.length + 4L * ends.length + 4L * deletions.length;
    }

    /**
     * These entries with {@code cell} merged in at {@code key} by {@link Cell#reconcile}: this instance
     * itself when the entry held wins, else a new one. {@code key} begins with the prefix; a new array gets
     * at most {@code spareMax} bytes of spare room.
     */
    CompactEntries merge(byte[] key, Cell cell, long spareMax) {
        int at = search(key);
        if (at >= 0 && holdsWinner(at, cell)) {
            return this;
        }
        // Deletion-indexing is a property of the key, so a replaced record keeps the deletion indexes as they were.
        boolean replaces = at >= 0;
        int index = replaces ? at : -at - 1;
        byte[] record = record(prefix, commonTimestamp, key, cell);
        if (replaces && tail.used == used && records.length - used >= record.length) {
            System.arraycopy(record, 0, records, used, record.length);
            int[] movedStarts = starts.clone();
            int[] movedEnds = ends.clone();
            movedStarts[index] = used;
            movedEnds[index] = used + record.length;
            tail.used = used + record.length;
            return new CompactEntries(prefix, commonTimestamp, records, movedStarts, movedEnds, deletions, tail, true);
        }
        return rebuilt(index, replaces, record, spareMax);
    }

    /**
     * These records with {@code record} at {@code index} (replacing the one there, or inserted), in a new
     * array without dead records. A partition written again while cached is likely written more: it gets
     * room for a few more records (a third of its size, at least two like this one, at most {@code spareMax})
     * to append them.
     */
    private CompactEntries rebuilt(int index, boolean replaces, byte[] record, long spareMax) {
        int count = size() + (replaces ? 0 : 1);
        long live = record.length;
        for (int i = 0; i < size(); i++) {
            live += i == index && replaces ? 0 : ends[i] - starts[i];
        }
        long spare = written ? Math.max(0, Math.min(spareMax, Math.max(live / 3, 2L * record.length))) : 0;
        byte[] merged = new byte[Math.toIntExact(Math.min(live + spare, Integer.MAX_VALUE - 16))];
        int[] mergedStarts = new int[count];
        int[] mergedEnds = new int[count];
        for (int i = 0, from = 0, at = 0; i < count; i++) {
            boolean isNew = i == index;
            byte[] source = isNew ? record : records;
            int start = isNew ? 0 : starts[from];
            int length = isNew ? record.length : ends[from] - start;
            from += isNew && !replaces ? 0 : 1;
            System.arraycopy(source, start, merged, at, length);
            mergedStarts[i] = at;
            at += length;
            mergedEnds[i] = at;
        }
        boolean indexed = (flagsOf(record) & DELETION_INDEXED) != 0;
        return new CompactEntries(prefix, commonTimestamp, merged, mergedStarts, mergedEnds,
                replaces ? deletions : insertDeletion(index, indexed), new Tail((int) live), true);
    }

    /** The deletion indexes once a record is inserted at {@code index}: those after it move up by one. */
    private int[] insertDeletion(int index, boolean indexed) {
        if (deletions.length == 0 && !indexed) {
            return NONE;
        }
        int[] moved = new int[deletions.length + (indexed ? 1 : 0)];
        int d = 0;
        for (int held : deletions) {
            if (held >= index) {
                break;
            }
            moved[d++] = held;
        }
        int before = d;
        if (indexed) {
            moved[d++] = index;
        }
        for (int i = before; i < deletions.length; i++) {
            moved[d++] = deletions[i] + 1;
        }
        return moved;
    }

    /** The entries with keys in {@code [from, to)}, in key order or reversed, at most {@code max}. */
    List<Entry> slice(long token, byte[] from, byte[] to, boolean reversed, int max) {
        int low = insertionPoint(from);
        int high = insertionPoint(to);
        int count = Math.min(Math.max(high - low, 0), max);
        List<Entry> found = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            found.add(entry(token, reversed ? high - 1 - i : low + i));
        }
        return found;
    }

    /** The partition deletion and range tombstone open bounds with keys in {@code [from, to)}, in key order. */
    List<Entry> deletions(long token, byte[] from, byte[] to) {
        if (deletions.length == 0) {
            return new ArrayList<>(0);
        }
        int low = insertionPoint(from);
        int high = insertionPoint(to);
        List<Entry> found = new ArrayList<>();
        for (int index : deletions) {
            if (index >= low && index < high) {
                found.add(entry(token, index));
            }
        }
        return found;
    }

    private Entry entry(long token, int index) {
        int at = skipVarint(records, starts[index]);
        int suffixLength = readVarint(records, starts[index]);
        byte[] key = Arrays.copyOf(prefix, prefix.length + suffixLength);
        System.arraycopy(records, at, key, prefix.length, suffixLength);
        return new Entry(new DecoratedKey(token, key), cellAt(at + suffixLength, ends[index]));
    }

    /**
     * Whether the record at {@code index} wins over {@code cell} ({@link Cell#reconcile} keeps it): told by
     * the timestamps in place, the record decoded (its value copied) only when they are equal.
     */
    private boolean holdsWinner(int index, Cell cell) {
        long held = timestampMicros(index);
        if (held != cell.timestampMicros()) {
            return held > cell.timestampMicros();
        }
        return Cell.reconcile(cell(index), cell) != cell;
    }

    private Cell cell(int index) {
        return cellAt(skipVarint(records, starts[index]) + readVarint(records, starts[index]), ends[index]);
    }

    /** The cell whose flags are at {@code at}, its record ending at {@code end}. */
    private Cell cellAt(int at, int end) {
        int flags = records[at];
        boolean common = (flags & COMMON_TIMESTAMP) != 0;
        long timestamp = common ? commonTimestamp : readLong(at + 1);
        int rest = at + (common ? 1 : 9);
        if ((flags & TOMBSTONE) != 0) {
            return Cell.tombstone(timestamp);
        }
        if ((flags & EXPIRING) != 0) {
            int ttl = readInt(rest);
            long expiresAt = readLong(rest + 4);
            return Cell.expiring(Arrays.copyOfRange(records, rest + 12, end), timestamp, ttl, expiresAt);
        }
        return Cell.value(Arrays.copyOfRange(records, rest, end), timestamp);
    }

    private int insertionPoint(byte[] key) {
        int at = search(key);
        return at >= 0 ? at : -at - 1;
    }

    /** Binary search by key bytes: the index, or {@code -(insertion point) - 1}. */
    private int search(byte[] key) {
        int common = Math.min(key.length, prefix.length);
        int byPrefix = Arrays.compareUnsigned(key, 0, common, prefix, 0, common);
        if (byPrefix < 0 || byPrefix == 0 && key.length < prefix.length) {
            return -1; // before every key of the partition (each begins with the prefix)
        }
        if (byPrefix > 0) {
            return -(size() + 1);
        }
        int low = 0;
        int high = size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int from = skipVarint(records, starts[mid]);
            int order = Arrays.compareUnsigned(key, prefix.length, key.length, records, from,
                    from + readVarint(records, starts[mid]));
            if (order > 0) {
                low = mid + 1;
            } else if (order < 0) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -(low + 1);
    }

    private static byte[] record(byte[] prefix, long commonTimestamp, byte[] key, Cell cell) {
        if (key.length < prefix.length || !Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
            throw new IllegalArgumentException("a cached entry's key must begin with its partition's prefix");
        }
        int suffixLength = key.length - prefix.length;
        int varint = suffixLength < 0x80 ? 1 : suffixLength < 0x4000 ? 2 : suffixLength < 0x200000 ? 3 : 4;
        byte[] value = cell.value();
        boolean common = cell.timestampMicros() == commonTimestamp;
        int flags = (cell.isTombstone() ? TOMBSTONE : 0) | (cell.isExpiring() ? EXPIRING : 0)
                | (EntryKeys.isDeletionIndexed(key, prefix.length) ? DELETION_INDEXED : 0)
                | (common ? COMMON_TIMESTAMP : 0);
        byte[] record = new byte[varint + suffixLength + 1 + (common ? 0 : 8) + (cell.isExpiring() ? 12 : 0)
                + (value == null ? 0 : value.length)];
        int at = 0;
        for (int rest = suffixLength; at < varint; at++, rest >>>= 7) {
            record[at] = (byte) (at + 1 < varint ? rest & 0x7F | 0x80 : rest);
        }
        System.arraycopy(key, prefix.length, record, at, suffixLength);
        at += suffixLength;
        record[at++] = (byte) flags;
        if (!common) {
            at = writeLong(record, at, cell.timestampMicros());
        }
        if (cell.isExpiring()) {
            at = writeLong(record, writeInt(record, at, cell.ttlSeconds()), cell.expiresAtSeconds());
        }
        if (value != null) {
            System.arraycopy(value, 0, record, at, value.length);
        }
        return record;
    }

    /** The records {@code encoded} (in key order) in one array, with {@code spare} bytes of room after them. */
    private static CompactEntries assemble(byte[] prefix, long commonTimestamp, byte[][] encoded, int spare,
                                           boolean written) {
        int[] starts = new int[encoded.length];
        int[] ends = new int[encoded.length];
        int deletionCount = 0;
        for (int i = 0, at = 0; i < encoded.length; i++) {
            starts[i] = at;
            at += encoded[i].length;
            ends[i] = at;
            deletionCount += (flagsOf(encoded[i]) & DELETION_INDEXED) != 0 ? 1 : 0;
        }
        int length = encoded.length == 0 ? 0 : ends[encoded.length - 1];
        byte[] records = new byte[length + spare];
        int[] deletions = deletionCount == 0 ? NONE : new int[deletionCount];
        for (int i = 0, d = 0; i < encoded.length; i++) {
            System.arraycopy(encoded[i], 0, records, starts[i], encoded[i].length);
            if ((flagsOf(encoded[i]) & DELETION_INDEXED) != 0) {
                deletions[d++] = i;
            }
        }
        return new CompactEntries(prefix, commonTimestamp, records, starts, ends, deletions, new Tail(length),
                written);
    }

    private static int flagsOf(byte[] record) {
        return record[skipVarint(record, 0) + readVarint(record, 0)];
    }

    /** The unsigned varint (seven bits a byte, low first, high bit set on all but the last) at {@code at}. */
    private static int readVarint(byte[] bytes, int at) {
        int value = 0;
        for (int shift = 0, i = at; ; shift += 7, i++) {
            value |= (bytes[i] & 0x7F) << shift;
            if (bytes[i] >= 0) {
                return value;
            }
        }
    }

    /** The index just past the varint at {@code at}. */
    private static int skipVarint(byte[] bytes, int at) {
        int i = at;
        while (bytes[i] < 0) {
            i++;
        }
        return i + 1;
    }

    private static int writeLong(byte[] to, int at, long v) {
        for (int i = 0; i < 8; i++) {
            to[at + i] = (byte) (v >>> (56 - 8 * i));
        }
        return at + 8;
    }

    private static int writeInt(byte[] to, int at, int v) {
        for (int i = 0; i < 4; i++) {
            to[at + i] = (byte) (v >>> (24 - 8 * i));
        }
        return at + 4;
    }

    private long readLong(int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | records[at + i] & 0xFF;
        }
        return v;
    }

    private int readInt(int at) {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = v << 8 | records[at + i] & 0xFF;
        }
        return v;
    }
}
