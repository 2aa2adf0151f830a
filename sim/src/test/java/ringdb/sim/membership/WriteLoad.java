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

    private record InFlight(String key, String value, NodeId coordinator, SimFuture<ClientResult> future) {
    }

    /** The coordinator of an acknowledged write, and when it answered. */
    private record Ack(NodeId coordinator, long atMicros) {
    }

    private final SimCluster cluster;
    private final Random random;
    private final int valueBytes;
    private final List<InFlight> inFlight = new ArrayList<>();
    private final TreeMap<String, String> acked = new TreeMap<>();
    private final TreeMap<String, Ack> ackedBy = new TreeMap<>();
    /** Coordinators failed for good (removed or replaced), and when. */
    private final TreeMap<NodeId, Long> goneAtMicros = new TreeMap<>();
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
        inFlight.add(new InFlight(key, value.toString(), coordinator, cluster.put(coordinator, key,
                value.toString(), ConsistencyLevel.QUORUM)));
    }

    void collect() {
        Iterator<InFlight> it = inFlight.iterator();
        while (it.hasNext()) {
            InFlight write = it.next();
            if (write.future().isDone()) {
                it.remove();
                if (write.future().get() instanceof ClientResult.Written) {
                    acked.put(write.key(), write.value());
                    ackedBy.put(write.key(), new Ack(write.coordinator(), write.future().completedMicros()));
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

    /**
     * {@code coordinator} is failed now and will never come back (it is to be removed or replaced):
     * the hints it holds go with it.
     */
    void coordinatorGone(NodeId coordinator) {
        goneAtMicros.put(coordinator, cluster.nowMicros());
    }

    /**
     * Every acknowledged key is held by every one of its replicas in the ring (checked before any read
     * repair), but for one exception: a write whose coordinator was failed for good (removed or
     * replaced) within the write timeout after it answered may lack a replica that had not taken it
     * (a replica that refused it for its ring epoch, at the moment that replica's ring changed, is
     * hinted, and the hint goes with the coordinator). Such a write must still be held by a quorum of
     * its replicas, so a QUORUM read finds it ({@link #verifyQuorumReads} reads every key back).
     */
    void verifyReplicasHold(long seed) {
        NodeId viewer = normalNodes().get(0);
        int replicationFactor = cluster.config().replicationFactor();
        for (String key : acked.keySet()) {
            byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            List<NodeId> missing = new ArrayList<>();
            for (NodeId replica : cluster.node(viewer).ring().replicasFor(Partitioner.SHA1, keyBytes)) {
                Cell cell = cluster.store(replica).read(StorageKeys.kv(keyBytes));
                if (cell == null || cell.isTombstone()) {
                    missing.add(replica);
                }
            }
            String hintsLost = hintsLostWithCoordinator(key);
            if (hintsLost != null && replicationFactor - missing.size() >= replicationFactor / 2 + 1) {
                continue;
            }
            assertTrue(missing.isEmpty(), "seed " + seed + ": replicas " + missing + " of " + key
                    + " do not hold it" + (hintsLost == null ? "" : " (" + hintsLost + ", but no quorum holds it)"));
        }
    }

    /** Why the hints of {@code key}'s write may be lost (its coordinator gone for good right after), or null. */
    private String hintsLostWithCoordinator(String key) {
        Ack ack = ackedBy.get(key);
        Long gone = ack == null ? null : goneAtMicros.get(ack.coordinator());
        if (gone == null || gone < ack.atMicros() || gone - ack.atMicros() > cluster.config().writeTimeoutMicros()) {
            return null;
        }
        return "its coordinator " + ack.coordinator() + " failed for good " + (gone - ack.atMicros()) / 1000
                + " ms after acknowledging it";
    }

    /**
     * Every acknowledged key is held by exactly its replicas in the ring (after cleanup); a write whose
     * hints went with its coordinator (see {@link #verifyReplicasHold}) by a quorum of them and nobody else.
     */
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
            if (hintsLostWithCoordinator(key) != null && holding.size() >= replicationFactor / 2 + 1) {
                // as in verifyReplicasHold: a quorum of the replicas, and nobody else
                assertTrue(replicas.containsAll(holding), "seed " + seed + ": " + key + " held by " + holding
                        + ", replicas " + replicas);
                continue;
            }
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
