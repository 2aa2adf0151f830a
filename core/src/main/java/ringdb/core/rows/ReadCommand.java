package ringdb.core.rows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.schema.ColumnKind;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.keys.Slice;

/**
 * A read of one partition: its clustering {@code slices} (in clustering order, not overlapping),
 * the selected static and regular {@code columns} (null = all), the order ({@code reversed} =
 * last row first), the most rows to return ({@code rowLimit}, and {@code perPartitionLimit}; 0 =
 * no limit) and where a page resumes ({@code pagingAfter}: the clustering of the last row the
 * previous page returned, null for the first page; the static row comes with the first page only).
 */
public record ReadCommand(TableMetadata table, PartitionKey partitionKey, List<Slice> slices, Set<String> columns,
                          boolean reversed, int rowLimit, int perPartitionLimit, Clustering pagingAfter) {
    public ReadCommand {
        slices = List.copyOf(slices);
        columns = columns == null ? null : Collections.unmodifiableSet(new LinkedHashSet<>(columns));
        if (rowLimit < 0 || perPartitionLimit < 0) {
            throw new InvalidRequestException("a row limit must not be negative, got " + Math.min(rowLimit,
                    perPartitionLimit));
        }
        if (columns != null) {
            for (String column : columns) {
                ColumnMetadata c = table.columnOrThrow(column);
                if (c.kind().isPrimaryKey()) {
                    throw new InvalidRequestException("column '" + column + "' is part of the primary key: every row"
                            + " read carries it; select static and regular columns");
                }
            }
        }
    }

    /** Every row and the static row of a partition, all columns, forward, no limit. */
    public static ReadCommand partition(TableMetadata table, PartitionKey key) {
        return new ReadCommand(table, key, List.of(Slice.ALL), null, false, 0, 0, null);
    }

    /**
     * The read a write by list index needs first ({@code l[i] = v}, {@code DELETE l[i]}): list
     * {@code column} of {@code row}, or of the static row when the column is static; its page's
     * {@link PartitionPage#listElements} are the elements the write names by index.
     */
    public static ReadCommand ofList(TableMetadata table, PartitionKey key, Clustering row, String column) {
        boolean isStatic = table.columnOrThrow(column).kind() == ColumnKind.STATIC;
        Slice slice = isStatic || row.values().isEmpty() ? Slice.ALL : Slice.prefix(row);
        return new ReadCommand(table, key, List.of(slice), Set.of(column), false, 1, 0, null);
    }

    /** The same read resuming after the row with {@code clustering} (a page's position). */
    public ReadCommand after(Clustering clustering) {
        return new ReadCommand(table, partitionKey, slices, columns, reversed, rowLimit, perPartitionLimit,
                clustering);
    }

    /** The same read with {@code limit} rows at most. */
    public ReadCommand withRowLimit(int limit) {
        return new ReadCommand(table, partitionKey, slices, columns, reversed, limit, perPartitionLimit, pagingAfter);
    }

    /** The most rows this read returns (the lesser limit), {@link Integer#MAX_VALUE} for none. */
    public int effectiveLimit() {
        int a = rowLimit == 0 ? Integer.MAX_VALUE : rowLimit;
        int b = perPartitionLimit == 0 ? Integer.MAX_VALUE : perPartitionLimit;
        return Math.min(a, b);
    }

    /** Whether {@code column} is selected. */
    public boolean selects(String column) {
        return columns == null || columns.contains(column);
    }

    /**
     * The storage key ranges the read needs: first the partition deletion and static row (first
     * page only), then each slice in read order (the last first when reversed), trimmed to what
     * comes after the paging position. Storage reads each with
     * {@code slice(token, start, end, reversed, max)}; a page cut by the entry limit must hold the
     * static row whole (else {@link PartitionReader} returns an empty page without a position).
     */
    public List<KeyRange> storageRanges() {
        return storageRanges(new RowKeys(table, serialized -> {
            throw new IllegalStateException("storage key ranges are built without a token");
        }));
    }

    /**
     * As {@link #storageRanges()}, encoding with {@code keys} (of this command's table): a caller that
     * encoded the partition key with them already has it encoded once.
     */
    public List<KeyRange> storageRanges(RowKeys keys) {
        List<KeyRange> out = new ArrayList<>();
        byte[] resume = pagingAfter == null ? null : keys.rowPrefix(partitionKey, pagingAfter);
        for (Slice slice : slices) {
            KeyRange range = keys.slice(partitionKey, slice);
            byte[] start = range.start();
            byte[] end = range.end();
            if (resume != null && !reversed) {
                byte[] after = KeyRange.prefixEnd(resume);
                start = Arrays.compareUnsigned(after, start) > 0 ? after : start;
            } else if (resume != null) {
                end = Arrays.compareUnsigned(resume, end) < 0 ? resume : end;
            }
            KeyRange trimmed = new KeyRange(start, end);
            if (!trimmed.isEmpty()) {
                out.add(trimmed);
            }
        }
        if (reversed) {
            Collections.reverse(out);
        }
        if (pagingAfter == null) {
            out.add(0, new KeyRange(keys.partitionPrefix(partitionKey), keys.rows(partitionKey).start()));
        }
        return out;
    }
}
