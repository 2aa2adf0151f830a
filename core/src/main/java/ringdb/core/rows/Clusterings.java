package ringdb.core.rows;

import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.Slice;

/** Clustering order of full clusterings against prefixes, as slices and range tombstones use it. */
final class Clusterings {
    private Clusterings() {
    }

    /** Clustering order of {@code row} against {@code prefix}: 0 when the row begins with it. */
    static int comparePrefix(TableMetadata table, Clustering row, Clustering prefix) {
        for (int i = 0; i < prefix.size(); i++) {
            ColumnMetadata c = table.clustering().get(i);
            int cmp = c.type().compare(row.values().get(i), prefix.values().get(i));
            if (cmp != 0) {
                return c.descending() ? -cmp : cmp;
            }
        }
        return 0;
    }

    /** Clustering order of two full clusterings. */
    static int compare(TableMetadata table, Clustering a, Clustering b) {
        return comparePrefix(table, a, b);
    }

    /** Whether the row lies in the slice (an inclusive prefix bound takes the rows that begin with it). */
    static boolean inSlice(TableMetadata table, Clustering row, Slice slice) {
        int start = comparePrefix(table, row, slice.start());
        int end = comparePrefix(table, row, slice.end());
        return (start > 0 || (start == 0 && slice.startInclusive())) && (end < 0 || (end == 0 && slice.endInclusive()));
    }
}
