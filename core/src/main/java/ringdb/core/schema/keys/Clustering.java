package ringdb.core.schema.keys;

import java.util.List;

/**
 * Clustering values in their serialized (native protocol) form: a full row's values, or a prefix
 * of them in a slice bound. Arrays must not be modified.
 */
public record Clustering(List<byte[]> values) {
    public static final Clustering EMPTY = new Clustering(List.of());

    public Clustering {
        values = List.copyOf(values);
    }

    public static Clustering of(byte[]... values) {
        return new Clustering(List.of(values));
    }

    public int size() {
        return values.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Clustering other && Values.equal(values, other.values);
    }

    @Override
    public int hashCode() {
        return Values.hash(values);
    }

    @Override
    public String toString() {
        return "Clustering" + Values.hex(values);
    }
}
