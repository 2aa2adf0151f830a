package ringdb.core.rows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.RowKeyFormat;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.keys.Slice;
import ringdb.core.schema.types.OrderedReader;
import ringdb.core.store.PartitionRecords;

/**
 * Rows of a table read straight from their partition's records as a store holds them in memory
 * ({@link PartitionRecords}): a walk over the records, no object per entry, with the answer
 * {@link PartitionReader} gives for the same entries — the partition deletion and the row deletion cover
 * what they shadow, a row marker or any live cell makes the row exist, expired cells and cells of dropped
 * columns are skipped, and the selected live columns come out by name.
 *
 * <p>It answers only what it reads the same way: a first-page read — of the one row of a table without
 * clustering columns ({@link Slice#ALL}), or of clustering slices of a table with them (a row by its full
 * clustering, bounds inclusive or exclusive, forward or reversed, a row limit), whose rows it finds by
 * binary search. A partition holding anything else (static cells, collection elements, range tombstones,
 * a key it does not know) makes it decline (null), and the caller reads the general way.
 */
public final class InMemoryRowRead {
    private static final int NONE = -1;

    private InMemoryRowRead() {
    }

    /**
     * What a read of a row found: whether the row exists, its clustering ({@link Clustering#EMPTY} without
     * clustering columns), and its selected live columns by name ({@code count} of them), each with the index
     * of its record.
     */
    public record Found(boolean exists, String[] names, int[] records, int count, Clustering clustering) {
    }

    /** Whether {@code command} is a read this class may answer (the partition may still make it decline). */
    public static boolean reads(ReadCommand command) {
        if (command.pagingAfter() != null) {
            return false;
        }
        if (command.table().clustering().isEmpty()) {
            return command.slices().size() == 1 && command.slices().get(0).equals(Slice.ALL);
        }
        return !command.slices().isEmpty();
    }

    /**
     * The rows {@code command} (one of {@link #reads}) finds in {@code records} (its partition's, {@code keys}
     * of its table) at {@code nowSeconds}: the existing rows in read order, at most its limit; null to decline.
     */
    public static List<Found> rows(ReadCommand command, RowKeys keys, PartitionRecords records, long nowSeconds) {
        if (command.table().clustering().isEmpty()) {
            Found found = read(command, records, nowSeconds);
            return found == null ? null : found.exists() ? List.of(found) : List.of();
        }
        if (!reads(command) || records.rangeTombstoneOpenBounds() != 0) {
            return null;
        }
        int first = 0;
        long partitionDeletedAt = Long.MIN_VALUE;
        if (records.size() > 0 && records.suffixEnd(0) - records.suffixStart(0) == 1
                && (records.bytes()[records.suffixStart(0)] & 0xFF) == RowKeyFormat.PARTITION_DELETION) {
            partitionDeletedAt = records.isTombstone(0) ? records.timestampMicros(0) : Long.MIN_VALUE;
            first = 1;
        }
        if (first < records.size() && (records.bytes()[records.suffixStart(first)] & 0xFF) != RowKeyFormat.ROWS) {
            return null; // static cells: the general way
        }
        List<KeyRange> ranges = command.storageRanges(keys);
        List<Found> out = new ArrayList<>();
        int limit = command.effectiveLimit();
        for (int r = 1; r < ranges.size() && out.size() < limit; r++) { // the first: partition deletion, static row
            int low = Math.max(first, records.firstAtOrAfter(ranges.get(r).start()));
            int high = records.firstAtOrAfter(ranges.get(r).end());
            if (!slice(command, records, nowSeconds, partitionDeletedAt, low, high, limit, out)) {
                return null;
            }
        }
        return out;
    }

