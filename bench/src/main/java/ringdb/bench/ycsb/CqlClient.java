package ringdb.bench.ycsb;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;
import site.ycsb.StringByteIterator;

/**
 * The YCSB binding over CQL ({@code -db ringdb.bench.ycsb.CqlClient}), on the Apache Cassandra Java
 * driver, for ringdb and Cassandra alike. The table is YCSB's Cassandra table,
 * {@code usertable(y_id text PRIMARY KEY, field0 text, ..., field9 text)}; every statement is
 * prepared once per process with its consistency level (as YCSB's binding does) and found again by
 * the fields it carries, with no CQL text built per operation: inserts and updates write the given columns blindly
 * ({@code UPDATE ... SET field3 = ? WHERE y_id = ?}), reads select all or the listed fields, scans
 * read {@code token(y_id) >= token(?)} with a LIMIT, deletes remove the row.
 *
 * <p>Properties, as YCSB's Cassandra binding names them: {@code hosts} (required, comma-separated;
 * an entry may carry its own {@code :port}), {@code port} (9042), {@code cassandra.keyspace}
 * ({@code ycsb}), {@code cassandra.readconsistencylevel} and {@code cassandra.writeconsistencylevel}
 * ({@code QUORUM}), {@code cassandra.username} and {@code cassandra.password},
 * {@code cassandra.connecttimeoutmillis} (5000), {@code cassandra.readtimeoutmillis} (12000),
 * {@code cassandra.maxconnections} (connections per node, 1); {@code table} ({@code usertable}).
 *
 * <p>YCSB makes one instance per thread; they share one session per process (counted, closed by the
 * last {@link #cleanup}), the one static state of this class.
 */
public final class CqlClient extends DB {
    public static final String HOSTS = "hosts";
    public static final String PORT = "port";
    public static final String KEYSPACE = "cassandra.keyspace";
    public static final String READ_CONSISTENCY = "cassandra.readconsistencylevel";
    public static final String WRITE_CONSISTENCY = "cassandra.writeconsistencylevel";
    public static final String USERNAME = "cassandra.username";
    public static final String PASSWORD = "cassandra.password";
    public static final String CONNECT_TIMEOUT_MILLIS = "cassandra.connecttimeoutmillis";
    public static final String READ_TIMEOUT_MILLIS = "cassandra.readtimeoutmillis";
    public static final String CONNECTIONS_PER_NODE = "cassandra.maxconnections";
    public static final String KEY_COLUMN = "y_id";
    static final String KEYSPACE_DEFAULT = "ycsb";
    static final String TABLE_DEFAULT = "usertable";
    /**
     * How long a schema statement waits for every live node to report the new schema: the next
     * statement or write may reach another node, which refuses a keyspace or table it has not
     * learned yet. Generous: gossip and schema pulls are slow on a loaded machine.
     */
    static final Duration SCHEMA_AGREEMENT_TIMEOUT = Duration.ofSeconds(60);

    private static final Object LOCK = new Object();
    private static Shared shared;

    /** The session all instances share, and the statements prepared on it. */
    private static final class Shared {
        final CqlSession session;
        final Map<String, Statement> prepared = new ConcurrentHashMap<>();
        int users;

        Shared(CqlSession session) {
            this.session = session;
        }
    }

    /**
     * A prepared statement, the field names its values are bound in order of (inserts, updates) and the
     * names of its result columns by index, the key column's null (reads copy rows by column index).
     */
    private record Statement(PreparedStatement prepared, List<String> names, String[] resultNames) {
        Statement(PreparedStatement prepared) {
            this(prepared, List.of(), resultNames(prepared));
        }

        Statement withNames(List<String> fieldNames) {
            return new Statement(prepared, fieldNames, resultNames);
        }

        private static String[] resultNames(PreparedStatement prepared) {
            List<String> names = new ArrayList<>();
            for (ColumnDefinition column : prepared.getResultSetDefinitions()) {
                String name = column.getName().asInternal();
                names.add(name.equals(KEY_COLUMN) ? null : name);
            }
            return names.toArray(new String[0]);
        }

        /**
         * Puts each value of {@code row} into {@code result} as its bytes, as YCSB's Cassandra binding takes
         * them: a view of the buffer the driver decoded the value into (its own, never reused), copied only
         * when that buffer has no accessible array.
         */
        void copy(Row row, Map<String, ByteIterator> result) {
            for (int i = 0; i < resultNames.length; i++) {
                if (resultNames[i] != null) {
                    ByteBuffer value = row.getBytesUnsafe(i);
                    result.put(resultNames[i], value == null ? null : iterator(value));
                }
            }
        }

