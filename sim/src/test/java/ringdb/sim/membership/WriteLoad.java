package ringdb.sim.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.Cell;
import ringdb.core.node.Node;
import ringdb.core.node.NodeStatus;
import ringdb.core.node.PeerStatus;
import ringdb.core.ring.StorageKeys;
import ringdb.sim.SimCluster;
import ringdb.sim.SimFuture;
import ringdb.core.ring.Partitioner;

/**
 * A steady QUORUM write load for membership suites: one new key per tick through a random NORMAL
 * coordinator; remembers every write acknowledged at QUORUM and checks them afterwards.
 */
final class WriteLoad {
    static final long SECOND = 1_000_000L;

    private record InFlight(String key, String value, SimFuture<ClientResult> future) {
    }

    private final SimCluster cluster;
    private final Random random;
    private final int valueBytes;
    private final List<InFlight> inFlight = new ArrayList<>();
    private final TreeMap<String, String> acked = new TreeMap<>();
    private int issued;
    private int refused;

    WriteLoad(SimCluster cluster, int valueBytes) {
        this.cluster = cluster;
        this.random = cluster.newRandom();
        this.valueBytes = valueBytes;
    }

    /** Writes {@code count} keys and waits for them (setup data). */
    void preload(int count) {
        for (int i = 0; i < count; i++) {
            issue();
        }
        cluster.runUntil(() -> allDone(), 30 * SECOND);
        collect();
    }

    private boolean allDone() {
        for (InFlight write : inFlight) {
            if (!write.future().isDone()) {
                return false;
            }
        }
        return true;
    }

    void issue() {
        List<NodeId> coordinators = normalNodes();
        if (coordinators.isEmpty()) {
            return;
        }
        NodeId coordinator = coordinators.get(random.nextInt(coordinators.size()));
        String key = "key" + issued;
        StringBuilder value = new StringBuilder("value" + issued + ":");
        while (value.length() < valueBytes) {
            value.append((char) ('a' + random.nextInt(26)));
        }
        issued++;
        inFlight.add(new InFlight(key, value.toString(), cluster.put(coordinator, key, value.toString(),
                ConsistencyLevel.QUORUM)));
    }

    void collect() {
        Iterator<InFlight> it = inFlight.iterator();
        while (it.hasNext()) {
            InFlight write = it.next();
            if (write.future().isDone()) {
                it.remove();
                if (write.future().get() instanceof ClientResult.Written) {
                    acked.put(write.key(), write.value());
                } else {
                    refused++;
                }
            }
        }
    }

    /** Runs the load (one write per {@code intervalMicros}) until {@code condition} holds; false on time out. */
    boolean runUntil(BooleanSupplier condition, long maxMicros, long intervalMicros) {
        long deadline = cluster.nowMicros() + maxMicros;
        while (!condition.getAsBoolean()) {
            if (cluster.nowMicros() >= deadline) {
                return false;
            }
            issue();
            cluster.runFor(intervalMicros);
            collect();
        }
        return true;
    }

    /** Lets every write in flight finish (no new ones). */
    void drain() {
        cluster.runFor(10 * SECOND);
        collect();
    }

    /** Which live nodes hold hints, and how each sees its peers (for failure messages). */
    String describeHints() {
        StringBuilder out = new StringBuilder();
        for (NodeId id : cluster.nodeIds()) {
            if (cluster.isAlive(id)) {
                NodeStatus status = cluster.node(id).status();
                out.append("\n  ").append(id).append(": ").append(status.hintsPending()).append(" hints; peers");
                for (PeerStatus peer : status.peers()) {
                    out.append(' ').append(peer.id()).append('=').append(peer.state())
                            .append(peer.up() ? "/up" : "/down");
                }
            }
        }
        return out.toString();
    }

    /** Runs (no load) until no live node holds hints: hints for nodes that left or were removed are dropped. */
    boolean hintsDrained(long maxMicros) {
        return cluster.runUntil(() -> {
            for (NodeId id : cluster.nodeIds()) {
                if (cluster.isAlive(id) && cluster.node(id).status().hintsPending() > 0) {
                    return false;
                }
            }
            return true;
        }, maxMicros);
    }

    /** Every live node sees the same ring and no membership change in progress. */
    boolean settled() {
        Set<Long> digests = new HashSet<>();
        for (NodeId id : cluster.nodeIds()) {
            if (cluster.isAlive(id)) {
                Node node = cluster.node(id);
                if (!node.membershipView().moves().isEmpty()) {
                    return false;
                }
                digests.add(node.ring().digest());
            }
        }
        return digests.size() == 1;
    }

    /** Runs the load until {@link #settled()}; false if it did not within {@code maxMicros}. */
    boolean settle(long maxMicros) {
        return runUntil(this::settled, maxMicros, 50_000);
    }

    List<NodeId> normalNodes() {
        List<NodeId> out = new ArrayList<>();
        for (NodeId id : cluster.nodeIds()) {
            if (cluster.isNormal(id)) {
                out.add(id);
            }
        }
        return out;
    }

    /** Every write acknowledged at QUORUM reads back at QUORUM through every NORMAL node in turn. */
    void verifyQuorumReads(long seed) {
        List<NodeId> coordinators = normalNodes();
        int i = 0;
        for (Map.Entry<String, String> entry : acked.entrySet()) {
            NodeId coordinator = coordinators.get(i++ % coordinators.size());
            ClientResult result = cluster.runUntil(cluster.get(coordinator, entry.getKey(), ConsistencyLevel.QUORUM),
                    30 * SECOND);
            assertTrue(result instanceof ClientResult.Found, "seed " + seed + ": " + entry.getKey()
                    + " acknowledged at QUORUM but read " + result + " through " + coordinator);
            assertEquals(entry.getValue(), new String(((ClientResult.Found) result).value(), StandardCharsets.UTF_8),
                    "seed " + seed + ": " + entry.getKey());
        }
    }

    /** Every acknowledged key is held by every one of its replicas in the ring (checked before any read repair). */
    void verifyReplicasHold(long seed) {
        NodeId viewer = normalNodes().get(0);
        for (String key : acked.keySet()) {
            byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            for (NodeId replica : cluster.node(viewer).ring().replicasFor(Partitioner.SHA1, keyBytes)) {
                Cell cell = cluster.store(replica).read(StorageKeys.kv(keyBytes));
                assertTrue(cell != null && !cell.isTombstone(), "seed " + seed + ": replica " + replica + " of " + key
                        + " does not hold it");
            }
        }
    }

    /** Every acknowledged key is held by exactly its replicas in the ring (after cleanup). */
    void verifyExactlyReplicated(long seed) {
        List<NodeId> holders = normalNodes();
        int replicationFactor = cluster.config().replicationFactor();
        for (String key : acked.keySet()) {
            byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            List<NodeId> holding = new ArrayList<>();
            for (NodeId id : holders) {
                Cell cell = cluster.store(id).read(StorageKeys.kv(keyBytes));
                if (cell != null && !cell.isTombstone()) {
                    holding.add(id);
                }
            }
            List<NodeId> replicas = cluster.node(holders.get(0)).ring().replicasFor(Partitioner.SHA1, keyBytes);
            assertEquals(replicationFactor, holding.size(), "seed " + seed + ": " + key + " held by " + holding
                    + ", replicas " + replicas);
            assertEquals(new TreeSet<>(replicas), new TreeSet<>(holding), "seed " + seed + ": " + key);
        }
    }

    int ackedCount() {
        return acked.size();
    }

    int refusedCount() {
        return refused;
    }
}
