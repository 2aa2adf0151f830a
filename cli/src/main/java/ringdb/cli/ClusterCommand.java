package ringdb.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import ringdb.cli.cluster.LocalCluster;
import ringdb.client.RingClient;

/** {@code ringdb cluster start|stop|status}: a local multi-process cluster on loopback. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Runs a local cluster of node processes on 127.0.0.1, one data directory and log file per node.",
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class, ClusterCommand.Status.class,
            ClusterCommand.Add.class})
final class ClusterCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class DirOption {
        @Option(names = "--dir", defaultValue = "./data",
                description = "Directory of the cluster (default ${DEFAULT-VALUE})")
        Path dir;
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Starts the nodes and returns once every node sees all of them up and NORMAL.")
    static final class Start implements Callable<Integer> {
        @Mixin DirOption dir;
        @Option(names = "--nodes", defaultValue = "3", description = "Number of nodes (default ${DEFAULT-VALUE})")
        int nodes;
        @Option(names = "--rf", defaultValue = "2", description = "Replication factor (default ${DEFAULT-VALUE})")
        int replicationFactor;
        @Option(names = "--internode-port", defaultValue = "7000",
                description = "Internode port of node1; node i gets port+i-1; 0 = free ports "
                        + "(default ${DEFAULT-VALUE})")
        int internodePort;
        @Option(names = "--http-port", defaultValue = "8080",
                description = "HTTP port of node1; node i gets port+i-1; 0 = free ports (default ${DEFAULT-VALUE})")
        int httpPort;
        @Option(names = "--wait-seconds", defaultValue = "60",
                description = "How long to wait for the cluster (default ${DEFAULT-VALUE})")
        long waitSeconds;
        @Option(names = "--heap", defaultValue = "1g", description = "Heap of each node JVM (default ${DEFAULT-VALUE})")
        String heap;
        @Option(names = "--jvm-option", paramLabel = "OPTION",
                description = "Extra option of every node JVM, repeatable, after the defaults (-Xmx of --heap, "
                        + "-XX:+UseParallelGC unless it names a collector, -XX:+ExitOnOutOfMemoryError), e.g. "
                        + "--jvm-option=-XX:+UseG1GC --jvm-option=-XX:StartFlightRecording=filename=node.jfr")
        List<String> jvmOptions = new ArrayList<>();
        @Option(names = "--server-flag", paramLabel = "FLAG",
                description = "Extra flag passed to every 'ringdb server', "
                        + "e.g. --server-flag=--commitlog-sync=periodic")
        List<String> serverFlags = new ArrayList<>();
        @Option(names = "--secure", description = "Make certificates under DIR/certs and run with internode mutual "
                + "TLS and client TLS requiring a client certificate (see docs/security.md)")
        boolean secure;

        @Override
        public Integer call() {
            if (nodes < 1 || nodes > 64) {
                System.err.println("error: --nodes must be between 1 and 64, got " + nodes);
                return 2;
            }
            if (replicationFactor < 1) {
                System.err.println("error: --rf must be at least 1, got " + replicationFactor);
                return 2;
            }
            List<String> flags = new ArrayList<>();
            serverFlags.forEach(f -> flags.addAll(List.of(f.split("=", 2))));
            try {
                LocalCluster cluster = new LocalCluster(dir.dir, System.out);
                List<LocalCluster.Member> members = cluster.start(new LocalCluster.Settings(nodes, replicationFactor,
                        internodePort, httpPort, flags, heap, secure, jvmOptions), Duration.ofSeconds(waitSeconds));
                if (cluster.clientTls() != null) {
                    printSecureUsage(cluster, members.get(0).httpAddress());
                }
                return 0;
            } catch (RuntimeException e) {
                System.err.println("error: " + e.getMessage());
                return 1;
            }
        }
    }

    /** How to reach a secure cluster: the CLI's TLS options and curl's. */
    private static void printSecureUsage(LocalCluster cluster, String http) {
        Path certs = cluster.directory().resolve(LocalCluster.CERTS_DIRECTORY);
        Path operator = certs.resolve("clients").resolve(LocalCluster.OPERATOR);
        String tls = "--cacert " + certs.resolve("ca.crt") + " --cert " + operator.resolve("client.crt") + " --key "
                + operator.resolve("client.key");
        Path credentials = cluster.directory().resolve(LocalCluster.CREDENTIALS_FILE);
        System.out.println("TLS everywhere and password authentication; clients need the cluster's authority, a "
                + "client certificate and a role. The superuser " + LocalCluster.SUPERUSER + " and its password "
                + "are in " + credentials + ":");
        System.out.println("  ringdb status --host " + http + " " + tls + " --credentials " + credentials);
        System.out.println("  curl " + tls + " -u " + LocalCluster.SUPERUSER + " https://" + http + "/v1/cluster"
                + "   (asks for the password)");
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Adds nodes to the running local cluster: each joins "
                    + "(auto_bootstrap), streams its ranges, then serves.")
    static final class Add implements Callable<Integer> {
        @Mixin DirOption dir;
        @Option(names = "--count", defaultValue = "1", description = "Nodes to add (default ${DEFAULT-VALUE})")
        int count;
        @Option(names = "--internode-port", defaultValue = "0",
                description = "Base internode port (node i gets port+i-1); 0 = free ports (default ${DEFAULT-VALUE})")
        int internodePort;
        @Option(names = "--http-port", defaultValue = "0",
                description = "Base HTTP port (node i gets port+i-1); 0 = free ports (default ${DEFAULT-VALUE})")
        int httpPort;
        @Option(names = "--wait-seconds", defaultValue = "180",
                description = "How long to wait for the join (default ${DEFAULT-VALUE})")
        long waitSeconds;
        @Option(names = "--heap", defaultValue = "1g", description = "Heap of each node JVM (default ${DEFAULT-VALUE})")
        String heap;
        @Option(names = "--jvm-option", paramLabel = "OPTION",
                description = "Extra option of every node JVM, repeatable, after the defaults (-Xmx of --heap, "
                        + "-XX:+UseParallelGC unless it names a collector, -XX:+ExitOnOutOfMemoryError), e.g. "
                        + "--jvm-option=-XX:+UseG1GC --jvm-option=-XX:StartFlightRecording=filename=node.jfr")
        List<String> jvmOptions = new ArrayList<>();
        @Option(names = "--server-flag", paramLabel = "FLAG",
                description = "Extra flag passed to the new nodes' 'ringdb server'")
        List<String> serverFlags = new ArrayList<>();

        @Override
        public Integer call() {
            if (count < 1 || count > 32) {
                System.err.println("error: --count must be between 1 and 32, got " + count);
                return 2;
            }
            List<String> flags = new ArrayList<>();
            serverFlags.forEach(f -> flags.addAll(List.of(f.split("=", 2))));
            try {
                new LocalCluster(dir.dir, System.out).add(count,
                        new LocalCluster.Settings(count, 1, internodePort, httpPort, flags, heap, false, jvmOptions),
                        Duration.ofSeconds(waitSeconds));
                return 0;
            } catch (RuntimeException e) {
                System.err.println("error: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stops the nodes this directory's pid files name "
                    + "(SIGTERM, then SIGKILL after --grace-seconds).")
    static final class Stop implements Callable<Integer> {
        @Mixin DirOption dir;
        @Option(names = "--grace-seconds", defaultValue = "20",
                description = "Wait for a graceful stop (default ${DEFAULT-VALUE})")
        long graceSeconds;

        @Override
        public Integer call() {
            int stopped = new LocalCluster(dir.dir, System.out).stop(Duration.ofSeconds(graceSeconds));
            System.out.println(stopped == 0
                    ? "no running node found under " + dir.dir
                    : "stopped " + stopped + " node(s)");
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Shows each local node's process and the cluster status.")
    static final class Status implements Callable<Integer> {
        @Mixin DirOption dir;

        @Override
        public Integer call() {
            List<LocalCluster.Member> members = new LocalCluster(dir.dir, System.out).members();
            if (members.isEmpty()) {
                System.out.println("no cluster under " + dir.dir);
                return 1;
            }
            List<String> live = new ArrayList<>();
            for (LocalCluster.Member m : members) {
                System.out.printf("node%d  %-8s internode %s  http %s  cql %s  dir %s%n", m.index(),
                        m.process().map(p -> "pid " + p.pid()).orElse("stopped"), m.internodeAddress(),
                        m.httpAddress(), LocalCluster.cqlAddress(m), m.directory());
                m.process().ifPresent(p -> live.add(m.httpAddress()));
            }
            if (live.isEmpty()) {
                return 1;
            }
            return KvCommands.guarded(() -> {
                LocalCluster cluster = new LocalCluster(dir.dir, System.out);
                try (RingClient client = new RingClient(live,
                        RingClient.Options.defaults().withTls(cluster.clientTls())
                                .withCredentials(cluster.credentials()))) {
                    System.out.println();
                    System.out.print(ClusterInfoCommands.statusTable(client.cluster()));
                    return 0;
                }
            });
        }
    }
}
