package ringdb.dashboard.model;

import java.util.List;
import java.util.Map;

/**
 * Message statistics and the faults in force.
 *
 * @param sent            messages handed to the network
 * @param delivered       messages that reached their target
 * @param droppedByCause  dropped messages by cause (random, partition, node down...)
 * @param duplicated      extra copies delivered
 * @param inFlight        messages on the wire now
 * @param links           per directed link counters (only links that carried traffic)
 * @param partitions      partitions in force
 * @param faults          probabilities and delays in force (null when the cluster cannot inject faults)
 */
public record NetworkView(long sent, long delivered, Map<String, Long> droppedByCause, long duplicated,
                          long inFlight, List<LinkView> links, List<PartitionView> partitions,
                          FaultsView faults) {
    public NetworkView {
        droppedByCause = Map.copyOf(droppedByCause);
        links = List.copyOf(links);
        partitions = List.copyOf(partitions);
    }
}
