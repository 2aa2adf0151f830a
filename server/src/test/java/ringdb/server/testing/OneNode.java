package ringdb.server.testing;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import ringdb.server.config.ServerConfig;
import ringdb.server.net.FreePorts;
import ringdb.server.runtime.FileStores;
import ringdb.server.runtime.ServerNode;

/**
 * A real node alone in its cluster on 127.0.0.1, for the tests of every module that talk to one
 * (the CQL shell, the drivers, the YCSB bindings): free ports from {@link FreePorts}, replication
 * factor 1, quick gossip, and its own seed. The settings are a mutable map so that a test can add
 * or change any of them before {@link #start(Map)}.
 */
public final class OneNode {
    private OneNode() {
    }

    /** The settings of a node with its data under {@code dataDirectory} and a free internode port. */
    public static Map<String, String> settings(Path dataDirectory) {
        return settings(dataDirectory, FreePorts.loopback());
    }

    /**
     * The settings of a node with its data under {@code dataDirectory} listening for internode
     * connections on {@code internodePort} (a test that issues the node a certificate names it first).
     */
    public static Map<String, String> settings(Path dataDirectory, int internodePort) {
        Map<String, String> settings = new HashMap<>();
        settings.put("listen_address", "127.0.0.1");
        settings.put("internode_port", Integer.toString(internodePort));
        settings.put("http_address", "127.0.0.1");
        settings.put("http_port", Integer.toString(FreePorts.loopback()));
        settings.put("native_transport_port", Integer.toString(FreePorts.loopback()));
        settings.put("data_directory", dataDirectory.toString());
        settings.put("replication_factor", "1");
        settings.put("gossip_interval_ms", "100");
        settings.put("ring_delay_ms", "300");
        settings.put("seeds", "127.0.0.1:" + internodePort);
        return settings;
    }

    /**
     * The settings of a node of several on one host's loopback addresses: listening for internode
     * connections on {@code host}:{@code internodePort}, HTTP on a free port of {@code host}, CQL on
     * {@code cqlPort} (nodes on different addresses may share it), its data under
     * {@code dataDirectory}, joining through {@code seeds}.
     */
    public static Map<String, String> settingsOn(String host, int internodePort, String seeds, int cqlPort,
                                                 Path dataDirectory) {
        return settingsOn(host, internodePort, FreePorts.on(host), seeds, cqlPort, dataDirectory);
    }

    /** {@link #settingsOn(String, int, String, int, Path)} with HTTP on {@code httpPort} (kept across restarts). */
    public static Map<String, String> settingsOn(String host, int internodePort, int httpPort, String seeds,
                                                 int cqlPort, Path dataDirectory) {
        Map<String, String> settings = settings(dataDirectory, internodePort);
        settings.put("listen_address", host);
        settings.put("http_address", host);
        settings.put("http_port", Integer.toString(httpPort));
        settings.put("native_transport_port", Integer.toString(cqlPort));
        settings.put("seeds", seeds);
        return settings;
    }

    /**
     * Makes {@code settings} fsync the commit log every 50 ms rather than before each acknowledgement,
     * for a test's pace: a killed process loses nothing it wrote to the operating system, and a
     * QUORUM write is on several replicas anyway. Returns {@code settings}.
     */
    public static Map<String, String> periodicCommitLog(Map<String, String> settings) {
        settings.put("commitlog_sync", "periodic");
        settings.put("commitlog_sync_period_ms", "50");
        return settings;
    }

    /**
     * The settings that make the node's CQL port speak TLS with {@code certificate} and
     * {@code privateKey} (PEM), trusting {@code trusted} for client certificates, which it requires
     * when {@code requireClientAuth}; the files are read once (no reload checks).
     */
    public static Map<String, String> clientTls(Path certificate, Path privateKey, Path trusted,
                                                boolean requireClientAuth) {
        Map<String, String> settings = new HashMap<>();
        settings.put("ssl_reload_check_interval_ms", "0");
        settings.put("client_encryption_enabled", "true");
        settings.put("client_encryption_certificate", certificate.toString());
        settings.put("client_encryption_private_key", privateKey.toString());
        settings.put("client_encryption_trusted_certificates", trusted.toString());
        settings.put("client_encryption_require_client_auth", Boolean.toString(requireClientAuth));
        return settings;
    }

    /** Starts a node with {@code settings} (files on disk); the caller closes it. */
    public static ServerNode start(Map<String, String> settings) {
        ServerConfig config = ServerConfig.load(null, settings);
        return ServerNode.start(config, new FileStores(config), null);
    }
}
