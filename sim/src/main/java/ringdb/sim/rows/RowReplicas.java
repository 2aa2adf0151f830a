package ringdb.sim.rows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ringdb.core.NodeId;
import ringdb.core.data.Cell;
import ringdb.core.membership.MembershipView;
import ringdb.core.ring.Ring;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.store.LocalStore;
import ringdb.sim.SimCluster;

/**
 * The replicas' local data of the row workload's partitions, read straight from each replica's
 * store (every member must be up): per partition, per replica (as {@code ringNode} sees the ring),
 * its reconciled entries and range tombstones. The replicas are the first r of the ring's list, r
 * the replication factor of the table's keyspace.
 */
public final class RowReplicas {
    /** One replica's entries of one partition (tombstones included). */
    public record Local(List<LocalStore.Entry> entries, List<LocalStore.Entry> rangeTombstones) {
    }

    private final Map<Integer, Map<NodeId, Local>> partitions;

    private RowReplicas(Map<Integer, Map<NodeId, Local>> partitions) {
        this.partitions = partitions;
    }

    /** Replicas' data given as is: partition number to each replica's entries. */
    static RowReplicas of(Map<Integer, Map<NodeId, Local>> partitions) {
        Map<Integer, Map<NodeId, Local>> copy = new TreeMap<>();
        partitions.forEach((p, replicas) -> copy.put(p, new TreeMap<>(replicas)));
        return new RowReplicas(copy);
    }

    public static RowReplicas read(SimCluster cluster, NodeId ringNode, RowTable table, int partitionCount) {
        Ring ring = cluster.node(ringNode).ring();
        int factor = cluster.node(ringNode).placement().factorOfKey(table.keys().partition(RowTable.partition(0))
                .start());
        Map<Integer, Map<NodeId, Local>> out = new TreeMap<>();
        for (int p = 0; p < partitionCount; p++) {
            PartitionKey pk = RowTable.partition(p);
            KeyRange range = table.keys().partition(pk);
            long token = table.keys().token(pk);
            Map<NodeId, Local> replicas = new LinkedHashMap<>();
            for (NodeId replica : MembershipView.prefix(ring.replicasForToken(token), factor)) {
                LocalStore store = cluster.store(replica);
                replicas.put(replica, new Local(
                        store.slice(token, range.start(), range.end(), false, Integer.MAX_VALUE),
                        store.rangeTombstones(token, range.start(), range.end())));
            }
            out.put(p, replicas);
        }
        return new RowReplicas(out);
    }

    /** Partition number to each replica's local data. */
    public Map<Integer, Map<NodeId, Local>> partitions() {
        return partitions;
    }

    /** Partitions whose replicas do not hold exactly the same entries. */
    public int divergedPartitions() {
        int diverged = 0;
        for (Map<NodeId, Local> replicas : partitions.values()) {
            if (replicas.values().stream().map(local -> byKey(local.entries())).distinct().count() > 1) {
                diverged++;
            }
        }
        return diverged;
    }

    /** Every replica's entries of {@code p} merged per key (what a read of all replicas would reconcile). */
    public Map<ByteBuffer, Cell> merged(int p) {
        Map<ByteBuffer, Cell> merged = new LinkedHashMap<>();
        for (Local local : partitions.getOrDefault(p, Map.of()).values()) {
            add(merged, local.entries());
            add(merged, local.rangeTombstones());
        }
        return merged;
    }

    /** Every entry any replica holds. */
    public List<LocalStore.Entry> allEntries() {
        List<LocalStore.Entry> all = new ArrayList<>();
        partitions.values().forEach(replicas -> replicas.values().forEach(local -> all.addAll(local.entries())));
        return all;
    }

    static void add(Map<ByteBuffer, Cell> into, List<LocalStore.Entry> entries) {
        for (LocalStore.Entry entry : entries) {
            into.merge(ByteBuffer.wrap(entry.key().key()), entry.cell(), Cell::reconcile);
        }
    }

    private static Map<ByteBuffer, Cell> byKey(List<LocalStore.Entry> entries) {
        Map<ByteBuffer, Cell> map = new LinkedHashMap<>();
        add(map, entries);
        return map;
    }
}