    /**
     * Adds to {@code out} the existing rows of records {@code [low, high)} (whole rows of one slice) in the
     * command's order until it holds {@code limit}; false to decline.
     */
    private static boolean slice(ReadCommand command, PartitionRecords records, long nowSeconds,
                                 long partitionDeletedAt, int low, int high, int limit, List<Found> out) {
        boolean reversed = command.reversed();
        int at = reversed ? high - 1 : low;
        while (reversed ? at >= low : at < high) {
            if (out.size() >= limit) {
                return true;
            }
            OrderedReader in = new OrderedReader(records.bytes(), records.suffixStart(at) + 1, records.suffixEnd(at));
            Clustering clustering = clustering(command.table(), in);
            if (clustering == null) {
                return false; // a range tombstone bound
            }
            int rowBytes = in.position() - records.suffixStart(at);
            int from = at;
            int to = at + 1;
            while (from > low && sameRow(records, from - 1, at, rowBytes)) {
                from--;
            }
            while (to < high && sameRow(records, to, at, rowBytes)) {
                to++;
            }
            Found found = row(command, records, nowSeconds, partitionDeletedAt, from, to, rowBytes, clustering);
            if (found == null) {
                return false;
            }
            if (found.exists()) {
                out.add(found);
            }
            at = reversed ? from - 1 : to;
        }
        return true;
    }

    /** The full clustering of a row entry read by {@code in}, which is left after it; null when not a row's. */
    private static Clustering clustering(TableMetadata table, OrderedReader in) {
        List<ColumnMetadata> columns = table.clustering();
        byte[][] values = new byte[columns.size()][];
        for (int i = 0; i < values.length; i++) {
            if (in.peek() != RowKeyFormat.COMPONENT) {
                return null;
            }
            in.readByte();
            values[i] = columns.get(i).type().decodeOrdered(in, columns.get(i).descending());
        }
        return new Clustering(Arrays.asList(values));
    }

    /** Whether record {@code index} begins with the {@code rowBytes} key bytes of record {@code of} (its row). */
    private static boolean sameRow(PartitionRecords records, int index, int of, int rowBytes) {
        int start = records.suffixStart(index);
        int ofStart = records.suffixStart(of);
        return records.suffixEnd(index) - start > rowBytes && Arrays.equals(records.bytes(), start, start + rowBytes,
                records.bytes(), ofStart, ofStart + rowBytes);
    }

    /**
     * The row of records {@code [from, to)}, each of them the row's clustering ({@code rowBytes} key bytes) then
     * its entry; null to decline (a collection element, a range tombstone bound).
     */
    private static Found row(ReadCommand command, PartitionRecords records, long nowSeconds, long partitionDeletedAt,
                             int from, int to, int rowBytes, Clustering clustering) {
        byte[] bytes = records.bytes();
        long deletedAt = partitionDeletedAt;
        int marker = NONE;
        int firstCell = NONE;
        for (int i = from; i < to; i++) {
            int start = records.suffixStart(i) + rowBytes;
            int end = records.suffixEnd(i);
            int kind = bytes[start] & 0xFF;
            if (kind == RowKeyFormat.ROW_DELETION && end - start == 1) {
                deletedAt = records.isTombstone(i) ? Math.max(deletedAt, records.timestampMicros(i)) : deletedAt;
            } else if (kind == RowKeyFormat.ROW_MARKER && end - start == 1) {
                marker = i;
            } else if (kind == RowKeyFormat.CELL && nameEnd(bytes, start + 1, end) == end - 2) {
                firstCell = firstCell == NONE ? i : firstCell;
            } else {
                return null;
            }
        }
        boolean markerLive = marker != NONE && live(records, marker, deletedAt, nowSeconds);
        return cells(command, records, nowSeconds, deletedAt, markerLive, firstCell, to, rowBytes + 1, clustering);
    }

