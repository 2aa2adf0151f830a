package ringdb.sim;

import ringdb.core.NodeId;

/** A directed link between two nodes of the simulated network. */
public record Link(NodeId from, NodeId to) implements Comparable<Link> {
    @Override
    public int compareTo(Link other) {
        int byFrom = from.compareTo(other.from);
        return byFrom != 0 ? byFrom : to.compareTo(other.to);
    }

    @Override
    public String toString() {
        return from + "->" + to;
    }
}
