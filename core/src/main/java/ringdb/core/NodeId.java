package ringdb.core;

import java.util.Objects;

/** The stable name of a node ("node1", a host id...). Compared by value; ordered by name. */
public record NodeId(String id) implements Comparable<NodeId> {
    public NodeId {
        Objects.requireNonNull(id, "id");
        if (id.isEmpty() || id.length() > 255) {
            throw new IllegalArgumentException("node id must be 1..255 characters, got " + id.length());
        }
    }

    public static NodeId of(String id) {
        return new NodeId(id);
    }

    @Override
    public int compareTo(NodeId other) {
        return id.compareTo(other.id);
    }

    @Override
    public String toString() {
        return id;
    }
}
