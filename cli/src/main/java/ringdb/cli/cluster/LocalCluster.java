package ringdb.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import ringdb.cli.certs.CertificateDirectory;
import ringdb.client.ClientCredentials;
import ringdb.client.ClientTls;
import ringdb.client.RingClient;
import ringdb.client.RingClientException;
import ringdb.server.auth.AuthSettings;
import ringdb.server.config.ConfigKeys;
import ringdb.server.config.ServerConfig;
import ringdb.server.net.FreePorts;

/**
 * A cluster of node processes on loopback, managed through one directory: {@code <dir>/node<i>/}
 * holds each node's ringdb.yaml, data, log file ({@code node.log}) and pid file ({@code ringdb.pid}).
 * {@link #stop} ends exactly the processes whose pid files it finds, after checking that each pid
 * still belongs to a ringdb server of this directory.
 */
public final class LocalCluster {
    public static final String PID_FILE = "ringdb.pid";
    public static final String LOG_FILE = "node.log";
    public static final String CONFIG_FILE = "ringdb.yaml";
    private static final long POLL_MILLIS = 200;

    /** Directory of the certificates of a secure cluster, under the cluster's directory. */
    public static final String CERTS_DIRECTORY = "certs";
    /** The client certificate a secure cluster's commands use. */
    public static final String OPERATOR = "operator";
    /** The superuser's role and password of a secure cluster (user=, password=), readable by its owner only. */
    public static final String CREDENTIALS_FILE = "credentials";
    /** The superuser role of a secure cluster. */
    public static final String SUPERUSER = "ringdb";
    private static final Duration CERTIFICATE_VALIDITY = Duration.ofDays(365);

    /**
     * How to start: node count, RF, first ports (0 = free ports), extra server flags, JVM heap;
     * {@code secure}: certificates made under {@code <dir>/certs}, internode mutual TLS and client TLS
     * with required client certificates; {@code jvmOptions}: more options of each node's JVM, after
     * the defaults ({@link #nodeJvmOptions}).
     */
    public record Settings(int nodes, int replicationFactor, int baseInternodePort, int baseHttpPort,
                           List<String> serverFlags, String heap, boolean secure, List<String> jvmOptions) {
        public Settings {
            jvmOptions = List.copyOf(jvmOptions);
            for (String option : jvmOptions) {
                if (!option.startsWith("-") || option.isBlank() || option.equals("-")) {
                    throw new IllegalArgumentException("a JVM option (--jvm-option) begins with '-', e.g. "
                            + "-XX:+UseG1GC; got '" + option + "'");
                }
            }
        }

        public Settings(int nodes, int replicationFactor, int baseInternodePort, int baseHttpPort,
                        List<String> serverFlags, String heap, boolean secure) {
            this(nodes, replicationFactor, baseInternodePort, baseHttpPort, serverFlags, heap, secure, List.of());
        }

        public Settings(int nodes, int replicationFactor, int baseInternodePort, int baseHttpPort,
                        List<String> serverFlags, String heap) {
            this(nodes, replicationFactor, baseInternodePort, baseHttpPort, serverFlags, heap, false);
        }
    }

    /** One node of the cluster as its directory describes it. */
    public record Member(int index, Path directory, String internodeAddress, String httpAddress,
                         Optional<ProcessHandle> process) {
    }

    private final Path directory;
    private final PrintStream out;

    public LocalCluster(Path directory, PrintStream out) {
        this.directory = directory.toAbsolutePath().normalize();
        this.out = out;
    }

