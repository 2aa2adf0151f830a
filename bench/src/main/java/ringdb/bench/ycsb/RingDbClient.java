package ringdb.bench.ycsb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;
import ringdb.client.ClientCredentials;
import ringdb.client.ClientTls;
import ringdb.client.RingClient;
import ringdb.client.RingClientException;
import ringdb.core.coordinator.ConsistencyLevel;

/**
 * The YCSB binding of ringdb ({@code -db ringdb.bench.ycsb.RingDbClient}). A record is a row of the
 * table {@code <ringdb.keyspace>.<table>} ({@code usertable(y_id text PRIMARY KEY, field0 text, ...)},
 * created when missing, with {@code fieldcount} fields named {@code fieldnameprefix}0, 1, ...): an
 * insert writes the row (with its row marker), an update writes only the fields it carries, as a
 * blind write (nothing is read first, and two clients updating different fields of one record both
 * keep theirs), a read reads the row's columns, a delete deletes the row, a scan reads the records
 * from the start key's token on in token order (as the CQL binding's {@code token(y_id) >= token(?)}).
 * With the native protocol rows travel as ROW_WRITE, ROW_READ and SCAN requests; with HTTP through
 * {@code /v1/rows}; deletes through {@code /v1/rows} with either.
 *
 * <p>Properties: {@code ringdb.hosts} (comma-separated HTTP addresses, default 127.0.0.1:8080),
 * {@code ringdb.readconsistency} and {@code ringdb.writeconsistency} (ONE, QUORUM, ALL; default
 * ONE), {@code ringdb.timeoutms} (default 10000), {@code ringdb.protocol} (NATIVE or HTTP),
 * {@code ringdb.keyspace} (default ycsb) and {@code ringdb.replicationfactor} (of the keyspace when
 * this creates it; default the cluster's), {@code fieldcount} and {@code fieldnameprefix} (from the
 * workload); {@code ringdb.tls} (true: TLS), {@code ringdb.tls.cacert}, {@code ringdb.tls.cert} and
 * {@code ringdb.tls.key} (PEM files; a cacert implies TLS); {@code ringdb.user} and
 * {@code ringdb.password} (a login, for nodes with password authentication).
 *
 * <p>YCSB makes one instance per thread by reflection; they share one {@link RingClient} (one
 * connection pool) per host list through a process-wide map, and create the table once per client,
 * the static state of this class.
 */
public final class RingDbClient extends DB {
    private static final Map<String, RingClient> CLIENTS = new ConcurrentHashMap<>();
    private static final Map<String, Boolean> TABLES_READY = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY_COLUMN = "y_id";
    /** How long the table may take to reach every node after it is created. */
    /** Property: the role to log in as (with {@link #PASSWORD}); absent: no login. */
    public static final String USER = "ringdb.user";
    /** Property: the password of {@link #USER}. */
    public static final String PASSWORD = "ringdb.password";

    private RingClient client;
    private boolean nativeProtocol;
    private String keyspace;
    private String readConsistency;
    private String writeConsistency;

