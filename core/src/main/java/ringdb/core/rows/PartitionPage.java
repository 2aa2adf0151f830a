package ringdb.core.rows;

import java.util.List;
import ringdb.core.schema.ColumnKind;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.keys.Clustering;

/**
 * What a read of one partition returns: the live rows in read order, the static row (null when
 * it has no live selected cell, and on pages after the first), and where the next page resumes:
 * {@code resumeAfter}, the clustering of the last row examined (returned, or skipped as deleted
 * when the entries given ended), and {@code exhausted} when there is no next page.
 */
public record PartitionPage(List<Row> rows, Row staticRow, Clustering resumeAfter, boolean exhausted) {
    public PartitionPage {
        rows = List.copyOf(rows);
    }

    /**
     * The elements of the non-frozen collection {@code column} in the static row (a static column) or
     * the first row, in collection order; empty when the page holds none (the read of
     * {@link ReadCommand#ofList}).
     */
    public List<ColumnData.Element> listElements(ColumnMetadata column) {
        Row row = column.kind() == ColumnKind.STATIC ? staticRow : rows.isEmpty() ? null : rows.get(0);
        ColumnData data = row == null ? null : row.column(column.name());
        return data == null || data.elements() == null ? List.of() : data.elements();
    }
}
