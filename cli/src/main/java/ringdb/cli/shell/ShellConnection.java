package ringdb.cli.shell;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.ssl.ProgrammaticSslEngineFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

/** How the shell connects: contact points from {@code H[:P],...} and a driver session configured for a shell. */
public final class ShellConnection {
    public static final int CQL_PORT_DEFAULT = 9042;
    /** How long the driver waits after a schema statement for every live node to report the new schema. */
    static final Duration SCHEMA_AGREEMENT_TIMEOUT = Duration.ofSeconds(60);

    private ShellConnection() {
    }

    /** Parses {@code host[:port]} addresses, comma-separated (port 9042 when left out). */
    public static List<InetSocketAddress> contactPoints(String hosts) {
        List<InetSocketAddress> points = new ArrayList<>();
        for (String part : hosts.split(",")) {
            String host = part.strip();
            if (host.isEmpty()) {
                continue;
            }
            int colon = host.lastIndexOf(':');
            int port = CQL_PORT_DEFAULT;
            if (colon >= 0 && host.indexOf(':') == colon) {
                try {
                    port = Integer.parseInt(host.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("--host: bad port in '" + host + "' (expected HOST:PORT)");
                }
                host = host.substring(0, colon);
            }
            points.add(named(host, port));
        }
        if (points.isEmpty()) {
            throw new IllegalArgumentException("--host: no address given");
        }
        return points;
    }

    /**
     * The address of {@code host} that keeps the name as typed (an IP address too): TLS checks the
     * node's certificate against that name, not against what a reverse lookup of the address gives.
     */
    private static InetSocketAddress named(String host, int port) {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            return address;
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(host, address.getAddress().getAddress()), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + address.getAddress().getAddress().length + " bytes", e);
        }
    }

    /**
     * A session on {@code contactPoints}: the local data center is taken from the contact points
     * (so any cluster's name for it works), one connection per node, cqlsh-like timeouts.
     */
    public static CqlSession open(List<InetSocketAddress> contactPoints, String username, String password,
                                  Duration connectTimeout, Duration requestTimeout) {
        return open(contactPoints, username, password, connectTimeout, requestTimeout, null);
    }

    /**
     * {@link #open(List, String, String, Duration, Duration)} over TLS with {@code ssl} (null:
     * plaintext): the node's certificate must be signed by an authority {@code ssl} trusts and name
     * the address dialled, as cqlsh's {@code --ssl} with {@code validate = true} checks it.
     */
    public static CqlSession open(List<InetSocketAddress> contactPoints, String username, String password,
                                  Duration connectTimeout, Duration requestTimeout, SSLContext ssl) {
        DriverConfigLoader loader = DriverConfigLoader.programmaticBuilder()
                .withString(DefaultDriverOption.LOAD_BALANCING_POLICY_CLASS, "DcInferringLoadBalancingPolicy")
                .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, connectTimeout)
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, connectTimeout)
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, connectTimeout)
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, requestTimeout)
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, requestTimeout)
                // after a schema statement, until every live node reports the new schema: the next statement
                // may reach another node, which refuses a keyspace or table it has not learned yet
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, SCHEMA_AGREEMENT_TIMEOUT)
                // every keyspace, the system ones too, for DESCRIBE
                .withStringList(DefaultDriverOption.METADATA_SCHEMA_REFRESHED_KEYSPACES, List.of())
                .withInt(DefaultDriverOption.CONNECTION_POOL_LOCAL_SIZE, 1)
                .withInt(DefaultDriverOption.CONNECTION_POOL_REMOTE_SIZE, 1)
                .withBoolean(DefaultDriverOption.CONNECTION_WARN_INIT_ERROR, false)
                .build();
        CqlSessionBuilder builder = CqlSession.builder().addContactPoints(contactPoints).withConfigLoader(loader);
        if (username != null) {
            builder = builder.withAuthCredentials(username, password == null ? "" : password);
        }
        if (ssl != null) {
            builder = builder.withSslEngineFactory(new ProgrammaticSslEngineFactory(ssl, null, true));
        }
        return builder.build();
    }

    /** What a failed connection attempt prints. */
    public static String describeFailure(RuntimeException error) {
        return ShellErrors.connectionError(error);
    }
}