    /**
     * Starts the nodes and waits (up to {@code wait}) until every node sees all of them up; returns
     * the members. When the directory already holds a cluster, only its stopped nodes are started
     * again, with their existing configuration and data (a restart after a crash or a stop).
     */
    public List<Member> start(Settings settings, Duration wait) {
        List<Member> existing = members();
        if (!existing.isEmpty()) {
            return restartStopped(existing, settings, wait);
        }
        List<Member> started = new ArrayList<>();
        String seed = null;
        try {
            CertificateDirectory certs = settings.secure() ? certificates() : null;
            if (settings.secure()) {
                superuserCredentials();
            }
            for (int i = 1; i <= settings.nodes(); i++) {
                Path nodeDir = directory.resolve("node" + i);
                int internode = port(settings.baseInternodePort(), i);
                int http = port(settings.baseHttpPort(), i);
                String internodeAddress = "127.0.0.1:" + internode;
                seed = seed == null ? internodeAddress : seed;
                writeConfig(nodeDir, internode, http, seed, settings.replicationFactor(),
                        certs == null ? "" : tlsConfig(certs, internodeAddress));
                started.add(launch(i, nodeDir, settings));
            }
            awaitUp(started, settings.nodes(), wait);
            return members();
        } catch (RuntimeException e) {
            out.println("start failed: " + e.getMessage() + "; stopping the nodes started");
            stop(Duration.ofSeconds(10));
            throw e;
        }
    }

    /**
     * Adds {@code count} nodes to the running cluster of this directory: each starts with
     * auto_bootstrap, streams the ranges it will own and then serves them. Returns once every
     * running node sees all of them up and NORMAL, or fails after {@code wait}.
     */
    public List<Member> add(int count, Settings settings, Duration wait) {
        List<Member> existing = members();
        if (existing.isEmpty() || existing.stream().noneMatch(m -> m.process().isPresent())) {
            throw new IllegalStateException("no running cluster under " + directory
                    + " to add nodes to; 'ringdb cluster start' first");
        }
        ServerConfig first = ServerConfig.load(existing.get(0).directory().resolve(CONFIG_FILE), Map.of());
        List<Member> running = new ArrayList<>(existing.stream().filter(m -> m.process().isPresent()).toList());
        CertificateDirectory certs = first.bool(ConfigKeys.SERVER_ENCRYPTION_ENABLED) ? certificates() : null;
        for (int i = existing.size() + 1; i <= existing.size() + count; i++) {
            Path nodeDir = directory.resolve("node" + i);
            int internode = port(settings.baseInternodePort(), i);
            int http = port(settings.baseHttpPort(), i);
            writeConfig(nodeDir, internode, http, first.internodeAddress().toString(),
                    first.integer(ConfigKeys.REPLICATION_FACTOR), ConfigKeys.AUTO_BOOTSTRAP + ": true\n"
                            + (certs == null ? "" : tlsConfig(certs, "127.0.0.1:" + internode)));
            running.add(launch(i, nodeDir, settings));
        }
        awaitUp(running, running.size(), wait);
        return members();
    }

    private List<Member> restartStopped(List<Member> existing, Settings settings, Duration wait) {
        List<Member> stopped = existing.stream().filter(m -> m.process().isEmpty()).toList();
        if (stopped.isEmpty()) {
            throw new IllegalStateException("all " + existing.size() + " nodes under " + directory
                    + " are already running; 'ringdb cluster stop --dir " + directory + "' stops them");
        }
        List<Member> all = new ArrayList<>();
        for (Member member : existing) {
            all.add(member.process().isPresent() ? member : launch(member.index(), member.directory(), settings));
        }
        awaitUp(all, existing.size(), wait);
        return members();
    }

    /** The CQL address of {@code member} (its {@code native_transport_port} on 127.0.0.1), or "off". */
    public static String cqlAddress(Member member) {
        Path config = member.directory().resolve(CONFIG_FILE);
        int port = Files.isRegularFile(config)
                ? ServerConfig.load(config, Map.of()).integer(ConfigKeys.NATIVE_TRANSPORT_PORT) : 0;
        return port == 0 ? "off" : "127.0.0.1:" + port;
    }

    /** The certificates of this cluster (made on first use): an authority, and the operator's client certificate. */
    private CertificateDirectory certificates() {
        CertificateDirectory certs = CertificateDirectory.open(directory.resolve(CERTS_DIRECTORY), "local",
                CERTIFICATE_VALIDITY);
        if (!Files.isRegularFile(certs.root().resolve("clients").resolve(OPERATOR).resolve("client.crt"))) {
            certs.issueClient(OPERATOR, CERTIFICATE_VALIDITY);
        }
        return certs;
    }