    @Override
    public void init() throws DBException {
        Properties properties = getProperties();
        String hosts = properties.getProperty("ringdb.hosts", "127.0.0.1:8080");
        try {
            readConsistency = ConsistencyLevel.parse(properties.getProperty("ringdb.readconsistency", "ONE")).name();
            writeConsistency = ConsistencyLevel.parse(properties.getProperty("ringdb.writeconsistency", "ONE")).name();
        } catch (RuntimeException e) {
            throw new DBException(e.getMessage(), e);
        }
        RingClient.Protocol protocol;
        try {
            protocol = RingClient.Protocol.valueOf(
                    properties.getProperty("ringdb.protocol", "NATIVE").trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new DBException("ringdb.protocol must be NATIVE or HTTP, got '"
                    + properties.getProperty("ringdb.protocol") + "'", e);
        }
        nativeProtocol = protocol == RingClient.Protocol.NATIVE;
        keyspace = properties.getProperty("ringdb.keyspace", "ycsb");
        long timeoutMillis = Long.parseLong(properties.getProperty("ringdb.timeoutms", "10000"));
        String cacert = properties.getProperty("ringdb.tls.cacert");
        String cert = properties.getProperty("ringdb.tls.cert");
        String key = properties.getProperty("ringdb.tls.key");
        boolean tls = Boolean.parseBoolean(properties.getProperty("ringdb.tls", "false")) || cacert != null;
        String user = properties.getProperty(USER);
        ClientCredentials credentials = user == null ? null
                : new ClientCredentials(user, properties.getProperty(PASSWORD, ""));
        String clientKey = String.join("|", hosts, Long.toString(timeoutMillis), protocol.name(),
                Boolean.toString(tls), String.valueOf(cacert), String.valueOf(cert), String.valueOf(key),
                String.valueOf(user));
        client = CLIENTS.computeIfAbsent(clientKey, ignored -> new RingClient(
                        Arrays.stream(hosts.split(",")).map(String::trim).filter(h -> !h.isEmpty()).toList(),
                        new RingClient.Options(timeoutMillis, 5_000, 3, true, protocol,
                                tls ? ClientTls.fromPem(path(cacert), path(cert), path(key)) : null)
                                .withCredentials(credentials)));
        String table = properties.getProperty("table", "usertable");
        int fields = Integer.parseInt(properties.getProperty("fieldcount", "10"));
        String prefix = properties.getProperty("fieldnameprefix", "field");
        String rf = properties.getProperty("ringdb.replicationfactor");
        synchronized (TABLES_READY) {
            String tableKey = clientKey + "|" + keyspace + "." + table + "|" + fields + "|" + prefix;
            if (!TABLES_READY.containsKey(tableKey)) {
                createTable(client, keyspace, table, fields, prefix, rf);
                TABLES_READY.put(tableKey, true);
            }
        }
    }

    /**
     * Creates the keyspace and the table unless they exist, waiting after each until every live node of
     * the cluster knows it: a schema change spreads after it is acknowledged, and a table statement or a
     * write routed to a node that has not learned it yet would be refused (drivers wait for schema
     * agreement the same way).
     */
    static void createTable(RingClient client, String keyspace, String table, int fields, String prefix,
                            String replicationFactor) throws DBException {
        try {
            JsonNode cluster = client.cluster();
            ObjectNode ks = JSON.createObjectNode();
            ks.put("name", keyspace);
            ks.put("replication_factor", replicationFactor != null ? Integer.parseInt(replicationFactor)
                    : Math.max(1, cluster.path("replication_factor").asInt(1)));
            ks.put("if_not_exists", true);
            client.postJson("/v1/schema/keyspaces", ks, null, true);
            // The table statement may reach another node: it must know the keyspace first.
            awaitAgreement(client, "creating keyspace " + keyspace);
            ObjectNode t = JSON.createObjectNode();
            t.put("name", table);
            t.putArray("partition_key").addObject().put("name", KEY_COLUMN).put("type", "text");
            ArrayNode columns = t.putArray("columns");
            for (int i = 0; i < fields; i++) {
                columns.addObject().put("name", prefix + i).put("type", "text");
            }
            t.put("if_not_exists", true);
            client.postJson("/v1/schema/keyspaces/" + keyspace + "/tables", t, null, true);
            awaitAgreement(client, "creating table " + keyspace + "." + table);
        } catch (RingClientException | IllegalArgumentException e) {
            throw new DBException("cannot create " + keyspace + "." + table + ": " + e.getMessage(), e);
        }
    }

    /** Waits until every live node holds the same schema; a change answered 200 (it existed) waits too. */
    private static void awaitAgreement(RingClient client, String what) throws DBException {
        if (!client.awaitSchemaAgreement()) {
            throw new DBException("the live nodes did not agree on the schema within the request timeout after "
                    + what);
        }
    }

    private static Path path(String file) {
        return file == null ? null : Path.of(file);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        try {
            if (!nativeProtocol) {
                return readHttp(table, key, fields, result);
            }
            // Each value goes into the result as a view of the answer's own bytes: no copy, no map between
            boolean found = client.readRow(keyspace, table, List.of(utf8(key)), List.of(),
                    fields == null ? List.of() : fields, readConsistency,
                    (name, bytes, offset, length, timestamp) ->
                            result.put(name, new ByteArrayByteIterator(bytes, offset, length)));
            return found ? Status.OK : Status.NOT_FOUND;
        } catch (RingClientException e) {
            return failure(e);
        }
    }

    private Status readHttp(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        ObjectNode query = JSON.createObjectNode();
        query.putObject("partition").put(KEY_COLUMN, key);
        query.put("cl", readConsistency);
        JsonNode rows = client.postJson("/v1/rows/" + keyspace + "/" + table + "/query", query, utf8(key), true)
                .path("rows");
        if (rows.isEmpty()) {
            return Status.NOT_FOUND;
        }
        rows.get(0).properties().forEach(column -> {
            if (!column.getKey().equals(KEY_COLUMN) && (fields == null || fields.contains(column.getKey()))) {
                result.put(column.getKey(), new ByteArrayByteIterator(utf8(column.getValue().asText())));
            }
        });
        return Status.OK;
    }

    /**
     * The {@code recordCount} records from the token of {@code startKey} on, in token order, as the CQL
     * binding's {@code token(y_id) >= token(?) LIMIT n}: a scan of the table over the ring (SCAN with
     * the native protocol, {@code /v1/rows/.../scan} with HTTP).
     */
    @Override
    public Status scan(String table, String startKey, int recordCount, Set<String> fields,
                       Vector<HashMap<String, ByteIterator>> result) {
        try {
            if (nativeProtocol) {
                scanNative(table, startKey, recordCount, fields, result);
                return Status.OK;
            }
            ObjectNode query = JSON.createObjectNode();
            query.putObject("from").put(KEY_COLUMN, startKey);
            query.put("limit", Math.max(1, recordCount));
            if (fields != null) {
                ArrayNode columns = query.putArray("columns");
                fields.forEach(columns::add);
            }
            query.put("cl", readConsistency);
            JsonNode rows = client.postJson("/v1/rows/" + keyspace + "/" + table + "/scan", query, utf8(startKey),
                    true).path("rows");
            for (JsonNode row : rows) {
                if (result.size() == recordCount) {
                    break;
                }
                HashMap<String, ByteIterator> record = new HashMap<>();
                row.properties().forEach(column -> {
                    if (!column.getKey().equals(KEY_COLUMN)) {
                        record.put(column.getKey(), new ByteArrayByteIterator(utf8(column.getValue().asText())));
                    }
                });
                result.add(record);
            }
            return Status.OK;
        } catch (RingClientException e) {
            return failure(e);
        }
    }

    private void scanNative(String table, String startKey, int recordCount, Set<String> fields,
                            Vector<HashMap<String, ByteIterator>> result) {
        RingClient.ScanPage page = client.scan(keyspace, table, RingClient.ScanStart.partition(List.of(
                utf8(startKey))), Math.max(1, recordCount), fields == null ? List.of() : fields, readConsistency);
        List<String> columns = page.columns();
        for (List<byte[]> row : page.rows()) {
            if (result.size() == recordCount) {
                break;
            }
            HashMap<String, ByteIterator> record = new HashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                if (row.get(i) != null && !columns.get(i).equals(KEY_COLUMN)) {
                    record.put(columns.get(i), new ByteArrayByteIterator(row.get(i)));
                }
            }
            result.add(record);
        }
    }