    /** {@code command}'s row in {@code records} (its partition's) at {@code nowSeconds}; null to decline. */
    public static Found read(ReadCommand command, PartitionRecords records, long nowSeconds) {
        if (!reads(command)) {
            return null;
        }
        byte[] bytes = records.bytes();
        int size = records.size();
        long deletedAt = Long.MIN_VALUE;
        int marker = NONE;
        int firstCell = NONE;
        for (int i = 0; i < size; i++) {
            int start = records.suffixStart(i);
            int length = records.suffixEnd(i) - start;
            int section = length == 0 ? NONE : bytes[start] & 0xFF;
            int kind = length < 2 ? NONE : bytes[start + 1] & 0xFF;
            if (section == RowKeyFormat.PARTITION_DELETION && length == 1
                    || section == RowKeyFormat.ROWS && kind == RowKeyFormat.ROW_DELETION && length == 2) {
                if (records.isTombstone(i)) {
                    deletedAt = Math.max(deletedAt, records.timestampMicros(i));
                }
            } else if (section == RowKeyFormat.ROWS && kind == RowKeyFormat.ROW_MARKER && length == 2) {
                marker = i;
            } else if (section == RowKeyFormat.ROWS && kind == RowKeyFormat.CELL && nameEnd(bytes, start + 2,
                    start + length) == start + length - 2) {
                firstCell = firstCell == NONE ? i : firstCell;
            } else {
                return null; // static cells, collection elements, range tombstones, clustering: the general way
            }
        }
        return cells(command, records, nowSeconds, deletedAt, marker != NONE && live(records, marker, deletedAt,
                nowSeconds), firstCell, size, 2, Clustering.EMPTY);
    }

    /**
     * The live cells of the row in records {@code [first, end)} (the cells follow every other record of a row),
     * each name {@code nameAt} bytes into its key suffix.
     */
    private static Found cells(ReadCommand command, PartitionRecords records, long nowSeconds, long deletedAt,
                               boolean markerLive, int first, int end, int nameAt, Clustering clustering) {
        TableMetadata table = command.table();
        byte[] bytes = records.bytes();
        int most = first == NONE ? 0 : end - first;
        String[] names = new String[most];
        int[] indexes = new int[most];
        int count = 0;
        boolean exists = markerLive;
        for (int i = first; first != NONE && i < end; i++) {
            int start = records.suffixStart(i) + nameAt;
            String name = new String(bytes, start, records.suffixEnd(i) - 2 - start, StandardCharsets.UTF_8);
            ColumnMetadata column = table.liveColumn(name, records.timestampMicros(i));
            if (column == null || !live(records, i, deletedAt, nowSeconds)) {
                continue;
            }
            exists = true;
            if (command.selects(column.name()) && !column.type().isMultiCell()) {
                names[count] = column.name();
                indexes[count++] = i;
            }
        }
        sortByName(names, indexes, count);
        return new Found(exists, names, indexes, count, clustering);
    }

    /** The names in {@link String} order, as a row's columns come out; the records' key order is almost always it. */
    private static void sortByName(String[] names, int[] indexes, int count) {
        for (int i = 1; i < count; i++) {
            String name = names[i];
            int index = indexes[i];
            int j = i - 1;
            while (j >= 0 && names[j].compareTo(name) > 0) {
                names[j + 1] = names[j];
                indexes[j + 1] = indexes[j];
                j--;
            }
            names[j + 1] = name;
            indexes[j + 1] = index;
        }
    }

    /**
     * Where the escaped column name at {@code from} ends (its terminator 0x00 0x01), when it holds no
     * escaped zero byte (so its bytes are its UTF-8 name); {@link #NONE} otherwise.
     */
    private static int nameEnd(byte[] bytes, int from, int end) {
        for (int i = from; i + 1 < end; i++) {
            if (bytes[i] == 0) {
                return bytes[i + 1] == 1 ? i : NONE;
            }
        }
        return NONE;
    }

    /** A value that has not expired and is newer than every deletion covering it. */
    private static boolean live(PartitionRecords records, int index, long deletedAtMicros, long nowSeconds) {
        if (records.isTombstone(index) || records.timestampMicros(index) <= deletedAtMicros) {
            return false;
        }
        long expiresAt = records.expiresAtSeconds(index);
        return expiresAt == 0 || nowSeconds < expiresAt;
    }
}
