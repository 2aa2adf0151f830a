package ringdb.server.runtime;

import java.util.ArrayList;
import java.util.List;
import ringdb.server.audit.AuditLog;
import ringdb.server.config.ConfigKeys;
import ringdb.server.config.HostPort;
import ringdb.server.config.ServerConfig;
import ringdb.server.tls.ClientPortExposure;
import ringdb.server.tls.ClientTls;
import ringdb.server.tls.ReloadingTls;
import ringdb.server.tls.TlsMaterial;
import ringdb.server.tls.TlsReloader;
import ringdb.server.transport.InternodeTls;

/**
 * A node's TLS: the internode context ({@code server_encryption_*}), the client-port context
 * ({@code client_encryption_*}, shared by every client listener), the reloader that watches their
 * files, and the warnings about client ports open to other machines without protection.
 */
final class NodeTls implements AutoCloseable {
    private final InternodeTls internode;
    private final ClientTls client;
    private final TlsReloader reloader;
    private final List<String> warnings;

    private NodeTls(InternodeTls internode, ClientTls client, TlsReloader reloader, List<String> warnings) {
        this.internode = internode;
        this.client = client;
        this.reloader = reloader;
        this.warnings = List.copyOf(warnings);
    }

    /**
     * Reads every file {@code config} names (client TLS handshakes are audited to {@code audit});
     * throws {@link IllegalArgumentException} saying what is wrong. With {@code passwordAuthentication}
     * a client port reachable from other machines is not reported.
     */
    static NodeTls fromConfig(ServerConfig config, AuditLog audit, boolean passwordAuthentication) {
        InternodeTls internode = !config.bool(ConfigKeys.SERVER_ENCRYPTION_ENABLED) ? null
                : InternodeTls.from(TlsMaterial.fromConfig(config, "server_encryption"),
                        config.bool(ConfigKeys.SERVER_ENCRYPTION_REQUIRE_CLIENT_AUTH),
                        config.bool(ConfigKeys.SERVER_ENCRYPTION_CHECK_NODE_ID));
        ClientTls client = ClientTls.fromConfig(config, audit);
        List<ReloadingTls<?>> contexts = new ArrayList<>();
        if (internode != null) {
            contexts.add(internode.reloading());
        }
        if (client != null) {
            contexts.add(client.reloading());
        }
        List<String> warnings = new ArrayList<>();
        String exposed = passwordAuthentication ? null
                : ClientPortExposure.warning("HTTP and native protocol", config.httpAddress(), client);
        if (exposed != null) {
            warnings.add(exposed);
        }
        int cqlPort = config.integer(ConfigKeys.NATIVE_TRANSPORT_PORT);
        String cqlHost = config.text(ConfigKeys.NATIVE_TRANSPORT_ADDRESS);
        String cqlExposed = cqlPort == 0 || passwordAuthentication ? null : ClientPortExposure.warning("CQL",
                new HostPort(cqlHost.isEmpty() ? config.text(ConfigKeys.LISTEN_ADDRESS) : cqlHost, cqlPort), client,
                ConfigKeys.NATIVE_TRANSPORT_ADDRESS);
        if (cqlExposed != null) {
            warnings.add(cqlExposed);
        }
        return new NodeTls(internode, client, new TlsReloader(contexts,
                config.number(ConfigKeys.SSL_RELOAD_CHECK_INTERVAL_MS)), warnings);
    }

    InternodeTls internode() {
        return internode;
    }

    ClientTls client() {
        return client;
    }

    TlsReloader reloader() {
        return reloader;
    }

    /** What is unsafe about this node's exposure (shown at start, in /v1/cluster and in metrics). */
    List<String> warnings() {
        return warnings;
    }

    @Override
    public void close() {
        reloader.close();
    }
}