    /**
     * The superuser of this secure cluster: made (a random password, written to {@value #CREDENTIALS_FILE}
     * readable by its owner only) on first use.
     */
    private ClientCredentials superuserCredentials() {
        ClientCredentials existing = credentials();
        if (existing != null) {
            return existing;
        }
        byte[] secret = new byte[18];
        new java.security.SecureRandom().nextBytes(secret);
        ClientCredentials made = new ClientCredentials(SUPERUSER,
                java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
        Path file = directory.resolve(CREDENTIALS_FILE);
        try {
            Files.createDirectories(directory);
            Files.deleteIfExists(file);
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, "# the superuser of this cluster (ringdb cluster start --secure)\nuser="
                    + made.user() + "\npassword=" + made.password() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return made;
    }

    /** The superuser's credentials of a secure cluster, or null when it has none (no password authentication). */
    public ClientCredentials credentials() {
        Path file = directory.resolve(CREDENTIALS_FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        java.util.Properties properties = ClientCredentials.readFile(file);
        return new ClientCredentials(properties.getProperty("user", SUPERUSER), properties.getProperty("password"));
    }

    /** A certificate for the node {@code nodeId} and the configuration lines that turn on TLS with it. */
    private static String tlsConfig(CertificateDirectory certs, String nodeId) {
        CertificateDirectory.CertificateFiles files = certs.issueNode(nodeId, List.of("localhost"),
                CERTIFICATE_VALIDITY);
        String ca = certs.authorityCertificate().toString();
        StringBuilder yaml = new StringBuilder();
        for (String prefix : List.of("server_encryption", "client_encryption")) {
            yaml.append(prefix).append("_enabled: true\n")
                    .append(prefix).append("_certificate: \"").append(files.certificate()).append("\"\n")
                    .append(prefix).append("_private_key: \"").append(files.privateKey()).append("\"\n")
                    .append(prefix).append("_trusted_certificates: \"").append(ca).append("\"\n")
                    .append(prefix).append("_require_client_auth: true\n");
        }
        yaml.append(ConfigKeys.AUTHENTICATOR).append(": ").append(AuthSettings.PASSWORD_AUTHENTICATOR).append("\n")
                .append(ConfigKeys.AUTHORIZER).append(": ").append(AuthSettings.CASSANDRA_AUTHORIZER).append("\n");
        return yaml.toString();
    }

    /**
     * The TLS a client of this cluster needs: null when its nodes serve plaintext; else the cluster's
     * authority and the operator's certificate (as {@code cluster start --secure} made them).
     */
    public ClientTls clientTls() {
        Path config = directory.resolve("node1").resolve(CONFIG_FILE);
        if (!Files.isRegularFile(config)
                || !ServerConfig.load(config, Map.of()).bool(ConfigKeys.CLIENT_ENCRYPTION_ENABLED)) {
            return null;
        }
        Path certs = directory.resolve(CERTS_DIRECTORY);
        Path operator = certs.resolve("clients").resolve(OPERATOR);
        return ClientTls.fromPem(certs.resolve("ca.crt"), operator.resolve("client.crt"),
                operator.resolve("client.key"));
    }

    private void writeConfig(Path nodeDir, int internodePort, int httpPort, String seed, int replicationFactor,
                             String extra) {
        String yaml = "# written by 'ringdb cluster start'\n"
                + ConfigKeys.CLUSTER_NAME + ": local\n"
                + ConfigKeys.LISTEN_ADDRESS + ": 127.0.0.1\n"
                + ConfigKeys.INTERNODE_PORT + ": " + internodePort + "\n"
                + ConfigKeys.HTTP_ADDRESS + ": 127.0.0.1\n"
                + ConfigKeys.HTTP_PORT + ": " + httpPort + "\n"
                // every node on 127.0.0.1: each gets a CQL port of its own (drivers reach the others by port)
                + ConfigKeys.NATIVE_TRANSPORT_PORT + ": " + FreePorts.loopback() + "\n"
                + ConfigKeys.SEEDS + ": [\"" + seed + "\"]\n"
                + ConfigKeys.DATA_DIRECTORY + ": \"" + nodeDir.resolve("data") + "\"\n"
                + ConfigKeys.REPLICATION_FACTOR + ": " + replicationFactor + "\n" + extra;
        try {
            Files.createDirectories(nodeDir);
            Files.writeString(nodeDir.resolve(CONFIG_FILE), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + nodeDir.resolve(CONFIG_FILE) + ": " + e.getMessage(), e);
        }
    }

    /** Refuses to start a node whose ports are taken (another cluster would answer in its place). */
    private static void requireFree(int index, String address) {
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " of node" + index
                    + " is in use (another cluster or program?); "
                    + "choose other ports with --internode-port/--http-port, or 0 for free ones", e);
        }
    }

    private Member launch(int index, Path nodeDir, Settings settings) {
        ServerConfig config = ServerConfig.load(nodeDir.resolve(CONFIG_FILE), Map.of());
        requireFree(index, config.internodeAddress().toString());
        requireFree(index, config.httpAddress().toString());
        ProcessBuilder builder = new ProcessBuilder(serverCommand(nodeDir, settings.heap(), settings.jvmOptions(),
                settings.serverFlags()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(nodeDir.resolve(LOG_FILE).toFile()));
        ClientCredentials superuser = credentials();
        if (superuser != null) { // the first superuser's password, through the environment: not in a file or ps
            builder.environment().put(AuthSettings.SUPERUSER_PASSWORD_ENV, superuser.password());
        }
        try {
            Process process = builder.start();
            Files.writeString(nodeDir.resolve(PID_FILE), Long.toString(process.pid()));
            out.println("started node" + index + " (pid " + process.pid() + "), log " + nodeDir.resolve(LOG_FILE));
            return member(index, nodeDir).orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node" + index + ": " + e.getMessage(), e);
        }
    }

    /**
     * The command line of the server of the node whose directory is {@code nodeDir} (its configuration
     * and data there), as this class runs it: a child JVM of this one, recognisable as that node's.
     */
    public static List<String> serverCommand(Path nodeDir, String heap, List<String> serverFlags) {
        return serverCommand(nodeDir, heap, List.of(), serverFlags);
    }

    /** As {@link #serverCommand(Path, String, List)} with more JVM options ({@link #nodeJvmOptions(String, List)}). */
    public static List<String> serverCommand(Path nodeDir, String heap, List<String> jvmOptions,
                                             List<String> serverFlags) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(nodeJvmOptions(heap, jvmOptions));
        command.addAll(List.of("-Dringdb.node.directory=" + nodeDir, "-cp", childClasspath(), "ringdb.cli.Main",
                "server", "--config", nodeDir.resolve(CONFIG_FILE).toString()));
        command.addAll(serverFlags);
        return command;
    }

    /**
     * The JVM options of a node process. A node that ran out of memory exits (and its peers see it
     * down) rather than staying up with threads that died half-way through their work.
     */
    static List<String> nodeJvmOptions(String heap) {
        return nodeJvmOptions(heap, List.of());
    }

    /**
     * The default options then {@code more} (a later option wins, so {@code -Xmx} there overrides the
     * heap); when {@code more} chooses a garbage collector ({@code -XX:+Use...GC}) the default
     * ParallelGC is left out, since a JVM refuses to start with two.
     */
    static List<String> nodeJvmOptions(String heap, List<String> more) {
        List<String> options = new ArrayList<>(List.of("-Xmx" + heap));
        if (more.stream().noneMatch(o -> o.matches("-XX:\\+Use\\w*GC"))) {
            options.add("-XX:+UseParallelGC");
        }
        options.add("-XX:+ExitOnOutOfMemoryError");
        options.addAll(more);
        return options;
    }

    /** The java binary running this process, so children use the same JVM. */
    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The classpath for children: ringdb.classpath if set, else this JVM's (the shaded jar or the build's). */
    static String childClasspath() {
        String explicit = System.getProperty("ringdb.classpath");
        if (explicit != null && !explicit.isBlank()) {
            return explicit;
        }
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /** Node {@code i}'s port: {@code base + i - 1}, or a fresh free port when no base was given. */
    private static int port(int base, int i) {
        return base == 0 ? FreePorts.loopback() : base + i - 1;
    }

    private void awaitUp(List<Member> started, int expected, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        String lastProblem = "no answer yet";
        while (System.nanoTime() < deadline) {
            for (Member member : started) {
                if (member.process().isPresent() && !member.process().get().isAlive()) {
                    throw new IllegalStateException("node" + member.index() + " exited during start; see "
                            + member.directory().resolve(LOG_FILE) + ":\n"
                            + tail(member.directory().resolve(LOG_FILE), 20));
                }
            }
            lastProblem = problem(started, expected, clientTls(), credentials());
            if (lastProblem == null
                    && started.stream().allMatch(m -> m.process().map(ProcessHandle::isAlive).orElse(false))) {
                out.println("cluster of " + expected + " nodes is up");
                return;
            }
            pause();
        }
        throw new IllegalStateException(
                "the cluster did not come up within " + wait.toSeconds() + " s: " + lastProblem);
    }

    /**
     * Null when every member answers as itself (not another cluster's node on the same port) and
     * sees {@code expected} members up and NORMAL; else what is missing.
     */
    static String problem(List<Member> members, int expected, ClientTls tls, ClientCredentials credentials) {
        for (Member member : members) {
            String host = member.httpAddress();
            try (RingClient client = new RingClient(List.of(host), new RingClient.Options(2_000, 60_000, 1, false,
                    RingClient.Protocol.NATIVE, tls, credentials))) {
                JsonNode cluster = client.cluster();
                String answeredAs = cluster.path("node").asText();
                if (!answeredAs.equals(member.internodeAddress())) {
                    return host + " answered as node " + answeredAs + ", not " + member.internodeAddress()
                            + " (is another cluster using these ports?)";
                }
                long ready = Stream.iterate(0, i -> i + 1).limit(cluster.path("members").size())
                        .map(i -> cluster.path("members").get(i))
                        .filter(m -> m.path("up").asBoolean() && m.path("state").asText().equals("NORMAL")).count();
                if (ready < expected) {
                    return host + " sees " + ready + " of " + expected + " nodes up and NORMAL";
                }
            } catch (RingClientException e) {
                return host + ": " + e.getMessage();
            }
        }
        return null;
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the cluster", e);
        }
    }