        private static ByteIterator iterator(ByteBuffer value) {
            if (value.hasArray()) {
                return new ByteArrayByteIterator(value.array(), value.arrayOffset() + value.position(),
                        value.remaining());
            }
            byte[] bytes = new byte[value.remaining()];
            value.duplicate().get(bytes);
            return new ByteArrayByteIterator(bytes);
        }
    }

    /** The key of the statements that take every field (reads and scans of all fields, deletes). */
    private static final Set<String> ALL_FIELDS = Set.of("*");

    private Shared session;
    private static final int READ = 0;
    private static final int UPDATE = 1;
    private static final int INSERT = 2;
    private static final int DELETE = 3;
    /** This instance's statements by kind, table, then the fields they carry (YCSB: one thread each). */
    private final List<Map<String, Map<Set<String>, Statement>>> statements = List.of(new HashMap<>(), new HashMap<>(),
            new HashMap<>(), new HashMap<>());
    private ConsistencyLevel readConsistency;
    private ConsistencyLevel writeConsistency;

    @Override
    public void init() throws DBException {
        Properties properties = getProperties();
        try {
            readConsistency = consistency(properties, READ_CONSISTENCY);
            writeConsistency = consistency(properties, WRITE_CONSISTENCY);
            synchronized (LOCK) {
                if (shared == null) {
                    shared = new Shared(connect(properties, true));
                }
                shared.users++;
                session = shared;
            }
        } catch (IllegalArgumentException | DriverException e) {
            throw new DBException("CQL binding: " + e.getMessage(), e);
        }
    }

    @Override
    public void cleanup() {
        synchronized (LOCK) {
            if (session != null && --session.users == 0) {
                session.session.close();
                shared = null;
            }
            session = null;
        }
    }

