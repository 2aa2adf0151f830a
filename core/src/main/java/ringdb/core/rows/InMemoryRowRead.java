package ringdb.core.rows;

import java.nio.charset.StandardCharsets;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.RowKeyFormat;
import ringdb.core.schema.keys.Slice;
import ringdb.core.store.PartitionRecords;

/**
 * The row of a table without clustering columns read straight from its partition's records as a store
 * holds them in memory ({@link PartitionRecords}): one walk over the records, no object per entry, with
 * the answer {@link PartitionReader} gives for the same entries — the partition deletion and the row
 * deletion cover what they shadow, a row marker or any live cell makes the row exist, expired cells and
 * cells of dropped columns are skipped, and the selected live columns come out by name.
 *
 * <p>It answers only what it reads the same way: a first-page read of the one row ({@link Slice#ALL}).
 * A partition holding anything else (static cells, collection elements, range tombstones, a key it
 * does not know) makes it decline (null), and the caller reads the general way.
 */
public final class InMemoryRowRead {
    private static final int NONE = -1;

    private InMemoryRowRead() {
    }

    /**
     * What a read of a row found: whether the row exists, and its selected live columns by name
     * ({@code count} of them), each with the index of its record.
     */
    public record Found(boolean exists, String[] names, int[] records, int count) {
    }

    /** Whether {@code command} is a read this class may answer (the partition may still make it decline). */
    public static boolean reads(ReadCommand command) {
        return command.table().clustering().isEmpty() && command.pagingAfter() == null
                && command.slices().size() == 1 && command.slices().get(0).equals(Slice.ALL);
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
                nowSeconds), firstCell);
    }

    /** The live cells of the row from record {@code first} on (the cells follow every other record of a row). */
    private static Found cells(ReadCommand command, PartitionRecords records, long nowSeconds, long deletedAt,
                               boolean markerLive, int first) {
        TableMetadata table = command.table();
        byte[] bytes = records.bytes();
        int most = first == NONE ? 0 : records.size() - first;
        String[] names = new String[most];
        int[] indexes = new int[most];
        int count = 0;
        boolean exists = markerLive;
        for (int i = first; first != NONE && i < records.size(); i++) {
            int start = records.suffixStart(i) + 2;
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
        return new Found(exists, names, indexes, count);
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
