package ringdb.core.rows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.types.CollectionType;
import ringdb.core.schema.types.ListType;
import ringdb.core.schema.types.MapType;

/**
 * One column of a row as a read returns it: a simple or frozen column's live {@code cell}, or a
 * non-frozen collection's live {@code elements} in element order (never empty: a collection
 * without live elements is absent, as in Cassandra).
 */
public record ColumnData(ColumnMetadata column, CellValue cell, List<Element> elements) {
    /** A live element of a non-frozen collection: its cell key (list: timeuuid; set: the element; map: the key). */
    public record Element(byte[] key, CellValue cell) {
    }

    public ColumnData {
        elements = elements == null ? null : List.copyOf(elements);
    }

    public boolean isCollection() {
        return elements != null;
    }

    /**
     * The column's value in its native protocol serialization: the cell's value, or the
     * collection assembled from its elements (list: the values in element order; set: the keys;
     * map: key and value pairs).
     */
    public byte[] value() {
        if (!isCollection()) {
            return cell.value();
        }
        CollectionType type = (CollectionType) column.type();
        boolean pairs = type instanceof MapType;
        boolean values = type instanceof ListType;
        List<byte[]> parts = new ArrayList<>();
        for (Element e : elements) {
            if (pairs) {
                parts.add(e.key());
                parts.add(e.cell().value());
            } else {
                parts.add(values ? e.cell().value() : e.key());
            }
        }
        int size = 4;
        for (byte[] p : parts) {
            size += 4 + p.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).putInt(elements.size());
        for (byte[] p : parts) {
            out.putInt(p.length).put(p);
        }
        return out.array();
    }

    /** The newest timestamp among the column's cells (CQL's {@code WRITETIME} of a simple column). */
    public long timestampMicros() {
        if (!isCollection()) {
            return cell.timestampMicros();
        }
        long newest = Long.MIN_VALUE;
        for (Element e : elements) {
            newest = Math.max(newest, e.cell().timestampMicros());
        }
        return newest;
    }
}
