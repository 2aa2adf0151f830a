package ringdb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import ringdb.client.RingClient;

/** {@code ringdb status}, {@code ringdb ring} and the membership commands, against a running cluster. */
final class ClusterInfoCommands {
    private ClusterInfoCommands() {
    }

    /** Formats bytes as nodetool does ("1.25 MiB"). */
    static String humanBytes(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " bytes" : String.format(Locale.ROOT, "%.2f %s", value, units[unit]);
    }

    /** The {@code nodetool status}-style table for a {@code /v1/cluster} answer. */
    static String statusTable(JsonNode cluster) {
        StringBuilder out = new StringBuilder();
        out.append("Cluster: ").append(cluster.path("cluster_name").asText())
                .append("  (replication factor ").append(cluster.path("replication_factor").asInt())
                .append(", as seen by ").append(cluster.path("node").asText()).append(")\n");
        out.append("Status=Up/Down\n|/ State=Normal/Leaving/Joining/Starting/Left/Removing or Removed")
                .append("/Down (stopped)\n");
        String format = "%-3s %-22s %-12s %-7s %-9s %-22s %s%n";
        out.append(String.format(Locale.ROOT, format, "--", "Address", "Load", "Tokens", "Owns", "Host ID", "HTTP"));
        for (JsonNode member : cluster.path("members")) {
            String state = member.path("state").asText("UNKNOWN");
            String code = (member.path("up").asBoolean() ? "U" : "D") + (state.isEmpty() ? "?" : state.substring(0, 1));
            out.append(String.format(Locale.ROOT, format, code, member.path("id").asText(),
                    humanBytes(member.path("load_bytes").asLong()), member.path("tokens").size(),
                    String.format(Locale.ROOT, "%.1f%%", member.path("ownership").asDouble() * 100),
                    member.path("id").asText(), member.path("http").asText()));
        }
        for (JsonNode move : cluster.path("moves_in_progress")) {
            out.append("Moving: ").append(move.asText()).append('\n');
        }
        JsonNode hints = cluster.path("hints");
        if (!hints.isMissingNode()) {
            out.append("Hints on ").append(cluster.path("node").asText()).append(": ")
                    .append(hints.path("pending").asLong()).append(" pending, ")
                    .append(hints.path("handed_over").asLong()).append(" handed over to new owners, ")
                    .append(hints.path("dropped").asLong()).append(" dropped\n");
        }
        for (JsonNode warning : cluster.path("security_warnings")) {
            out.append("WARNING: ").append(cluster.path("node").asText()).append(": ").append(warning.asText())
                    .append('\n');
        }
        return out.toString();
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Shows every node as nodetool status does: up/down, state, address, load, tokens, "
                    + "ownership, host id.")
    static final class Status implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Option(names = "--json", description = "Print the raw JSON of GET /v1/cluster") boolean json;

