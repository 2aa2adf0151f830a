package ringdb.sim.demo;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.Cell;
import ringdb.core.node.NodeEvent;
import ringdb.core.ring.StorageKeys;
import ringdb.sim.SimCluster;
import ringdb.sim.SimFuture;
import ringdb.sim.SimListener;
import ringdb.sim.TraceHash;
import ringdb.sim.run.ClusterState;

/**
 * The narrated demonstration behind {@code ringdb demo}: a simulated cluster takes writes, loses a
 * node and keeps serving, recovers it from disk and peers, splits in a partition and heals, with
 * every step printed in simulated time. The output depends only on the seed and the node count:
 * the same arguments print byte-identical text.
 */
public final class Demo {
    static final long SECOND_MICROS = 1_000_000;
    static final int REPLICATION_FACTOR = 3;
    static final Map<String, String> FRUITS = fruits();

    private final SimCluster cluster;
    private final PrintStream out;
    private final DemoNarrator narrator;

    private Demo(long seed, int nodes, PrintStream out) {
        this.out = out;
        this.cluster = SimCluster.builder().seed(seed).nodes(nodes)
                .nodeConfig(config -> config.replicationFactor(Math.min(REPLICATION_FACTOR, nodes))).build();
        this.narrator = new DemoNarrator(cluster, out);
        cluster.addListener(narrator);
    }

    /** Runs the whole demo for {@code seed} with {@code nodes} nodes (3..9), printing to {@code out}. */
    public static void run(long seed, int nodes, PrintStream out) {
        if (nodes < 3 || nodes > 9) {
            throw new IllegalArgumentException("the demo runs 3 to 9 nodes, got " + nodes);
        }
        Demo demo = new Demo(seed, nodes, out);
        try {
            demo.play();
        } finally {
            demo.cluster.close();
        }
    }

    private static Map<String, String> fruits() {
        Map<String, String> fruits = new LinkedHashMap<>();
        fruits.put("apple", "red");
        fruits.put("banana", "yellow");
        fruits.put("cherry", "dark red");
        fruits.put("grape", "purple");
        fruits.put("kiwi", "green");
        fruits.put("lemon", "yellow");
        fruits.put("mango", "orange");
        fruits.put("plum", "violet");
        return fruits;
    }

    private void play() {
        introduce();
        List<String> keys = new ArrayList<>(FRUITS.keySet());
        writeFruits(keys);
        NodeId victim = primaryOf(keys.get(0));
        failNode(victim, keys);
        recoverNode(victim, keys);
        partition(keys);
        DemoTables.networkTable(cluster, out);
        section("Done");
        line("simulated %.3f s; trace hash %s (the same seed always gives the same run)",
                cluster.nowMicros() / 1e6, TraceHash.hex(cluster.traceHash()));
        if (!cluster.unhandledExceptions().isEmpty()) {
            line("UNEXPECTED: nodes threw %d exceptions, first: %s", cluster.unhandledExceptions().size(),
                    cluster.unhandledExceptions().get(0));
        }
    }

    private void introduce() {
        section("A " + cluster.nodeIds().size() + "-node ringdb cluster in simulated time");
        line("seed %d; replication factor %d; %d tokens per node; every message goes through a simulated network",
                cluster.seed(), cluster.config().replicationFactor(), cluster.config().numTokens());
        narrator.setQuiet(true);
        cluster.runFor(5 * SECOND_MICROS);
        narrator.setQuiet(false);
        line("after 5 s of gossip every node sees every other one up%s",
                ClusterState.settled(cluster) ? "" : " (not yet: " + ClusterState.unsettled(cluster) + ")");
        DemoTables.ringTable(cluster, out);
    }