    /**
     * Stops every node of this directory with SIGTERM (graceful), then SIGKILL after {@code grace}.
     * Returns how many.
     */
    public int stop(Duration grace) {
        int stopped = 0;
        List<Member> members = members();
        members.forEach(m -> m.process().ifPresent(ProcessHandle::destroy));
        long deadline = System.nanoTime() + grace.toNanos();
        for (Member member : members) {
            if (member.process().isPresent()) {
                ProcessHandle process = member.process().get();
                while (process.isAlive() && System.nanoTime() < deadline) {
                    pause();
                }
                if (process.isAlive()) {
                    out.println("node" + member.index() + " (pid " + process.pid() + ") did not stop within "
                            + grace.toSeconds() + " s; killing it");
                    process.destroyForcibly();
                }
                out.println("stopped node" + member.index() + " (pid " + process.pid() + ")");
                stopped++;
            }
            deleteQuietly(member.directory().resolve(PID_FILE));
        }
        return stopped;
    }

    /**
     * The nodes found under the directory, in index order; a process only when its pid is a live
     * ringdb server of that node.
     */
    public List<Member> members() {
        List<Member> members = new ArrayList<>();
        for (int i = 1; Files.isDirectory(directory.resolve("node" + i)); i++) {
            member(i, directory.resolve("node" + i)).ifPresent(members::add);
        }
        return members;
    }

    private Optional<Member> member(int index, Path nodeDir) {
        Path configFile = nodeDir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(configFile)) {
            return Optional.empty();
        }
        ServerConfig config = ServerConfig.load(configFile, Map.of());
        return Optional.of(new Member(index, nodeDir, config.internodeAddress().toString(),
                config.httpAddress().toString(), process(nodeDir)));
    }

    private static Optional<ProcessHandle> process(Path nodeDir) {
        Path pidFile = nodeDir.resolve(PID_FILE);
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> isOurs(p, nodeDir));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A pid may have been reused by an unrelated process: only accept a ringdb server of this node directory. */
    private static boolean isOurs(ProcessHandle process, Path nodeDir) {
        Optional<String> commandLine = process.info().commandLine();
        return commandLine.isPresent() && commandLine.get().contains("-Dringdb.node.directory=" + nodeDir);
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a stale pid file is checked against the process's command line next time
        }
    }

    public Path directory() {
        return directory;
    }
}