        @Override
        public Integer call() {
            return KvCommands.guarded(() -> {
                try (RingClient ring = client.client()) {
                    JsonNode cluster = ring.cluster();
                    System.out.print(json ? cluster.toPrettyString() + "\n" : statusTable(cluster));
                    return 0;
                }
            });
        }
    }

    @Command(name = "ring", mixinStandardHelpOptions = true,
            description = "Lists the ring: every token in order with its owner; "
                    + "with a KEY, the key's token and replicas.")
    static final class RingCommand implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(index = "0", arity = "0..1", paramLabel = "KEY", description = "Show where this key lives instead")
        String key;

        @Override
        public Integer call() {
            return KvCommands.guarded(() -> {
                try (RingClient ring = client.client()) {
                    return print(ring);
                }
            });
        }

        private int print(RingClient ring) {
            if (key != null) {
                JsonNode answer = ring.ring(key.getBytes(StandardCharsets.UTF_8));
                System.out.println("key " + key + " token " + answer.path("token").asLong());
                int i = 0;
                for (JsonNode replica : answer.path("replicas")) {
                    System.out.println((i++ == 0 ? "  primary  " : "  replica  ") + replica.path("id").asText()
                            + "  http " + replica.path("http").asText());
                }
                return 0;
            }
            Map<Long, String> owners = new TreeMap<>();
            JsonNode cluster = ring.cluster();
            for (JsonNode member : cluster.path("members")) {
                member.path("tokens").forEach(t -> owners.put(t.asLong(), member.path("id").asText()));
            }
            System.out.printf(Locale.ROOT, "%-24s %s%n", "Token", "Owner");
            owners.forEach((token, owner) -> System.out.printf(Locale.ROOT, "%-24d %s%n", token, owner));
            return 0;
        }
    }

    /**
     * Base of the commands that start a long operation on one node: POST /v1/admin/{operation} starts
     * a job; the command then follows it (progress on standard error) and prints its result on standard
     * output, unless --no-wait. Exit status: 0 done, 1 the job failed, 2 refused (bad request, a job of
     * the kind already running), 3 stopped waiting (--wait-timeout-ms, node unreachable): the job goes on.
     */
    abstract static class AdminCommand implements Callable<Integer> {
        /** Longest wait for the live nodes to agree on the ring after a change. */
        static final long RING_AGREEMENT_MILLIS_MAX = 30_000;

        @Mixin ClientOptions client;

        @Option(names = "--no-wait", description = "Print the job's id and return at once; follow it with ringdb jobs")
        boolean noWait;

        @Option(names = "--wait-timeout-ms", defaultValue = "0", paramLabel = "MS",
                description = "Stop waiting for the job after this long (0, the default: wait until it ends); "
                        + "the job goes on on the node")
        long waitTimeoutMillis;

        abstract String operation();

        List<String> query() {
            return new ArrayList<>();
        }

        /** Whether the operation changes the ring, so the command waits until every live node has heard of it. */
        boolean changesRing() {
            return false;
        }

        @Override
        public Integer call() {
            return KvCommands.guarded(() -> {
                if (waitTimeoutMillis < 0) {
                    throw new IllegalArgumentException("--wait-timeout-ms must be 0 or more, was " + waitTimeoutMillis);
                }
                String host = client.hosts().get(0);
                String query = query().isEmpty() ? "" : "?" + String.join("&", query());
                try (RingClient ring = client.client()) {
                    JsonNode answer = ring.post(host, "/v1/admin/" + operation() + query);
                    String id = answer.path("job").asText("");
                    if (id.isEmpty()) { // a node without jobs answers when done
                        System.out.println(answer.toPrettyString());
                        return 0;
                    }
                    if (noWait) {
                        System.out.println(id);
                        System.err.println("started job " + id + " on " + host + "; follow it with: ringdb jobs "
                                + id + " --host " + host);
                        return 0;
                    }
                    JobWaiter.Outcome outcome = new JobWaiter(ring, host, System.err, System.console() != null)
                            .await(id, waitTimeoutMillis);
                    if (outcome.exitStatus() != 0) {
                        return outcome.exitStatus();
                    }
                    System.out.println(outcome.job().path("result").toPrettyString());
                    if (changesRing()) {
                        RingAgreement.await(ring, host, Math.min(client.timeoutMillis, RING_AGREEMENT_MILLIS_MAX),
                                System.out);
                    }
                    return 0;
                }
            });
        }
    }

    @Command(name = "join", mixinStandardHelpOptions = true,
            description = {"Joining happens when a new node starts: run it with --auto-bootstrap true "
                    + "and the cluster's --seeds;",
                "it streams the ranges it will own, then serves them. "
                    + "This command reports what the node at --host says."})
    static final class Join extends AdminCommand {
        @Override
        String operation() {
            return "join";
        }
    }

    @Command(name = "decommission", mixinStandardHelpOptions = true,
            description = "Asks the node at --host to leave the ring, streaming its ranges to their new owners first.")
    static final class Decommission extends AdminCommand {
        @Override
        String operation() {
            return "decommission";
        }

        @Override
        boolean changesRing() {
            return true;
        }
    }

    @Command(name = "cancel-decommission", mixinStandardHelpOptions = true,
            description = {"Cancels the decommission running on the node at --host while no node that gains its",
                "ranges finished streaming them: the node is NORMAL again. Refused (exit status 2, saying",
                "why) when none runs or it is past streaming."})
    static final class CancelDecommission implements Callable<Integer> {
        @Mixin ClientOptions client;

        @Override
        public Integer call() {
            return KvCommands.guarded(() -> {
                String host = client.hosts().get(0);
                try (RingClient ring = client.client()) {
                    JsonNode answer = ring.post(host, "/v1/admin/cancel-decommission");
                    System.out.println(answer.path("message").asText(answer.toString()));
                    return 0;
                }
            });
        }
    }

    /** Posts an admin operation about {@code node} (a host id) to the first host and prints its answer. */
    private static Integer postAboutNode(ClientOptions client, String path, String node) {
        return KvCommands.guarded(() -> {
            String host = client.hosts().get(0);
            try (RingClient ring = client.client()) {
                JsonNode answer = ring.post(host, path + "?node=" + URLEncoder.encode(node, StandardCharsets.UTF_8));
                System.out.println(answer.path("message").asText(answer.toString()));
                return 0;
            }
        });
    }

    @Command(name = "cancel-removenode", mixinStandardHelpOptions = true,
            description = {"Cancels the removal of a dead node (by host id) while no node that gains its ranges",
                "finished streaming them: the node is NORMAL (down) in the ring again. Run it on the node",
                "running the removal (--host), or on any node once that one crashed. Refused (exit status 2,",
                "saying why) when no removal of it runs or it is past streaming."})
    static final class CancelRemoveNode implements Callable<Integer> {
        @Mixin ClientOptions client;

        @Parameters(index = "0", paramLabel = "HOST_ID", description = "The id (internode host:port) of the node "
                + "being removed")
        String node;

        @Override
        public Integer call() {
            return postAboutNode(client, "/v1/admin/cancel-removenode", node);
        }
    }

    @Command(name = "abort-bootstrap", mixinStandardHelpOptions = true,
            description = {"Aborts the join of a node (by host id) that is down, from any live node (--host), as",
                "Cassandra's nodetool abortbootstrap: it is no longer a pending replica in any ring and can",
                "never rejoin under its id (wipe its data and start it as a new node). Refused (exit status 2,",
                "saying why) while it is alive, when it is not joining, when it replaces another node, or",
                "once reads of its ranges moved to it."})
    static final class AbortBootstrap implements Callable<Integer> {
        @Mixin ClientOptions client;

        @Parameters(index = "0", paramLabel = "HOST_ID", description = "The id (internode host:port) of the joining "
                + "node")
        String node;

        @Override
        public Integer call() {
            return postAboutNode(client, "/v1/admin/abort-bootstrap", node);
        }
    }

    @Command(name = "removenode", mixinStandardHelpOptions = true,
            description = "Removes a dead node (by host id = internode address) "
                    + "and re-replicates its ranges from the survivors.")
    static final class RemoveNode extends AdminCommand {
        @Parameters(index = "0", paramLabel = "HOST_ID", description = "The dead node's id (its internode host:port)")
        String node;

        @Override
        String operation() {
            return "removenode";
        }

        @Override
        boolean changesRing() {
            return true;
        }

        @Override
        List<String> query() {
            return new ArrayList<>(List.of("node=" + URLEncoder.encode(node, StandardCharsets.UTF_8)));
        }
    }

    @Command(name = "cleanup", mixinStandardHelpOptions = true,
            description = "Drops the local data of ranges the node at --host no longer replicates "
                    + "(after nodes joined).")
    static final class Cleanup extends AdminCommand {
        @Override
        String operation() {
            return "cleanup";
        }
    }

    @Command(name = "flush", mixinStandardHelpOptions = true,
            description = {"Writes the memtable of the node at --host to a table file (as nodetool flush), so its",
                "commit log segments can be retired; prints the bytes flushed and the node's table count."})
    static final class Flush extends AdminCommand {
        @Override
        String operation() {
            return "flush";
        }
    }

    @Command(name = "reloadssl", mixinStandardHelpOptions = true,
            description = {"Makes the node at --host load its certificate and key files again if they changed",
                "(internode and client TLS): new connections use them, open ones keep going."})
    static final class ReloadSsl extends AdminCommand {
        @Override
        String operation() {
            return "reloadssl";
        }
    }

    @Command(name = "repair", mixinStandardHelpOptions = true,
            description = "Synchronises every range the node at --host replicates from the other live replicas.")
    static final class Repair extends AdminCommand {
        @Override
        String operation() {
            return "repair";
        }
    }
}
