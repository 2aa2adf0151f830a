package ringdb.sim.run;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ringdb.core.NodeId;
import ringdb.core.data.Cell;
import ringdb.core.node.NodeStatus;
import ringdb.core.node.PeerStatus;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.Ring;
import ringdb.core.ring.StorageKeys;
import ringdb.core.store.LocalStore;
import ringdb.sim.SimCluster;

/** Reads the replicas' state out of a simulated cluster for the final checks. */
public final class ClusterState {
    private static final int SCAN_BATCH_ENTRIES = 1_000;

    private ClusterState() {
    }

    /**
     * Every key any node stores, mapped to each replica's version of it (null = absent), replicas
     * chosen by {@code ringNode}'s view of the ring. All nodes must be alive.
     */
    public static Map<String, Map<NodeId, Cell>> replicaCells(SimCluster cluster, NodeId ringNode,
                                                              Iterable<String> extraKeys) {
        Ring ring = cluster.node(ringNode).ring();
        TreeMap<String, Map<NodeId, Cell>> cells = new TreeMap<>();
        for (String key : extraKeys) {
            cells.put(key, null);
        }
        for (NodeId id : members(cluster)) {
            for (LocalStore.Entry entry : scanAll(cluster.store(id))) {
                if (StorageKeys.isKv(entry.key().key())) {
                    cells.put(new String(StorageKeys.rawKv(entry.key().key()), StandardCharsets.UTF_8), null);
                }
            }
        }
        for (Map.Entry<String, Map<NodeId, Cell>> entry : cells.entrySet()) {
            byte[] key = entry.getKey().getBytes(StandardCharsets.UTF_8);
            Map<NodeId, Cell> replicas = new LinkedHashMap<>();
            for (NodeId replica : ring.replicasFor(cluster.config().partitioner(), key)) {
                replicas.put(replica, cluster.store(replica).read(StorageKeys.kv(key)));
            }
            entry.setValue(replicas);
        }
        return cells;
    }

    private static List<LocalStore.Entry> scanAll(LocalStore store) {
        List<LocalStore.Entry> all = new ArrayList<>();
        DecoratedKey after = null;
        while (true) {
            List<LocalStore.Entry> batch = store.scan(Long.MIN_VALUE, Long.MIN_VALUE, after, SCAN_BATCH_ENTRIES);
            all.addAll(batch);
            if (batch.size() < SCAN_BATCH_ENTRIES) {
                return all;
            }
            after = batch.get(batch.size() - 1).key();
        }
    }

    /** The nodes that are still members of the cluster (not decommissioned, removed or replaced). */
    public static List<NodeId> members(SimCluster cluster) {
        return cluster.nodeIds().stream().filter(id -> !cluster.isRetired(id)).toList();
    }

    private static boolean isRetired(SimCluster cluster, NodeId id) {
        return cluster.nodeIds().contains(id) && cluster.isRetired(id);
    }

    private static String describeRing(SimCluster cluster, NodeId id) {
        if (!cluster.isAlive(id)) {
            return "nothing (down)";
        }
        Ring ring = cluster.node(id).ring();
        StringBuilder text = new StringBuilder("{");
        for (Map.Entry<NodeId, long[]> entry : new TreeMap<>(ring.tokensByNode()).entrySet()) {
            text.append(entry.getKey()).append(':').append(entry.getValue().length).append(" tokens ");
        }
        return text.append("v").append(ring.version()).append('}').toString();
    }

    /** Keys whose replicas do not all hold the same version. */
    public static int divergedKeys(Map<String, Map<NodeId, Cell>> cells) {
        int diverged = 0;
        for (Map<NodeId, Cell> replicas : cells.values()) {
            if (replicas.values().stream().distinct().count() > 1) {
                diverged++;
            }
        }
        return diverged;
    }

    /** True when every node is up, sees every peer up, agrees on the ring and has no hints left. */
    public static boolean settled(SimCluster cluster) {
        return unsettled(cluster).isEmpty();
    }

    /** Why the cluster has not settled yet, one line per problem (empty = settled). */
    public static List<String> unsettled(SimCluster cluster) {
        List<String> problems = new ArrayList<>();
        Long digest = null;
        NodeId first = null;
        for (NodeId id : members(cluster)) {
            if (!cluster.isAlive(id)) {
                problems.add(id + " is down");
                continue;
            }
            first = first == null ? id : first;
            NodeStatus status = cluster.node(id).status();
            if (status.hintsPending() > 0) {
                problems.add(id + " holds " + status.hintsPending() + " hints");
            }
            if (!status.recoveryDone()) {
                problems.add(id + " has not finished its recovery catch-up");
            }
            if (digest != null && digest != status.ringDigest()) {
                problems.add(id + " disagrees on the ring: it sees " + describeRing(cluster, id)
                        + " where " + first + " sees " + describeRing(cluster, first));
            }
            digest = status.ringDigest();
            for (PeerStatus peer : status.peers()) {
                if (!peer.up() && !isRetired(cluster, peer.id())) {
                    problems.add(id + " holds " + peer.id() + " down (" + peer.state() + ", phi "
                            + String.format("%.1f", peer.phi()) + ")");
                }
            }
        }
        return problems;
    }
}
