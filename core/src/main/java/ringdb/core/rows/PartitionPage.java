package ringdb.core.rows;

import java.util.List;
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
}
