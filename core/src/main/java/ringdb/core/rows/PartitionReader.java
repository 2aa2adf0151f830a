package ringdb.core.rows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ringdb.core.data.Cell;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.DecodedKey;
import ringdb.core.schema.keys.RowKeyDecoder;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.keys.Slice;
import ringdb.core.store.LocalStore;

/**
 * Turns the reconciled entries of a partition's slices into rows (docs/data-model.md, "Reading
 * rows"). Its input is what storage gives: the entries of the command's
 * {@link ReadCommand#storageRanges() ranges} (tombstones included, in either order) and the
 * partition's range tombstones (its deletion and the range tombstone bounds, so that a slice that
 * starts inside a range tombstone learns of it). It applies every deletion — partition, range,
 * row, collection, cell — to what it covers (entries at or before the deletion's timestamp) and
 * TTL expiry at {@code nowSeconds}, skips cells of dropped columns, and returns the live rows in
 * read order up to the command's limit with the position the next page resumes after. Pure.
 */
public final class PartitionReader {
    private PartitionReader() {
    }

    /**
     * Reads {@code command}'s rows out of {@code entries}. {@code complete} says the entries hold
     * all of the command's ranges; when false (storage stopped at its entry limit) the last row in
     * read order may be cut, so it is left for the next page, and when the entries hold no row at
     * all the static row may be cut too: the page is then empty, with no position (read again with
     * a larger entry limit).
     */
    public static PartitionPage read(ReadCommand command, List<LocalStore.Entry> entries,
                                     List<LocalStore.Entry> rangeTombstones, long nowSeconds, boolean complete) {
        return read(command, partitionPrefix(command), entries, rangeTombstones, nowSeconds, complete);
    }

    /**
     * As {@link #read(ReadCommand, List, List, long, boolean)}, given the key every entry of the command's
     * partition begins with ({@code RowKeys#partitionPrefix}, as the reader encoded it to read the entries;
     * null: each key is decoded whole).
     */
    public static PartitionPage read(ReadCommand command, byte[] prefix, List<LocalStore.Entry> entries,
                                     List<LocalStore.Entry> rangeTombstones, long nowSeconds, boolean complete) {
        TableMetadata table = command.table();
        Deletions deletions = new Deletions(table);
        List<Decoded> decoded = new ArrayList<>(entries.size());
        for (LocalStore.Entry entry : rangeTombstones) {
            deletions.learn(decode(command, prefix, entry));
        }
        for (LocalStore.Entry entry : entries) {
            Decoded d = decode(command, prefix, entry);
            if (!deletions.learn(d)) {
                decoded.add(d);
            }
        }
        if (!inKeyOrder(decoded)) {
            decoded.sort((a, b) -> Arrays.compareUnsigned(a.entry.key().key(), b.entry.key().key()));
        }
        List<List<Decoded>> rowGroups = new ArrayList<>();
        List<Decoded> statics = new ArrayList<>();
        for (int i = 0; i < decoded.size(); i++) {
            Decoded d = decoded.get(i);
            if (d.key.kind() == DecodedKey.Kind.STATIC_CELL) {
                statics.add(d);
            } else if (!rowGroups.isEmpty()
                    && rowGroups.get(rowGroups.size() - 1).get(0).key.clustering().equals(d.key.clustering())) {
                rowGroups.get(rowGroups.size() - 1).add(d);
            } else {
                // room for a row of up to 16 entries (a row read's whole answer) without growing
                List<Decoded> group = new ArrayList<>(Math.min(16, decoded.size() - i));
                group.add(d);
                rowGroups.add(group);
            }
        }
        if (command.reversed()) {
            Collections.reverse(rowGroups);
        }
        if (!complete && rowGroups.isEmpty()) {
            return new PartitionPage(List.of(), null, null, false);
        }
        if (!complete) {
            rowGroups.remove(rowGroups.size() - 1);
        }
        Row staticRow = command.pagingAfter() == null ? build(command, Clustering.EMPTY, statics,
                deletions.partitionDeletion, nowSeconds) : null;
        return rows(command, rowGroups, deletions, nowSeconds, staticRow, complete);
    }

