package ringdb.sim.check;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.Cell;
import ringdb.core.message.Message;
import ringdb.core.message.ReadRequest;
import ringdb.core.message.ReadResponse;
import ringdb.core.ring.StorageKeys;
import ringdb.sim.SimListener;

/**
 * The replica sets acknowledged QUORUM operations used, and whether they intersect where they must:
 * every QUORUM read (Found or NotFound) invoked after a QUORUM write or delete was acknowledged must
 * have been answered by a node that then held that write, or a newer version of the key, durably.
 * A write's set is the replicas its coordinator names ({@code Written.acknowledgedBy}); a read's is
 * the replicas whose {@link ReadResponse} reached its coordinator while the read ran, plus the
 * coordinator itself (it answers its own part locally, which the network does not see). Holding is
 * taken from the data stores' durable writes, so a copy that streaming, hints or repair moved to a
 * new replica counts: after a ring change two quorums of the old and the new ring may be disjoint,
 * but a read must still meet a copy of every write acknowledged before it.
 *
 * <p>Register it with {@link ringdb.sim.SimCluster#addListener} before the workload starts.
 * Simulation thread only.
 */
public final class QuorumIntersection implements SimListener {
    private final LongSupplier clock;
    /** Read requests by (coordinator, request id): the key. */
    private final Map<String, String> readKeys = new HashMap<>();
    /** Read answers by coordinator and key: (time, request id key, replica). */
    private final Map<String, List<Answer>> answers = new HashMap<>();
    /** Durable versions by key and node: time first held, by cell timestamp. */
    private final Map<String, Map<NodeId, TreeMap<Long, Long>>> held = new HashMap<>();

    private record Answer(long atMicros, NodeId replica) {
    }

    /** {@code clock}: the simulation's time, in the microseconds operations are stamped with. */
    public QuorumIntersection(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public void onDelivered(NodeId from, NodeId to, Message message) {
        if (message instanceof ReadRequest request) {
            byte[] key = StorageKeys.isKv(request.key()) ? StorageKeys.rawKv(request.key()) : request.key();
            readKeys.put(from + "#" + request.requestId(), new String(key, StandardCharsets.UTF_8));
        } else if (message instanceof ReadResponse response) {
            String key = readKeys.get(to + "#" + response.requestId());
            if (key != null) {
                answers.computeIfAbsent(to + "|" + key, k -> new ArrayList<>())
                        .add(new Answer(clock.getAsLong(), from));
            }
        }
    }

    @Override
    public void onDurableWrite(long atMicros, NodeId node, byte[] key, Cell cell) {
        held.computeIfAbsent(new String(key, StandardCharsets.UTF_8), k -> new HashMap<>())
                .computeIfAbsent(node, n -> new TreeMap<>())
                .putIfAbsent(cell.timestampMicros(), clock.getAsLong());
    }

    /** The violations in {@code history}, and a closing note of how many reads were checked or skipped. */
    public List<String> check(History history) {
        List<String> violations = new ArrayList<>();
        Map<String, List<Operation>> byKey = new TreeMap<>();
        for (Operation op : history.operations()) {
            if (op.cl() == ConsistencyLevel.QUORUM && op.result() != null) {
                byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
            }
        }
        for (List<Operation> ops : byKey.values()) {
            for (Operation read : ops) {
                if (read.kind() != Operation.Kind.GET || !(read.result() instanceof ClientResult.Found
                        || read.result() instanceof ClientResult.NotFound) || overlapsAnotherRead(read, ops)) {
                    continue;
                }
                Set<NodeId> readSet = readSet(read);
                for (Operation write : ops) {
                    if (write.kind() != Operation.Kind.GET && write.result() instanceof ClientResult.Written
                            && write.completeMicros() < read.invokeMicros()) {
                        String violation = violation(write, read, readSet);
                        if (violation != null && violations.size() < 20) {
                            violations.add(violation);
                        }
                    }
                }
            }
        }
        return violations;
    }

    /** Whether another QUORUM read of the key through the same coordinator ran at the same time (answers mix). */
    private static boolean overlapsAnotherRead(Operation read, List<Operation> ops) {
        for (Operation other : ops) {
            if (other != read && other.kind() == Operation.Kind.GET && other.coordinator().equals(read.coordinator())
                    && other.invokeMicros() <= read.completeMicros()
                    && (other.completeMicros() < 0 || other.completeMicros() >= read.invokeMicros())) {
                return true;
            }
        }
        return false;
    }

    private Set<NodeId> readSet(Operation read) {
        Set<NodeId> out = new TreeSet<>();
        out.add(read.coordinator());
        for (Answer answer : answers.getOrDefault(read.coordinator() + "|" + read.key(), List.of())) {
            if (answer.atMicros() >= read.invokeMicros() && answer.atMicros() <= read.completeMicros()) {
                out.add(answer.replica());
            }
        }
        return out;
    }

    private String violation(Operation write, Operation read, Set<NodeId> readSet) {
        long timestamp = write.writtenTimestampMicros();
        Map<NodeId, TreeMap<Long, Long>> versions = held.getOrDefault(write.key(), Map.of());
        Set<NodeId> holders = new TreeSet<>();
        for (Map.Entry<NodeId, TreeMap<Long, Long>> node : versions.entrySet()) {
            for (long firstHeld : node.getValue().tailMap(timestamp, true).values()) {
                if (firstHeld <= read.completeMicros()) {
                    holders.add(node.getKey());
                    break;
                }
            }
        }
        for (NodeId replica : readSet) {
            if (holders.contains(replica)) {
                return null;
            }
        }
        List<NodeId> acknowledgedBy = ((ClientResult.Written) write.result()).acknowledgedBy();
        return "key " + write.key() + ": QUORUM read #" + read.id() + " through " + read.coordinator()
                + " answered by " + readSet + " meets no copy of QUORUM " + write.kind() + " #" + write.id()
                + " (acknowledged by " + acknowledgedBy + " at " + write.completeMicros() / 1e6 + " s; held by "
                + holders + " when the read ended at " + read.completeMicros() / 1e6 + " s)";
    }
}
