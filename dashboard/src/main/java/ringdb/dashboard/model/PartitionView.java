package ringdb.dashboard.model;

import java.util.List;

/**
 * A partition in force: no message crosses from side A to side B (nor back unless one-way).
 */
public record PartitionView(List<String> sideA, List<String> sideB, boolean oneWay) {
    public PartitionView {
        sideA = List.copyOf(sideA);
        sideB = List.copyOf(sideB);
    }
}