    private static PartitionPage rows(ReadCommand command, List<List<Decoded>> rowGroups, Deletions deletions,
                                      long nowSeconds, Row staticRow, boolean complete) {
        int limit = command.effectiveLimit();
        List<Row> rows = new ArrayList<>();
        Clustering resume = null;
        for (List<Decoded> group : rowGroups) {
            Clustering clustering = group.get(0).key.clustering();
            if (!deletions.inSlices(command, clustering) || !deletions.afterPaging(command, clustering)) {
                continue;
            }
            if (rows.size() == limit) {
                return new PartitionPage(rows, staticRow, resume, false);
            }
            resume = clustering;
            Row row = build(command, clustering, group, deletions.rowDeletion(clustering), nowSeconds);
            if (row != null) {
                rows.add(row);
            }
        }
        boolean exhausted = complete && rows.size() < limit;
        return new PartitionPage(rows, staticRow, resume, exhausted);
    }

    /** A row (or the static row) from its entries, or null when nothing of it is live. */
    private static Row build(ReadCommand command, Clustering clustering, List<Decoded> group, long deletedAt,
                             long nowSeconds) {
        TableMetadata table = command.table();
        long rowDeletedAt = deletedAt;
        for (Decoded d : group) {
            if (d.key.kind() == DecodedKey.Kind.ROW_DELETION && d.cell().isTombstone()) {
                rowDeletedAt = Math.max(rowDeletedAt, d.cell().timestampMicros());
            }
        }
        CellValue marker = null;
        Map<String, Long> collectionDeletedAt = null; // made for the first collection deletion
        for (Decoded d : group) {
            if (d.key.kind() == DecodedKey.Kind.ROW_MARKER && live(d.cell(), rowDeletedAt, nowSeconds)) {
                marker = CellValue.of(d.cell());
            } else if (isCellKind(d) && d.key.elementKey() == null && d.cell().isTombstone()) {
                if (collectionDeletedAt == null) {
                    collectionDeletedAt = new HashMap<>();
                }
                collectionDeletedAt.merge(d.key.column(), d.cell().timestampMicros(), Math::max);
            }
        }
        Map<String, ColumnData> columns = new TreeMap<>(); // a row's columns come out by name
        boolean anyLive = marker != null;
        Map<String, List<ColumnData.Element>> elements = null; // made for the first element
        for (Decoded d : group) {
            ColumnMetadata column = isCellKind(d) ? table.liveColumn(d.key.column(), d.cell().timestampMicros())
                    : null;
            if (column == null) {
                continue;
            }
            long coveredUpTo = d.key.elementKey() == null ? rowDeletedAt : Math.max(rowDeletedAt,
                    collectionDeletedAt == null ? Long.MIN_VALUE
                            : collectionDeletedAt.getOrDefault(d.key.column(), Long.MIN_VALUE));
            if (!live(d.cell(), coveredUpTo, nowSeconds)) {
                continue;
            }
            anyLive = true;
            if (!command.selects(column.name())) {
                continue;
            }
            if (column.type().isMultiCell() && d.key.elementKey() != null) {
                if (elements == null) {
                    elements = new LinkedHashMap<>();
                }
                elements.computeIfAbsent(column.name(), n -> new ArrayList<>())
                        .add(new ColumnData.Element(d.key.elementKey(), CellValue.of(d.cell())));
            } else if (!column.type().isMultiCell()) {
                columns.put(column.name(), new ColumnData(column, CellValue.of(d.cell()), null));
            }
        }
        if (elements != null) {
            elements.forEach((name, list) -> columns.put(name, new ColumnData(table.addedColumns().get(name), null,
                    list)));
        }
        if (!anyLive) {
            return null;
        }
        return Row.of(clustering, marker, columns);
    }

