package ringdb.sim;

import java.util.Set;
import ringdb.core.NodeId;

/**
 * A network partition in force: no message goes from {@code sideA} to {@code sideB}, and unless
 * {@code oneWay}, none from {@code sideB} to {@code sideA} either.
 */
public record Partition(Set<NodeId> sideA, Set<NodeId> sideB, boolean oneWay) {
    public Partition {
        sideA = Set.copyOf(sideA);
        sideB = Set.copyOf(sideB);
    }

    /** True when this partition blocks a message from {@code from} to {@code to}. */
    public boolean blocks(NodeId from, NodeId to) {
        if (sideA.contains(from) && sideB.contains(to)) {
            return true;
        }
        return !oneWay && sideB.contains(from) && sideA.contains(to);
    }
}