    /** Writes only the fields given: a blind write of those columns. */
    @Override
    public Status update(String table, String key, Map<String, ByteIterator> values) {
        return write(table, key, values, false);
    }

    @Override
    public Status insert(String table, String key, Map<String, ByteIterator> values) {
        return write(table, key, values, true);
    }

    private Status write(String table, String key, Map<String, ByteIterator> values, boolean insert) {
        try {
            if (nativeProtocol) {
                Map<String, byte[]> columns = new LinkedHashMap<>();
                values.forEach((name, value) -> columns.put(name, value.toArray()));
                client.writeRow(keyspace, table, List.of(utf8(key)), List.of(), columns, insert, writeConsistency);
            } else {
                ObjectNode request = JSON.createObjectNode();
                ObjectNode row = request.putArray("rows").addObject();
                row.put(KEY_COLUMN, key);
                values.forEach((name, value) -> row.put(name, new String(value.toArray(), StandardCharsets.UTF_8)));
                request.put("update", !insert);
                request.put("cl", writeConsistency);
                client.postJson("/v1/rows/" + keyspace + "/" + table, request, utf8(key), false);
            }
            return Status.OK;
        } catch (RingClientException e) {
            return failure(e);
        }
    }

    @Override
    public Status delete(String table, String key) {
        try {
            ObjectNode request = JSON.createObjectNode();
            request.putObject("partition").put(KEY_COLUMN, key);
            request.put("cl", writeConsistency);
            client.postJson("/v1/rows/" + keyspace + "/" + table + "/delete", request, utf8(key), false);
            return Status.OK;
        } catch (RingClientException e) {
            return failure(e);
        }
    }

    private static Status failure(RingClientException e) {
        if (e.status() == 503) {
            return Status.SERVICE_UNAVAILABLE;
        }
        return e.status() == 400 || e.status() == 413 ? Status.BAD_REQUEST : Status.ERROR;
    }

    /** For tests: the hosts each shared client was built for. */
    static List<String> sharedClientKeys() {
        return List.copyOf(CLIENTS.keySet());
    }
}
