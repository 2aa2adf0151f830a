package ringdb.cli.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Real ringdb node processes, each on a "host" of its own: a Linux network namespace with its own
 * network stack and address, as on separate machines. One more namespace holds a bridge that the
 * hosts' veth links plug into (and an address of its own, for clients). Every node listens on the
 * same ports ({@link #INTERNODE_PORT}, {@link #HTTP_PORT}), seeds are given by address, and the
 * addresses ({@code 10.213.0.x/24}) exist only inside these namespaces: no traffic leaves them.
 *
 * <p>A partition takes a host's link down on the bridge side ({@link #partition}): its packets
 * vanish silently, as on a cut cable. Clients run inside a namespace too ({@link #client}), since
 * the test JVM's own network stack cannot reach these addresses.
 *
 * <p>{@link #withInternodeNetwork} gives every host a second link, on a second bridge, for internode
 * traffic alone ({@code 10.214.0.x/24}): the node's {@code listen_address} (its id) is there, while
 * its HTTP API and CQL listener stay on the first ({@code 10.213.0.x}), as on machines with a
 * cluster network apart from the client network. {@link #cutInternode} then blocks a node's
 * internode traffic only: its peers lose it, clients still reach it.
 *
 * <p>Everything is torn down by {@link #close} (node and client processes killed, namespaces
 * deleted), also by a JVM shutdown hook if the test JVM is stopped first, and namespaces left by a
 * test JVM that was killed outright are deleted by the next one. Needs root and iproute2;
 * {@link #unavailableReason} says why a machine cannot run it. Every wait is bounded.
 */
final class NamespaceCluster implements AutoCloseable {
    static final int INTERNODE_PORT = 7000;
    static final int HTTP_PORT = 8080;
    static final String BRIDGE_ADDRESS = "10.213.0.254";
    private static final String CLIENT_NETWORK = "10.213.0.";
    private static final String INTERNODE_NETWORK = "10.214.0.";
    private static final String PREFIX = "rdbt";
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final Path directory;
    private final String name;
    private final List<String> serverFlags;
    private final boolean internodeNetwork;
    private final Map<Integer, String> addresses = new TreeMap<>();
    private final Map<Integer, Process> nodes = new TreeMap<>();
    private final List<NamespaceClient> clients = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    /**
     * Creates the bridge namespace and {@code hosts} host namespaces ({@code 1..hosts}), host i with
     * address {@code 10.213.0.i}; starts no node. {@code serverFlags} go to every node started.
     */
    NamespaceCluster(Path directory, int hosts, List<String> serverFlags) {
        this(directory, hosts, serverFlags, false);
    }

    /**
     * Like the constructor, with every host also on an internode network of its own: host i listens
     * for its peers at {@code 10.214.0.i} (its id, {@link #internodeAddress}) and for clients at
     * {@code 10.213.0.i} ({@link #httpAddress}; the CQL listener too).
     */
    static NamespaceCluster withInternodeNetwork(Path directory, int hosts, List<String> serverFlags) {
        return new NamespaceCluster(directory, hosts, serverFlags, true);
    }

    private NamespaceCluster(Path directory, int hosts, List<String> serverFlags, boolean internodeNetwork) {
        this.directory = directory.toAbsolutePath();
        this.serverFlags = List.copyOf(serverFlags);
        this.internodeNetwork = internodeNetwork;
        this.name = PREFIX + ProcessHandle.current().pid() + "x" + RUNS.incrementAndGet();
        deleteLeftovers();
        this.shutdownHook = new Thread(this::teardown, "namespace-cluster-teardown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            createBridge();
            for (int host = 1; host <= hosts; host++) {
                createHost(host);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Null when this machine can run namespace tests; else why not (for a test assumption). */
    static String unavailableReason() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return "network namespaces need Linux, this is " + System.getProperty("os.name");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return "network namespaces need root, the tests run as " + System.getProperty("user.name");
        }
        String probe = PREFIX + ProcessHandle.current().pid() + "x0probe";
        try {
            Result added = run(List.of("ip", "netns", "add", probe));
            if (added.exitCode() != 0) {
                return "cannot create a network namespace ('ip netns add' said: " + added.output().strip() + ")";
            }
            run(List.of("ip", "netns", "del", probe));
            return null;
        } catch (UncheckedIOException e) {
            return "cannot run 'ip' (install iproute2): " + e.getMessage();
        }
    }

    String bridgeNamespace() {
        return name + "br";
    }

    String hostNamespace(int host) {
        return name + "h" + host;
    }

    /** The host's current address (on the client network, when it has an internode network too). */
    String address(int host) {
        return requireHost(host);
    }

    /** Where the node of {@code host} listens for its peers: {@link #address}, or on the internode network. */
    String listenAddress(int host) {
        String address = requireHost(host);
        return internodeNetwork ? INTERNODE_NETWORK + host : address;
    }

    /** The node's id: its internode address and port. */
    String internodeAddress(int host) {
        return listenAddress(host) + ":" + INTERNODE_PORT;
    }

    String httpAddress(int host) {
        return address(host) + ":" + HTTP_PORT;
    }

    Path nodeDirectory(int host) {
        return directory.resolve("host" + host);
    }

    private void createBridge() {
        namespaces.add(bridgeNamespace());
        ip("netns", "add", bridgeNamespace());
        ip("-n", bridgeNamespace(), "link", "set", "lo", "up");
        ip("-n", bridgeNamespace(), "link", "add", "br0", "type", "bridge");
        ip("-n", bridgeNamespace(), "addr", "add", BRIDGE_ADDRESS + "/24", "dev", "br0");
        ip("-n", bridgeNamespace(), "link", "set", "br0", "up");
        if (internodeNetwork) {
            ip("-n", bridgeNamespace(), "link", "add", "br1", "type", "bridge");
            ip("-n", bridgeNamespace(), "link", "set", "br1", "up");
        }
    }

    /**
     * A host namespace linked to the bridge by a veth pair: "v<i>" in the host, "b<i>" on the bridge;
     * with an internode network, also to the second bridge: "n<i>" in the host, "c<i>" on the bridge.
     */
    private void createHost(int host) {
        String namespace = hostNamespace(host);
        namespaces.add(namespace);
        ip("netns", "add", namespace);
        ip("-n", namespace, "link", "set", "lo", "up");
        // the pair is made inside the bridge namespace, so its names never meet another run's in the root one
        ip("-n", bridgeNamespace(), "link", "add", "v" + host, "type", "veth", "peer", "name", "b" + host);
        ip("-n", bridgeNamespace(), "link", "set", "v" + host, "netns", namespace);
        ip("-n", bridgeNamespace(), "link", "set", "b" + host, "master", "br0");
        ip("-n", bridgeNamespace(), "link", "set", "b" + host, "up");
        String address = CLIENT_NETWORK + host;
        ip("-n", namespace, "addr", "add", address + "/24", "dev", "v" + host);
        ip("-n", namespace, "link", "set", "v" + host, "up");
        if (internodeNetwork) {
            ip("-n", bridgeNamespace(), "link", "add", "n" + host, "type", "veth", "peer", "name", "c" + host);
            ip("-n", bridgeNamespace(), "link", "set", "n" + host, "netns", namespace);
            ip("-n", bridgeNamespace(), "link", "set", "c" + host, "master", "br1");
            ip("-n", bridgeNamespace(), "link", "set", "c" + host, "up");
            ip("-n", namespace, "addr", "add", INTERNODE_NETWORK + host + "/24", "dev", "n" + host);
            ip("-n", namespace, "link", "set", "n" + host, "up");
        }
        addresses.put(host, address);
    }

    /**
     * Starts the node of {@code host} in its namespace: listen address {@link #listenAddress}, HTTP
     * (and, with an internode network, CQL) address {@link #address},
     * the fixed ports, data under {@link #nodeDirectory}, {@code seeds} (internode addresses), the
     * cluster's server flags and then {@code extraFlags}. Returns without waiting for it to serve.
     */
    void start(int host, List<String> seeds, String... extraFlags) {
        if (nodes.containsKey(host) && nodes.get(host).isAlive()) {
            throw new IllegalStateException("the node of host " + host + " is already running");
        }
        Path nodeDir = nodeDirectory(host);
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", hostNamespace(host),
                LocalCluster.javaExecutable()));
        command.addAll(LocalCluster.nodeJvmOptions("256m"));
        command.addAll(List.of("-Dringdb.node.directory=" + nodeDir, "-cp", LocalCluster.childClasspath(),
                "ringdb.cli.Main", "server", "--cluster-name", "namespaces",
                "--listen-address", listenAddress(host), "--internode-port", Integer.toString(INTERNODE_PORT),
                "--http-address", address(host), "--http-port", Integer.toString(HTTP_PORT),
                "--seeds", String.join(",", seeds), "--data-directory", nodeDir.resolve("data").toString()));
        if (internodeNetwork) {
            command.addAll(List.of("--native-transport-address", address(host)));
        }
        command.addAll(serverFlags);
        command.addAll(List.of(extraFlags));
        try {
            Files.createDirectories(nodeDir);
            Path log = nodeDir.resolve(LocalCluster.LOG_FILE);
            String arguments = String.join(" ", command.subList(command.indexOf("server"), command.size()));
            Files.writeString(log, "---- host " + host + " in " + hostNamespace(host) + ": " + arguments + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            // 'ip netns exec' enters the namespace and then executes java: the process is the node itself
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            nodes.put(host, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the node of host " + host + ": " + e.getMessage(), e);
        }
    }

    /** The node process of {@code host}, if one was started and is alive. */
    Optional<Process> node(int host) {
        return Optional.ofNullable(nodes.get(host)).filter(Process::isAlive);
    }

    /** Stops the node of {@code host} gracefully (SIGTERM), killing it if it did not stop in time. */
    void stop(int host) {
        Process process = nodes.remove(host);
        if (process != null) {
            stopProcess(process);
        }
    }

    private static void stopProcess(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Cuts {@code host} off: its links on the bridges go down (both, with an internode network), its
     * packets vanish without a reset.
     */
    void partition(int host) {
        requireHost(host);
        ip("-n", bridgeNamespace(), "link", "set", "b" + host, "down");
        if (internodeNetwork) {
            ip("-n", bridgeNamespace(), "link", "set", "c" + host, "down");
        }
    }

    /** Heals {@link #partition}. */
    void heal(int host) {
        requireHost(host);
        ip("-n", bridgeNamespace(), "link", "set", "b" + host, "up");
        if (internodeNetwork) {
            ip("-n", bridgeNamespace(), "link", "set", "c" + host, "up");
        }
    }

    /**
     * Blocks the internode traffic of {@code host} (its link on the internode bridge goes down, its
     * packets to and from its peers vanish) while clients still reach it. Needs {@link #withInternodeNetwork}.
     */
    void cutInternode(int host) {
        ip("-n", bridgeNamespace(), "link", "set", internodeLink(host), "down");
    }

    /** Heals {@link #cutInternode}. */
    void restoreInternode(int host) {
        ip("-n", bridgeNamespace(), "link", "set", internodeLink(host), "up");
    }

    private String internodeLink(int host) {
        requireHost(host);
        if (!internodeNetwork) {
            throw new IllegalStateException("this cluster has no internode network of its own: build it with "
                    + "withInternodeNetwork to cut internode traffic alone");
        }
        return "c" + host;
    }

    /**
     * Gives {@code host} the address {@code 10.213.0.<lastOctet>} instead of its current one (its
     * client address only, when it has an internode network).
     */
    void changeAddress(int host, int lastOctet) {
        String old = requireHost(host);
        String address = CLIENT_NETWORK + lastOctet;
        if (addresses.containsValue(address) || address.equals(BRIDGE_ADDRESS)) {
            throw new IllegalArgumentException(address + " is taken");
        }
        ip("-n", hostNamespace(host), "addr", "del", old + "/24", "dev", "v" + host);
        ip("-n", hostNamespace(host), "addr", "add", address + "/24", "dev", "v" + host);
        addresses.put(host, address);
    }

    /** A client process in the bridge namespace, which reaches every host not partitioned. */
    NamespaceClient client() {
        return client(bridgeNamespace());
    }

    /** A client process in {@code namespace}; it ends with the cluster. */
    NamespaceClient client(String namespace) {
        if (!namespaces.contains(namespace)) {
            throw new IllegalArgumentException(namespace + " is not a namespace of this cluster");
        }
        NamespaceClient client = NamespaceClient.start(namespace, directory.resolve("client-" + namespace + ".log"));
        clients.add(client);
        return client;
    }

    /** The last lines of the node log of {@code host}, for a failure message. */
    String logTail(int host) {
        return LocalCluster.tail(nodeDirectory(host).resolve(LocalCluster.LOG_FILE), 30);
    }

    private String requireHost(int host) {
        String address = addresses.get(host);
        if (address == null) {
            throw new IllegalArgumentException("no host " + host + " (hosts: " + addresses.keySet() + ")");
        }
        return address;
    }

    /** Kills every process started here and deletes every namespace created, whatever state they are in. */
    @Override
    public void close() {
        teardown();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs teardown again, which finds nothing left
        }
    }

    private synchronized void teardown() {
        if (closed) {
            return;
        }
        closed = true;
        clients.forEach(NamespaceClient::close);
        nodes.values().forEach(Process::destroy);
        nodes.values().forEach(NamespaceCluster::stopProcess);
        nodes.clear();
        // hosts first, the bridge last: deleting a namespace also deletes the veth ends inside it
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            run(List.of("ip", "netns", "del", namespaces.get(i)));
        }
        namespaces.clear();
    }

    /**
     * Deletes namespaces a test JVM that no longer runs left behind (it was killed before its
     * shutdown hook could run). Only names of this harness's shape whose pid is not a live process.
     */
    private static void deleteLeftovers() {
        Result list = run(List.of("ip", "netns", "list"));
        for (String line : list.output().split("\n")) {
            String namespace = line.strip().split("\\s+")[0];
            if (!namespace.matches(PREFIX + "\\d+x\\d+(br|h\\d+|probe)")) {
                continue;
            }
            long pid = Long.parseLong(namespace.substring(PREFIX.length(), namespace.indexOf('x')));
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                continue;
            }
            run(List.of("ip", "netns", "pids", namespace)).output().lines().map(String::strip)
                    .filter(word -> word.matches("\\d+")).map(Long::parseLong)
                    .forEach(stale -> ProcessHandle.of(stale).ifPresent(ProcessHandle::destroyForcibly));
            run(List.of("ip", "netns", "del", namespace));
        }
    }

    private static void ip(String... args) {
        List<String> command = new ArrayList<>();
        command.add("ip");
        command.addAll(List.of(args));
        Result result = run(command);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("'" + String.join(" ", command) + "' failed (exit " + result.exitCode()
                    + "): " + result.output().strip());
        }
    }

    record Result(int exitCode, String output) {
    }

    /** Runs a short command, waiting at most {@link #COMMAND_TIMEOUT}; its output and error together. */
    static Result run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("'" + String.join(" ", command) + "' did not finish within "
                        + COMMAND_TIMEOUT.toSeconds() + " s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run '" + String.join(" ", command) + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running '" + String.join(" ", command) + "'", e);
        }
    }

    /** Polls {@code condition} every 200 ms until true or {@code timeout}; fails naming {@code what}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
    }
}