    private static ConsistencyLevel consistency(Properties properties, String name) {
        String level = properties.getProperty(name, "QUORUM").strip().toUpperCase(Locale.ROOT);
        try {
            return DefaultConsistencyLevel.valueOf(level);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be a consistency level (ONE, QUORUM, ALL, ...), got '"
                    + level + "'", e);
        }
    }

    /**
     * A driver session on the {@code hosts} of {@code properties}, in {@code cassandra.keyspace} when
     * {@code inKeyspace}; the local data center is inferred from the contact points.
     */
    public static CqlSession connect(Properties properties, boolean inKeyspace) {
        String hosts = properties.getProperty(HOSTS);
        if (hosts == null || hosts.isBlank()) {
            throw new IllegalArgumentException("the property 'hosts' is required (CQL addresses, comma-separated)");
        }
        int port = Integer.parseInt(properties.getProperty(PORT, "9042").strip());
        List<InetSocketAddress> contactPoints = new ArrayList<>();
        for (String host : hosts.split(",")) {
            String h = host.strip();
            int colon = h.lastIndexOf(':');
            if (!h.isEmpty()) {
                contactPoints.add(colon > 0 && h.indexOf(':') == colon
                        ? new InetSocketAddress(h.substring(0, colon), Integer.parseInt(h.substring(colon + 1)))
                        : new InetSocketAddress(h, port));
            }
        }
        long connectMillis = Long.parseLong(properties.getProperty(CONNECT_TIMEOUT_MILLIS, "5000"));
        long readMillis = Long.parseLong(properties.getProperty(READ_TIMEOUT_MILLIS, "12000"));
        int connections = Integer.parseInt(properties.getProperty(CONNECTIONS_PER_NODE, "1"));
        DriverConfigLoader loader = DriverConfigLoader.programmaticBuilder()
                .withString(DefaultDriverOption.LOAD_BALANCING_POLICY_CLASS, "DcInferringLoadBalancingPolicy")
                .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, Duration.ofMillis(connectMillis))
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofMillis(connectMillis))
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofMillis(connectMillis))
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofMillis(readMillis))
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofMillis(readMillis))
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, SCHEMA_AGREEMENT_TIMEOUT)
                .withInt(DefaultDriverOption.CONNECTION_POOL_LOCAL_SIZE, connections)
                .withInt(DefaultDriverOption.CONNECTION_MAX_REQUESTS, 2048)
                .build();
        CqlSessionBuilder builder = CqlSession.builder().addContactPoints(contactPoints).withConfigLoader(loader);
        String user = properties.getProperty(USERNAME);
        if (user != null) {
            builder = builder.withAuthCredentials(user, properties.getProperty(PASSWORD, ""));
        }
        if (inKeyspace) {
            builder = builder.withKeyspace(CqlIdentifier.fromInternal(keyspace(properties)));
        }
        return builder.build();
    }

    static String keyspace(Properties properties) {
        return properties.getProperty(KEYSPACE, KEYSPACE_DEFAULT);
    }

    /**
     * Creates the keyspace ({@code SimpleStrategy}, {@code replicationFactor}) and YCSB's table of
     * {@code fieldCount} text fields when they do not exist yet; returns what it did, for a log line.
     */
    public static String createTable(Properties properties, int replicationFactor, int fieldCount) {
        String keyspace = CqlIdentifier.fromInternal(keyspace(properties)).asCql(true);
        String table = CqlIdentifier.fromInternal(properties.getProperty("table", TABLE_DEFAULT)).asCql(true);
        StringBuilder columns = new StringBuilder(KEY_COLUMN + " text PRIMARY KEY");
        for (int i = 0; i < fieldCount; i++) {
            columns.append(", field").append(i).append(" text");
        }
        try (CqlSession session = connect(properties, false)) {
            changeSchema(session, "CREATE KEYSPACE IF NOT EXISTS " + keyspace + " WITH replication = "
                    + "{'class': 'SimpleStrategy', 'replication_factor': " + replicationFactor + "}");
            // the table statement may reach another node: the driver waited until every live node knew the keyspace
            changeSchema(session, "CREATE TABLE IF NOT EXISTS " + keyspace + "." + table + " (" + columns + ")");
            return keyspace + "." + table + " (RF " + session.getMetadata().getKeyspace(keyspace)
                    .map(k -> k.getReplication().get("replication_factor")).orElse("?") + ")";
        }
    }

    /**
     * Runs the schema statement {@code cql}; the driver then waits (up to {@link #SCHEMA_AGREEMENT_TIMEOUT})
     * until every live node reports the same schema. Fails when they still disagree, rather than let the
     * next statement reach a node that has not learned the change.
     */
    private static void changeSchema(CqlSession session, String cql) {
        if (!session.execute(cql).getExecutionInfo().isSchemaInAgreement()) {
            throw new IllegalStateException("the nodes did not agree on the schema within "
                    + SCHEMA_AGREEMENT_TIMEOUT.toSeconds() + " s after: " + cql);
        }
    }

    /**
     * The statement of {@code cql} at {@code consistency}, prepared once per process. Bound statements
     * inherit every attribute set on it, so it carries, besides the level, what the driver would otherwise
     * look up in its configuration on every request (execution profile, request timeout, page size, serial
     * consistency, idempotence): the same values, taken from the session's default profile once.
     */
    private Statement prepare(String cql, ConsistencyLevel consistency) {
        return session.prepared.computeIfAbsent(consistency.name() + " " + cql, ignored -> {
            DriverExecutionProfile profile = session.session.getContext().getConfig().getDefaultProfile();
            SimpleStatement statement = SimpleStatement.builder(cql)
                    .setExecutionProfile(profile)
                    .setConsistencyLevel(consistency)
                    .setSerialConsistencyLevel(DefaultConsistencyLevel.valueOf(
                            profile.getString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY)))
                    .setTimeout(profile.getDuration(DefaultDriverOption.REQUEST_TIMEOUT))
                    .setPageSize(profile.getInt(DefaultDriverOption.REQUEST_PAGE_SIZE))
                    .setIdempotence(profile.getBoolean(DefaultDriverOption.REQUEST_DEFAULT_IDEMPOTENCE))
                    .build();
            return new Statement(session.session.prepare(statement));
        });
    }

    /**
     * The text value {@code text} as its UTF-8 bytes, which the driver sends as they are: its own string
     * codec encodes through a charset encoder per value.
     */
    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The text value of {@code value}, the UTF-8 form of its {@code toString}: a {@link StringByteIterator}'s
     * string (its bytes are its characters truncated to bytes); any other iterator's bytes when they are
     * ASCII (YCSB's generated values are printable ASCII), which are their own UTF-8 form, else decoded as
     * YCSB's {@code toString} decodes them (malformed sequences replaced) and encoded again, so that a text
     * column never receives malformed UTF-8.
     */
    private static ByteBuffer text(ByteIterator value) {
        if (value instanceof StringByteIterator) {
            return utf8(value.toString());
        }
        byte[] bytes = value.toArray();
        for (byte b : bytes) {
            if (b < 0) {
                return utf8(new String(bytes, StandardCharsets.UTF_8));
            }
        }
        return ByteBuffer.wrap(bytes);
    }

    /**
     * The statement of one kind of operation on {@code table} with {@code fields} (null: every field),
     * from this instance's cache; {@code text} makes the CQL text the first time only.
     */
    private Statement statement(int kind, String table, Set<String> fields, ConsistencyLevel consistency,
                                java.util.function.Function<List<String>, String> text) {
        Map<Set<String>, Statement> byFields = statements.get(kind).computeIfAbsent(table, k -> new HashMap<>());
        Set<String> key = fields == null ? ALL_FIELDS : fields;
        Statement found = byFields.get(key);
        if (found == null) {
            List<String> names = fields == null ? List.of() : List.copyOf(new TreeSet<>(fields));
            found = prepare(text.apply(names), consistency).withNames(names);
            byFields.put(fields == null ? ALL_FIELDS : Set.copyOf(fields), found);
        }
        return found;
    }

    private static String quoted(String name) {
        return CqlIdentifier.fromInternal(name).asCql(true);
    }

    private static String columns(List<String> names) {
        return names.isEmpty() ? "*" : String.join(", ", names.stream().map(CqlClient::quoted).toList());
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        try {
            Statement statement = statement(READ, table, fields, readConsistency, names -> "SELECT " + columns(names)
                    + " FROM " + quoted(table) + " WHERE " + KEY_COLUMN + " = ? LIMIT 1");
            Row row = session.session.execute(statement.prepared.boundStatementBuilder()
                    .setBytesUnsafe(0, utf8(key)).build()).one();
            if (row == null) {
                return Status.NOT_FOUND;
            }
            statement.copy(row, result);
            return Status.OK;
        } catch (DriverException e) {
            return failure(e);
        }
    }

    @Override
    public Status scan(String table, String startKey, int recordCount, Set<String> fields,
                       Vector<HashMap<String, ByteIterator>> result) {
        try {
            // the limit is part of the text: one prepared statement per scan length YCSB asks for
            List<String> names = fields == null ? List.of() : List.copyOf(new TreeSet<>(fields));
            Statement statement = prepare("SELECT " + columns(names) + " FROM " + quoted(table) + " WHERE token("
                    + KEY_COLUMN + ") >= token(?) LIMIT " + Math.max(1, recordCount), readConsistency);
            ResultSet rows = session.session.execute(statement.prepared.boundStatementBuilder()
                    .setBytesUnsafe(0, utf8(startKey)).build());
            for (Row row : rows) {
                HashMap<String, ByteIterator> record = new HashMap<>();
                statement.copy(row, record);
                result.add(record);
            }
            return Status.OK;
        } catch (DriverException e) {
            return failure(e);
        }
    }

    @Override
    public Status update(String table, String key, Map<String, ByteIterator> values) {
        Statement statement = statement(UPDATE, table, values.keySet(), writeConsistency, names -> {
            StringBuilder cql = new StringBuilder("UPDATE ").append(quoted(table)).append(" SET ");
            for (int i = 0; i < names.size(); i++) {
                cql.append(i == 0 ? "" : ", ").append(quoted(names.get(i))).append(" = ?");
            }
            return cql.append(" WHERE ").append(KEY_COLUMN).append(" = ?").toString();
        });
        return write(statement, values, key, false);
    }

    @Override
    public Status insert(String table, String key, Map<String, ByteIterator> values) {
        Statement statement = statement(INSERT, table, values.keySet(), writeConsistency, names -> {
            StringBuilder cql = new StringBuilder("INSERT INTO ").append(quoted(table)).append(" (")
                    .append(KEY_COLUMN);
            names.forEach(name -> cql.append(", ").append(quoted(name)));
            return cql.append(") VALUES (?").append(", ?".repeat(names.size())).append(')').toString();
        });
        return write(statement, values, key, true);
    }

    private Status write(Statement statement, Map<String, ByteIterator> values, String key, boolean keyFirst) {
        try {
            BoundStatementBuilder bound = statement.prepared.boundStatementBuilder();
            int index = 0;
            if (keyFirst) {
                bound.setBytesUnsafe(index++, utf8(key));
            }
            for (String name : statement.names) {
                bound.setBytesUnsafe(index++, text(values.get(name)));
            }
            if (!keyFirst) {
                bound.setBytesUnsafe(index, utf8(key));
            }
            session.session.execute(bound.build());
            return Status.OK;
        } catch (DriverException e) {
            return failure(e);
        }
    }

    @Override
    public Status delete(String table, String key) {
        try {
            Statement statement = statement(DELETE, table, null, writeConsistency, names -> "DELETE FROM "
                    + quoted(table) + " WHERE " + KEY_COLUMN + " = ?");
            session.session.execute(statement.prepared.boundStatementBuilder().setBytesUnsafe(0, utf8(key))
                    .build());
            return Status.OK;
        } catch (DriverException e) {
            return failure(e);
        }
    }

    private static Status failure(DriverException e) {
        return e instanceof UnavailableException ? Status.SERVICE_UNAVAILABLE : Status.ERROR;
    }
}