    private void writeFruits(List<String> keys) {
        section("Writes: each key goes to its " + cluster.config().replicationFactor() + " replicas");
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            NodeId coordinator = cluster.nodeIds().get(i % cluster.nodeIds().size());
            ClientResult result = await(cluster.put(coordinator, key, FRUITS.get(key), ConsistencyLevel.QUORUM));
            line("put %-7s = %-9s via %s at QUORUM -> %s; replicas %s", key, quoted(FRUITS.get(key)), coordinator,
                    describe(result), replicasOf(key));
        }
    }

    private void failNode(NodeId victim, List<String> keys) {
        section("Node failure: " + victim + " crashes (memory and unsynced disk writes lost)");
        cluster.fail(victim);
        cluster.runUntil(() -> everyPeerSeesDown(victim), 60 * SECOND_MICROS);
        NodeId coordinator = otherThan(victim);
        for (String key : keys.subList(0, 3)) {
            String value = FRUITS.get(key) + " (v2)";
            ClientResult result = await(cluster.put(coordinator, key, value, ConsistencyLevel.ONE));
            List<NodeId> replicas = replicasOf(key);
            String note = replicas.contains(victim) ? victim + " is down, so the coordinator keeps a hint for it"
                    : victim + " is not a replica";
            line("put %-7s = %-15s via %s at ONE -> %s (replicas %s; %s)", key, quoted(value), coordinator,
                    describe(result), replicas, note);
        }
        for (String key : keys.subList(0, 3)) {
            ClientResult result = await(cluster.get(coordinator, key, ConsistencyLevel.QUORUM));
            line("get %-7s via %s at QUORUM -> %s%s", key, coordinator, describe(result),
                    result instanceof ClientResult.Found ? " (served by the live replicas)" : "");
        }
    }

    private void recoverNode(NodeId victim, List<String> keys) {
        section("Recovery: " + victim + " restarts from its disk, then catches up from its peers");
        cluster.recover(victim);
        byte[] first = StorageKeys.kv(keys.get(0).getBytes(StandardCharsets.UTF_8));
        line("right after the restart %s holds %s = %s (replayed from its commit log and tables)", victim,
                keys.get(0), describe(cluster.store(victim).read(first)));
        cluster.runUntil(() -> ClusterState.settled(cluster), 30 * SECOND_MICROS);
        cluster.runFor(SECOND_MICROS);
        line("after the catch-up and hint replay %s holds %s = %s", victim, keys.get(0),
                describe(cluster.store(victim).read(first)));
        DemoTables.replicaTable(cluster, keys.subList(0, 3), out);
    }

    private void partition(List<String> keys) {
        List<NodeId> ids = cluster.nodeIds();
        Set<NodeId> minority = Set.of(ids.get(0));
        Set<NodeId> majority = Set.copyOf(ids.subList(1, ids.size()));
        section("Partition: " + ids.get(0) + " is cut off from " + sorted(majority));
        cluster.network().partition(minority, majority);
        cluster.runUntil(() -> cluster.node(ids.get(0)).status().peers().stream().noneMatch(p -> p.up()),
                60 * SECOND_MICROS);
        line("%s's failure detector now holds every peer down; the majority holds %s down", ids.get(0), ids.get(0));
        String key = keyReplicatedBy(ids.get(0), keys);
        NodeId inside = ids.get(0);
        NodeId outside = ids.get(ids.size() - 1);
        report(inside, "minority", key, "minority side", ConsistencyLevel.ONE);
        report(inside, "minority", key, "minority side", ConsistencyLevel.QUORUM);
        report(outside, "majority", key, "majority side", ConsistencyLevel.QUORUM);
        line("get %s via %s (minority) at ONE -> %s (its own, now stale, copy)", key, inside,
                describe(await(cluster.get(inside, key, ConsistencyLevel.ONE))));
        line("get %s via %s (majority) at QUORUM -> %s", key, outside,
                describe(await(cluster.get(outside, key, ConsistencyLevel.QUORUM))));
        String deleted = keys.get(keys.size() - 1);
        ClientResult delete = await(cluster.delete(outside, deleted, ConsistencyLevel.QUORUM));
        line("delete %s via %s (majority) at QUORUM -> %s", deleted, outside, describe(delete));

        section("Heal: hints are delivered and replicas converge");
        cluster.network().heal();
        cluster.runUntil(() -> ClusterState.settled(cluster), 60 * SECOND_MICROS);
        cluster.runFor(SECOND_MICROS);
        DemoTables.replicaTable(cluster, List.of(key, deleted), out);
        line("get %s at QUORUM -> %s (the newest timestamp wins everywhere)", key,
                describe(await(cluster.get(inside, key, ConsistencyLevel.QUORUM))));
        line("get %s at QUORUM -> %s (the delete made during the partition holds)", deleted,
                describe(await(cluster.get(inside, deleted, ConsistencyLevel.QUORUM))));
    }

    private void report(NodeId coordinator, String side, String key, String value, ConsistencyLevel cl) {
        ClientResult result = await(cluster.put(coordinator, key, value, cl));
        line("put %s = %s via %s (%s) at %s -> %s", key, quoted(value), coordinator, side, cl, describe(result));
    }

    private boolean everyPeerSeesDown(NodeId victim) {
        for (NodeId id : cluster.nodeIds()) {
            if (!id.equals(victim) && cluster.node(id).isAlive(victim)) {
                return false;
            }
        }
        return true;
    }

    private ClientResult await(SimFuture<ClientResult> future) {
        return cluster.runUntil(future, 30 * SECOND_MICROS);
    }

    private String keyReplicatedBy(NodeId node, List<String> keys) {
        for (String key : keys) {
            if (cluster.node(node).ring().replicasFor(cluster.config().partitioner(),
                    key.getBytes(StandardCharsets.UTF_8)).contains(node)) {
                return key;
            }
        }
        return keys.get(0);
    }

    private NodeId primaryOf(String key) {
        return cluster.node(cluster.nodeIds().get(0)).ring().replicasFor(cluster.config().partitioner(),
                key.getBytes(StandardCharsets.UTF_8)).get(0);
    }

    private NodeId otherThan(NodeId node) {
        return cluster.nodeIds().stream().filter(id -> !id.equals(node)).findFirst().orElseThrow();
    }

    private List<NodeId> replicasOf(String key) {
        NodeId viewer = cluster.nodeIds().stream().filter(cluster::isAlive).findFirst().orElseThrow();
        return cluster.node(viewer).ring().replicasFor(cluster.config().partitioner(),
                key.getBytes(StandardCharsets.UTF_8));
    }

    static String describe(ClientResult result) {
        if (result instanceof ClientResult.Written written) {
            return "written (" + written.acks() + (written.acks() == 1 ? " ack)" : " acks)");
        }
        if (result instanceof ClientResult.Found found) {
            return quoted(new String(found.value(), StandardCharsets.UTF_8));
        }
        if (result instanceof ClientResult.NotFound) {
            return "not found";
        }
        if (result instanceof ClientResult.Unavailable unavailable) {
            return "refused: unavailable (" + unavailable.alive() + " of " + unavailable.required()
                    + " required replicas alive)";
        }
        if (result instanceof ClientResult.Timeout timeout) {
            return "refused: timeout (" + timeout.received() + " of " + timeout.required() + " answers)";
        }
        return result.toString();
    }

    static String describe(Cell cell) {
        if (cell == null) {
            return "nothing";
        }
        return cell.isTombstone() ? "a tombstone" : quoted(new String(cell.value(), StandardCharsets.UTF_8));
    }

    static String quoted(String text) {
        return "\"" + text + "\"";
    }

    private static List<NodeId> sorted(Set<NodeId> ids) {
        return ids.stream().sorted().toList();
    }

    private void section(String title) {
        out.println();
        out.println("== " + title);
    }

    private void line(String format, Object... args) {
        out.printf("[%8.3fs] %s%n", cluster.nowMicros() / 1e6, String.format(format, args));
    }

    /** Prints the node events worth narrating, as they happen. */
    static final class DemoNarrator implements SimListener {
        private final SimCluster cluster;
        private final PrintStream out;
        private boolean quiet;

        DemoNarrator(SimCluster cluster, PrintStream out) {
            this.cluster = cluster;
            this.out = out;
        }

        void setQuiet(boolean quiet) {
            this.quiet = quiet;
        }

        @Override
        public void onNodeEvent(NodeEvent event) {
            if (quiet || !worthTelling(event.kind())) {
                return;
            }
            out.printf("[%8.3fs]   %s: %s%n", cluster.nowMicros() / 1e6, event.node(), event.detail());
        }

        private static boolean worthTelling(NodeEvent.Kind kind) {
            return switch (kind) {
                case STOPPED, STARTED, PEER_DOWN, PEER_UP, HINTS_DELIVERED, RECOVERY_STARTED, RECOVERY_DONE,
                        ERROR -> true;
                default -> false;
            };
        }
    }
}
