package ringdb.sim.demo;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ringdb.core.NodeId;
import ringdb.core.data.Cell;
import ringdb.core.ring.StorageKeys;
import ringdb.sim.Link;
import ringdb.sim.LinkStats;
import ringdb.sim.MessageEvent;
import ringdb.sim.NetworkStats;
import ringdb.sim.SimClock;
import ringdb.sim.SimCluster;

/** The tables the demo prints: ring ownership, replica contents, network statistics. */
final class DemoTables {
    private DemoTables() {
    }

    static void ringTable(SimCluster cluster, PrintStream out) {
        Map<NodeId, Double> ownership = cluster.node(cluster.nodeIds().get(0)).ring().ownership();
        out.println();
        out.printf("  %-8s %7s %10s%n", "node", "tokens", "primary");
        for (NodeId id : cluster.nodeIds()) {
            out.printf("  %-8s %7d %9.1f%%%n", id, cluster.node(id).status().tokens().size(),
                    100 * ownership.getOrDefault(id, 0.0));
        }
        out.println();
    }

    static void replicaTable(SimCluster cluster, List<String> keys, PrintStream out) {
        out.println();
        out.printf("  %-8s %s%n", "key", "each replica's version (value @ its timestamp in simulated seconds)");
        NodeId viewer = cluster.nodeIds().stream().filter(cluster::isAlive).findFirst().orElseThrow();
        List<List<String>> rows = new ArrayList<>();
        int width = 0;
        for (String key : keys) {
            byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            List<String> row = new ArrayList<>();
            for (NodeId replica : cluster.node(viewer).ring().replicasFor(cluster.config().partitioner(), bytes)) {
                String version = cluster.isAlive(replica)
                        ? version(cluster.store(replica).read(StorageKeys.kv(bytes))) : "(down)";
                row.add(replica + ": " + version);
                width = Math.max(width, row.get(row.size() - 1).length());
            }
            rows.add(row);
        }
        for (int i = 0; i < keys.size(); i++) {
            StringBuilder line = new StringBuilder();
            for (String cell : rows.get(i)) {
                line.append(String.format("%-" + (width + 3) + "s", cell));
            }
            out.printf("  %-8s %s%n", keys.get(i), line.toString().stripTrailing());
        }
        out.println();
    }

    private static String version(Cell cell) {
        if (cell == null) {
            return "-";
        }
        String what = cell.isTombstone() ? "tombstone" : Demo.quoted(new String(cell.value(), StandardCharsets.UTF_8));
        return what + String.format(" @%.3fs", (cell.timestampMicros() - SimClock.EPOCH_MICROS) / 1e6);
    }

    static void networkTable(SimCluster cluster, PrintStream out) {
        NetworkStats stats = cluster.network().stats();
        out.println();
        out.println("== Network statistics");
        out.printf("  sent %d, delivered %d, duplicated %d, in flight %d; dropped %d: random %d, partition %d, "
                        + "node down %d%n", stats.sent(), stats.delivered(), stats.duplicated(), stats.inFlight(),
                stats.dropped(), stats.dropped(MessageEvent.Outcome.DROPPED_RANDOM),
                stats.dropped(MessageEvent.Outcome.DROPPED_PARTITION),
                stats.dropped(MessageEvent.Outcome.DROPPED_NODE_DOWN));
        out.println();
        out.printf("  %-14s %8s %10s %8s %11s%n", "link", "sent", "delivered", "dropped", "duplicated");
        for (Map.Entry<Link, LinkStats> entry : stats.perLink().entrySet()) {
            LinkStats link = entry.getValue();
            out.printf("  %-14s %8d %10d %8d %11d%n", entry.getKey(), link.sent(), link.delivered(), link.dropped(),
                    link.duplicated());
        }
    }
}