    /** Whether the entries are in ascending key order already (a forward read's are: no sort then). */
    private static boolean inKeyOrder(List<Decoded> decoded) {
        for (int i = 1; i < decoded.size(); i++) {
            if (Arrays.compareUnsigned(decoded.get(i - 1).entry.key().key(), decoded.get(i).entry.key().key()) > 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isCellKind(Decoded d) {
        return d.key.kind() == DecodedKey.Kind.CELL || d.key.kind() == DecodedKey.Kind.STATIC_CELL;
    }

    /** A value that has not expired and is newer than every deletion covering it. */
    private static boolean live(Cell cell, long deletedAtMicros, long nowSeconds) {
        return cell.isLiveAt(nowSeconds) && cell.timestampMicros() > deletedAtMicros;
    }

    /** The key every entry of the command's partition begins with; null when it cannot be made (all decoded whole). */
    private static byte[] partitionPrefix(ReadCommand command) {
        try {
            return new RowKeys(command.table(), serialized -> 0L).partitionPrefix(command.partitionKey());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Decoded decode(ReadCommand command, byte[] partitionPrefix, LocalStore.Entry entry) {
        byte[] bytes = entry.key().key();
        DecodedKey key = partitionPrefix == null ? RowKeyDecoder.decode(command.table(), bytes)
                : RowKeyDecoder.decodeInPartition(command.table(), command.partitionKey(), partitionPrefix, bytes);
        if (key.partitionKey() != command.partitionKey() && !key.partitionKey().equals(command.partitionKey())) {
            throw new IllegalArgumentException("an entry of partition " + key.partitionKey() + " in a read of "
                    + command.partitionKey());
        }
        return new Decoded(entry, key);
    }

    private record Decoded(LocalStore.Entry entry, DecodedKey key) {
        Cell cell() {
            return entry.cell();
        }
    }

    /** The partition deletion and range tombstones a read learnt, and what they cover. */
    private static final class Deletions {
        private final TableMetadata table;
        private final List<Slice> ranges = new ArrayList<>();
        private final List<Long> rangeDeletedAt = new ArrayList<>();
        private long partitionDeletion = Long.MIN_VALUE;

        Deletions(TableMetadata table) {
            this.table = table;
        }

        /** Takes a partition deletion or range tombstone bound; false for any other entry. */
        boolean learn(Decoded d) {
            DecodedKey.Kind kind = d.key.kind();
            if (kind == DecodedKey.Kind.PARTITION_DELETION) {
                if (d.cell().isTombstone()) {
                    partitionDeletion = Math.max(partitionDeletion, d.cell().timestampMicros());
                }
                return true;
            }
            if (kind == DecodedKey.Kind.RANGE_TOMBSTONE_OPEN || kind == DecodedKey.Kind.RANGE_TOMBSTONE_CLOSE) {
                if (d.cell().isTombstone()) {
                    ranges.add(d.key.slice());
                    rangeDeletedAt.add(d.cell().timestampMicros());
                }
                return true;
            }
            return false;
        }

        /** The latest deletion covering a row: of the partition, or of a range holding it. */
        long rowDeletion(Clustering row) {
            long at = partitionDeletion;
            for (int i = 0; i < ranges.size(); i++) {
                if (rangeDeletedAt.get(i) > at && Clusterings.inSlice(table, row, ranges.get(i))) {
                    at = rangeDeletedAt.get(i);
                }
            }
            return at;
        }

        boolean inSlices(ReadCommand command, Clustering row) {
            for (Slice slice : command.slices()) {
                if (Clusterings.inSlice(table, row, slice)) {
                    return true;
                }
            }
            return false;
        }

        boolean afterPaging(ReadCommand command, Clustering row) {
            if (command.pagingAfter() == null) {
                return true;
            }
            int cmp = Clusterings.compare(table, row, command.pagingAfter());
            return command.reversed() ? cmp < 0 : cmp > 0;
        }
    }
}
