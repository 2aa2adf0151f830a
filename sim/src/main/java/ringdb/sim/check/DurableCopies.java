package ringdb.sim.check;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.data.Cell;
import ringdb.sim.SimListener;

/**
 * Which nodes ever held each version of each key durably in their data store (the replicas that
 * acknowledged a write, and every node that got it later by hint, read repair, catch-up, repair
 * or streaming), as the simulator observed it, and which losses of writes acknowledged at ONE
 * that explains. Register it with
 * {@link ringdb.sim.SimCluster#addListener} before the workload starts. Simulation thread only.
 */
public final class DurableCopies implements SimListener {
    private final Map<String, Map<Cell, Set<NodeId>>> holders = new HashMap<>();

    @Override
    public void onDurableWrite(long atMicros, NodeId node, byte[] key, Cell cell) {
        holders.computeIfAbsent(new String(key, StandardCharsets.UTF_8), k -> new HashMap<>())
                .computeIfAbsent(cell, c -> new TreeSet<>()).add(node);
    }

    /** The nodes that held {@code cell} of {@code key} durably at some point (empty if none). */
    public Set<NodeId> holders(String key, Cell cell) {
        return Set.copyOf(holders.getOrDefault(key, Map.of()).getOrDefault(cell, Set.of()));
    }

    /**
     * The loss of an acknowledged write that ONE allows: the replicas that acknowledged it (as its
     * coordinator named them), every node that ever held it durably, and its coordinator (the only
     * node that may have held hints for it) were all later removed from the ring with removenode,
     * which copies a dead node's ranges from the surviving replicas only. {@code removed} says
     * which nodes were removed that way. A write whose acknowledging replicas are not known is
     * never excused.
     */
    public Predicate<Operation> lostWithRemovedNodes(Predicate<NodeId> removed) {
        return write -> {
            List<NodeId> acknowledgedBy = ((ClientResult.Written) write.result()).acknowledgedBy();
            Set<NodeId> copies = holders(write.key(), KeyModel.cellOf(write));
            return !acknowledgedBy.isEmpty() && acknowledgedBy.stream().allMatch(removed)
                    && !copies.isEmpty() && copies.stream().allMatch(removed) && removed.test(write.coordinator());
        };
    }
}
