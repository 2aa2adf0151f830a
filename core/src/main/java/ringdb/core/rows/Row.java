package ringdb.core.rows;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import ringdb.core.schema.keys.Clustering;

/**
 * A live row as a read returns it: its clustering (empty for the static row), its live row marker
 * (null when the row exists only through its cells, or for the static row) and its live columns
 * by name (only the selected ones).
 */
public record Row(Clustering clustering, CellValue marker, SortedMap<String, ColumnData> columns) {
    /** The class of the read-only views {@link #of} makes, which need no copy. */
    private static final Class<?> READ_ONLY = Collections.unmodifiableSortedMap(new TreeMap<>()).getClass();

    public Row {
        if (!(columns.getClass() == READ_ONLY && columns.comparator() == null)) {
            columns = Collections.unmodifiableSortedMap(new TreeMap<>(columns));
        }
    }

    /** A selected column's data, or null when it has no live value. */
    public ColumnData column(String name) {
        return columns.get(name);
    }

    /** A selected column's value (collections assembled), or null when it has no live value. */
    public byte[] value(String name) {
        ColumnData data = columns.get(name);
        return data == null ? null : data.value();
    }

    /**
     * A row of a map the caller made for it and no longer uses: wrapped read-only, not copied (a
     * sorted map by name as it is, any other copied into one).
     */
    static Row of(Clustering clustering, CellValue marker, Map<String, ColumnData> columns) {
        TreeMap<String, ColumnData> sorted = columns instanceof TreeMap<String, ColumnData> tree
                && tree.comparator() == null ? tree : new TreeMap<>(columns);
        return new Row(clustering, marker, Collections.unmodifiableSortedMap(sorted));
    }

    @Override
    public String toString() {
        return "Row" + clustering + (marker == null ? "" : " marker " + marker) + " " + List.copyOf(columns.keySet());
    }
}
