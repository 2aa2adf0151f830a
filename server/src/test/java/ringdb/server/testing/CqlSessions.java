package ringdb.server.testing;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import ringdb.server.cql.CqlClusterView;

/**
 * Java driver sessions for tests: the driver's timeouts raised to what a loaded 2-core host needs, a
 * contact point in ringdb's data center. A test adds the options of its own to {@link #timeouts}
 * or {@link #connectionTimeouts} and passes them to {@link #builder}.
 */
public final class CqlSessions {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private CqlSessions() {
    }

    /** 10 s for a request, the control connection's queries and a schema request. */
    public static ProgrammaticDriverConfigLoaderBuilder timeouts() {
        return DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, TIMEOUT)
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, TIMEOUT)
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, TIMEOUT);
    }

    /** {@link #timeouts}, and 10 s for the queries that open a connection (startup, authentication). */
    public static ProgrammaticDriverConfigLoaderBuilder connectionTimeouts() {
        return timeouts().withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, TIMEOUT);
    }

    /** A session builder with {@code contact} as its contact point, ringdb's data center and {@code options}. */
    public static CqlSessionBuilder builder(InetSocketAddress contact, ProgrammaticDriverConfigLoaderBuilder options) {
        return CqlSession.builder().addContactPoint(contact).withLocalDatacenter(CqlClusterView.DATA_CENTER)
                .withConfigLoader(options.build());
    }

    /** A session to {@code contact} with {@link #connectionTimeouts}; the caller closes it. */
    public static CqlSession connect(InetSocketAddress contact) {
        return builder(contact, connectionTimeouts()).build();
    }
}
