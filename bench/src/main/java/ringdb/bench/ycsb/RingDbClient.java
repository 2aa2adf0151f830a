package ringdb.bench.ycsb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;
import ringdb.client.ClientTls;
import ringdb.client.RingClient;
import ringdb.client.RingClientException;
import ringdb.core.coordinator.ConsistencyLevel;

/**
 * The YCSB binding of ringdb ({@code -db ringdb.bench.ycsb.RingDbClient}). Each record is one
 * ringdb value holding all its fields ({@link FieldCodec}); the table name is ignored (ringdb has
 * one key space). An update that carries every field is a blind write; one that carries some
 * fields reads the record, merges and writes it back. Scans are not supported (ringdb is not
 * ordered by key).
 *
 * <p>Properties: {@code ringdb.hosts} (comma-separated HTTP addresses, default 127.0.0.1:8080),
 * {@code ringdb.readconsistency} and {@code ringdb.writeconsistency} (ONE, QUORUM, ALL; default
 * ONE), {@code ringdb.timeoutms} (default 10000), {@code fieldcount} (from the workload);
 * {@code ringdb.tls} (true: TLS), {@code ringdb.tls.cacert}, {@code ringdb.tls.cert} and
 * {@code ringdb.tls.key} (PEM files; a cacert implies TLS).
 *
 * <p>YCSB makes one instance per thread by reflection; they share one {@link RingClient} (one
 * connection pool) per host list through a process-wide map, the one static state of this class.
 */
public final class RingDbClient extends DB {
    private static final Map<String, RingClient> CLIENTS = new ConcurrentHashMap<>();

    private RingClient client;
    private String readConsistency;
    private String writeConsistency;
    private int fieldCount;

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
        long timeoutMillis = Long.parseLong(properties.getProperty("ringdb.timeoutms", "10000"));
        fieldCount = Integer.parseInt(properties.getProperty("fieldcount", "10"));
        String cacert = properties.getProperty("ringdb.tls.cacert");
        String cert = properties.getProperty("ringdb.tls.cert");
        String key = properties.getProperty("ringdb.tls.key");
        boolean tls = Boolean.parseBoolean(properties.getProperty("ringdb.tls", "false")) || cacert != null;
        client = CLIENTS.computeIfAbsent(String.join("|", hosts, Long.toString(timeoutMillis), protocol.name(),
                Boolean.toString(tls), String.valueOf(cacert), String.valueOf(cert), String.valueOf(key)),
                ignored -> new RingClient(
                        Arrays.stream(hosts.split(",")).map(String::trim).filter(h -> !h.isEmpty()).toList(),
                        new RingClient.Options(timeoutMillis, 5_000, 3, true, protocol,
                                tls ? ClientTls.fromPem(path(cacert), path(cert), path(key)) : null)));
    }

    private static Path path(String file) {
        return file == null ? null : Path.of(file);
    }

    private static byte[] keyBytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        try {
            Optional<RingClient.Value> value = client.get(keyBytes(key), readConsistency);
            if (value.isEmpty()) {
                return Status.NOT_FOUND;
            }
            for (Map.Entry<String, byte[]> field : FieldCodec.decode(value.get().value()).entrySet()) {
                if (fields == null || fields.contains(field.getKey())) {
                    result.put(field.getKey(), new ByteArrayByteIterator(field.getValue()));
                }
            }
            return Status.OK;
        } catch (RingClientException e) {
            return failure(e);
        } catch (IllegalArgumentException e) {
            return Status.UNEXPECTED_STATE;
        }
    }

    @Override
    public Status scan(String table, String startKey, int recordCount, Set<String> fields,
                       Vector<HashMap<String, ByteIterator>> result) {
        return Status.NOT_IMPLEMENTED;
    }

    @Override
    public Status update(String table, String key, Map<String, ByteIterator> values) {
        if (values.size() >= fieldCount) {
            return insert(table, key, values);
        }
        try {
            Map<String, byte[]> merged = new LinkedHashMap<>();
            client.get(keyBytes(key), readConsistency).ifPresent(v -> merged.putAll(FieldCodec.decode(v.value())));
            values.forEach((name, value) -> merged.put(name, value.toArray()));
            client.put(keyBytes(key), FieldCodec.encode(merged), writeConsistency);
            return Status.OK;
        } catch (RingClientException e) {
            return failure(e);
        }
    }

    @Override
    public Status insert(String table, String key, Map<String, ByteIterator> values) {
        Map<String, byte[]> fields = new LinkedHashMap<>();
        values.forEach((name, value) -> fields.put(name, value.toArray()));
        try {
            client.put(keyBytes(key), FieldCodec.encode(fields), writeConsistency);
            return Status.OK;
        } catch (RingClientException e) {
            return failure(e);
        }
    }

    @Override
    public Status delete(String table, String key) {
        try {
            client.delete(keyBytes(key), writeConsistency);
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
