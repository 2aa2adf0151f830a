package ringdb.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import ringdb.core.protocol.NativeProtocol;
import ringdb.core.schema.keys.PartitionKey;

/**
 * A Java client of a ringdb cluster. Thread-safe; share one per process and close it when done.
 *
 * <ul>
 * <li>Protocols: key-value requests use the native protocol by default: one connection per node
 *     carries every thread's requests at once ({@link NativeTransport}); with {@link Protocol#HTTP}
 *     they use the HTTP API instead. Cluster, ring and admin requests are HTTP.
 * <li>TLS: with {@link Options#tls} every connection (HTTP and native) is TLS, the node's
 *     certificate checked against the client's trusted authority and the host dialled.
 * <li>Connection pooling: persistent HTTP/1.1 connections per node, on which the calling thread does
 *     its own blocking I/O ({@link HttpTransport}).
 * <li>Token-aware routing: the client learns the ring from {@code GET /v1/cluster} (refreshed every
 *     {@code ringRefreshMillis}) and sends each key to its primary replica (the next replica when
 *     the primary is unreachable), so the coordinator is a replica and one network hop is saved.
 * <li>Retries only where safe: a request that never reached a node (connection refused) is retried
 *     on the next node for every operation; a read is also retried after a timeout, 503 or 504;
 *     a write or delete whose outcome is unknown is not retried (it could reorder with later
 *     writes), unless it carries the caller's own timestamp, which makes it idempotent.
 * </ul>
 */
public final class RingClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DOWN_MILLIS = 2_000;

    /** How key-value requests travel; cluster, ring and admin requests are always HTTP. */
    public enum Protocol {
        /**
         * The binary native protocol: one multiplexed connection per node
         * ({@code docs/formats/native-protocol.md}).
         */
        NATIVE,
        /** HTTP/1.1, one request at a time per pooled connection. */
        HTTP
    }

    private static final String SCHEMA_PATH = "/v1/schema/";
    static final long SCHEMA_AGREEMENT_POLL_MILLIS = 100;

    /**
     * Client settings; times in milliseconds; {@code tls}: TLS on every connection (null: plaintext);
     * {@code credentials}: the role to log in as (null: none, for nodes that require no login).
     */
    public record Options(long requestTimeoutMillis, long ringRefreshMillis, int attemptsMax, boolean tokenAware,
                          Protocol protocol, ClientTls tls, ClientCredentials credentials) {
        public Options(long requestTimeoutMillis, long ringRefreshMillis, int attemptsMax, boolean tokenAware,
                       Protocol protocol, ClientTls tls) {
            this(requestTimeoutMillis, ringRefreshMillis, attemptsMax, tokenAware, protocol, tls, null);
        }

        public Options(long requestTimeoutMillis, long ringRefreshMillis, int attemptsMax, boolean tokenAware,
                       Protocol protocol) {
            this(requestTimeoutMillis, ringRefreshMillis, attemptsMax, tokenAware, protocol, null);
        }

        /** With the native protocol. */
        public Options(long requestTimeoutMillis, long ringRefreshMillis, int attemptsMax, boolean tokenAware) {
            this(requestTimeoutMillis, ringRefreshMillis, attemptsMax, tokenAware, Protocol.NATIVE);
        }

        public static Options defaults() {
            return new Options(10_000, 5_000, 3, true);
        }

        public Options withProtocol(Protocol chosen) {
            return new Options(requestTimeoutMillis, ringRefreshMillis, attemptsMax, tokenAware, chosen, tls,
                    credentials);
        }

        /** The same with TLS on every connection ({@code chosen} null: plaintext). */
        public Options withTls(ClientTls chosen) {
            return new Options(requestTimeoutMillis, ringRefreshMillis, attemptsMax, tokenAware, protocol, chosen,
                    credentials);
        }

        /** The same logging in as {@code chosen} (null: no login). */
        public Options withCredentials(ClientCredentials chosen) {
            return new Options(requestTimeoutMillis, ringRefreshMillis, attemptsMax, tokenAware, protocol, tls,
                    chosen);
        }
    }

    /** A value read back with the timestamp of the write that produced it. */
    public record Value(byte[] value, long timestampMicros) {
    }

    private final List<String> contactPoints;
    private final Options options;
    private final HttpTransport http;
    private final NativeTransport nativeTransport;
    private final Map<String, Long> downUntilMillis = new ConcurrentHashMap<>();
    private volatile ClusterView view;
    private volatile long viewLoadedMillis;

    /**
     * @param contactPoints HTTP addresses "host:port" of one or more nodes; with {@code tokenAware}
     *                      false, requests go only to these (a CLI's {@code --host}), else to the
     *                      replicas the ring names
     */
    public RingClient(List<String> contactPoints, Options options) {
        if (contactPoints.isEmpty()) {
            throw new IllegalArgumentException("at least one node address (host:port) is needed");
        }
        this.contactPoints = List.copyOf(contactPoints);
        this.options = options;
        this.http = new HttpTransport((int) Math.min(options.requestTimeoutMillis(), 2_000), options.tls(),
                options.credentials());
        this.nativeTransport = new NativeTransport((int) Math.min(options.requestTimeoutMillis(), 2_000),
                options.requestTimeoutMillis(), options.tls(), options.credentials());
    }

    public RingClient(String contactPoint) {
        this(List.of(contactPoint), Options.defaults());
    }

    /** Writes {@code value} under {@code key}; returns the write's timestamp in microseconds. */
    public long put(byte[] key, byte[] value, String consistency) {
        return put(key, value, consistency, null);
    }

    /** As {@link #put(byte[], byte[], String)} with the caller's own timestamp (null = the coordinator's). */
    public long put(byte[] key, byte[] value, String consistency, Long timestampMicros) {
        HttpTransport.Response response =
                send(key, HttpMethod.PUT, consistency, timestampMicros, value, timestampMicros != null);
        return response.timestampMicros();
    }

    /** Deletes {@code key}; returns the tombstone's timestamp in microseconds. */
    public long delete(byte[] key, String consistency) {
        HttpTransport.Response response = send(key, HttpMethod.DELETE, consistency, null, null, false);
        return response.timestampMicros();
    }

    /** Reads {@code key}; empty when it was never written or was deleted. */
    public Optional<Value> get(byte[] key, String consistency) {
        HttpTransport.Response response = send(key, HttpMethod.GET, consistency, null, null, true);
        if (response.status() == 404) {
            return Optional.empty();
        }
        return Optional.of(new Value(response.body(), response.timestampMicros()));
    }

    /**
     * Writes {@code columns} of one row of table {@code keyspace.table} (native protocol), nothing read
     * first: the columns not named keep their values. Values are in their CQL native serialization; a
     * null value deletes that cell. {@code insert} also writes the row marker (CQL INSERT), else it is
     * an update (CQL UPDATE). The row is named by its partition key values and clustering values (all
     * of them). Returns the write's timestamp in microseconds; the table's definition refuses what does
     * not fit it (a 400 {@link RingClientException} naming the column and its type).
     */
    public long writeRow(String keyspace, String table, List<byte[]> partitionKey, List<byte[]> clustering,
                         Map<String, byte[]> columns, boolean insert, String consistency) {
        requireNative("writeRow");
        byte[] body = RowFrames.write(consistency, null, null, insert, keyspace, table, partitionKey, clustering,
                columns);
        return send(routingKey(partitionKey), NativeProtocol.ROW_WRITE, body, false).timestampMicros();
    }

    /**
     * Reads the live {@code columns} (empty: every static and regular column) of one row of table
     * {@code keyspace.table} (native protocol): column name to value (CQL native serialization,
     * collections assembled) and timestamp; empty when the row does not exist.
     */
    public Optional<Map<String, Value>> readRow(String keyspace, String table, List<byte[]> partitionKey,
                                                List<byte[]> clustering, Collection<String> columns,
                                                String consistency) {
        Map<String, Value> row = new LinkedHashMap<>();
        boolean found = readRow(keyspace, table, partitionKey, clustering, columns, consistency,
                (name, bytes, offset, length, timestampMicros) -> row.put(name,
                        new Value(Arrays.copyOfRange(bytes, offset, offset + length), timestampMicros)));
        return found ? Optional.of(row) : Optional.empty();
    }

    /** Receives the columns of a row read by {@link #readRow(String, String, List, List, Collection, String,
     * ColumnVisitor)}. */
    @FunctionalInterface
    public interface ColumnVisitor {
        /**
         * One column: its value is {@code length} bytes of {@code bytes} from {@code offset}. The array
         * holds this answer alone and nothing else writes it, so the visitor may keep it.
         */
        void column(String name, byte[] bytes, int offset, int length, long timestampMicros);
    }

    /**
     * As {@link #readRow(String, String, List, List, Collection, String)}, handing each column to
     * {@code visitor} in the order sent instead of building a map (no copy of the values); false when
     * the row does not exist. A malformed answer is refused before any column is handed over.
     */
    public boolean readRow(String keyspace, String table, List<byte[]> partitionKey, List<byte[]> clustering,
                           Collection<String> columns, String consistency, ColumnVisitor visitor) {
        requireNative("readRow");
        byte[] body = RowFrames.read(consistency, keyspace, table, partitionKey, clustering, columns);
        HttpTransport.Response response = send(routingKey(partitionKey), NativeProtocol.ROW_READ, body, true);
        if (response.status() == 404) {
            return false;
        }
        try {
            RowFrames.row(response.body(), visitor);
        } catch (IOException e) {
            throw new RingClientException(0, "bad_response", e.getMessage(), e);
        }
        return true;
    }

    /** Where a {@link #scan} starts: the ring's start, a partition's token, a token, or a previous page's end. */
    public record ScanStart(int kind, List<byte[]> partitionKey, long token, byte[] paging) {
        /** The first partition of the ring on. */
        public static ScanStart ringStart() {
            return new ScanStart(NativeProtocol.SCAN_FROM_RING_START, null, 0, null);
        }

        /** The token of the partition with these key values (CQL native serialization) on, inclusive. */
        public static ScanStart partition(List<byte[]> partitionKey) {
            return new ScanStart(NativeProtocol.SCAN_FROM_PARTITION, List.copyOf(partitionKey), 0, null);
        }

        /** The partitions of {@code token} and after. */
        public static ScanStart token(long token) {
            return new ScanStart(NativeProtocol.SCAN_FROM_TOKEN, null, token, null);
        }

        /** Exactly after the page whose {@link ScanPage#paging} this is. */
        public static ScanStart after(byte[] paging) {
            return new ScanStart(NativeProtocol.SCAN_AFTER_PAGING, null, 0, paging.clone());
        }
    }

    /**
     * A page of a scan: {@code columns} names each row's values (the partition key columns, the clustering
     * columns, then those selected), a null value is a column without one; {@code paging} is where the next
     * page starts ({@link ScanStart#after}), null once the scan read the ring to its end.
     */
    public record ScanPage(List<String> columns, List<List<byte[]>> rows, byte[] paging) {
    }

    /**
     * A page of the rows of table {@code keyspace.table} in token order from {@code start} (native
     * protocol SCAN): at least {@code limit} rows (1 to 10,000) unless the ring ends first, whole
     * partitions each, the {@code columns} selected (empty: every static and regular column).
     */
    public ScanPage scan(String keyspace, String table, ScanStart start, int limit, Collection<String> columns,
                         String consistency) {
        requireNative("scan");
        byte[] body = RowFrames.scan(consistency, keyspace, table, limit, start, columns);
        byte[] routingKey = start.kind() == NativeProtocol.SCAN_FROM_PARTITION ? routingKey(start.partitionKey())
                : null;
        HttpTransport.Response response = send(routingKey, NativeProtocol.SCAN, body, true);
        try {
            return RowFrames.rows(response.body());
        } catch (IOException e) {
            throw new RingClientException(0, "bad_response", e.getMessage(), e);
        }
    }

    /**
     * {@code POST path} with a JSON body (the row and schema APIs, {@code /v1/rows}, {@code /v1/schema}),
     * sent to the replicas of {@code routingKey} first (null: any node); retried on another node only
     * when {@code idempotent} or never sent. Throws on a non-2xx answer.
     */
    public JsonNode postJson(String path, JsonNode body, byte[] routingKey, boolean idempotent) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the body cannot be written as JSON: " + e.getMessage(), e);
        }
        long timeoutMillis = options.requestTimeoutMillis();
        Exchange exchange = node -> exchange(node, HttpMethod.POST, path, bytes, timeoutMillis);
        HttpTransport.Response response = send(routingKey, exchange, HttpMethod.POST, idempotent);
        if (path.startsWith(SCHEMA_PATH) && response.status() == 201) {
            awaitSchemaAgreement(); // as CQL drivers do after DDL: the next request may go to any node
        }
        return parseJson(response.body());
    }

    /**
     * Waits until every member of the cluster that answers holds the same schema (each node asked for its own
     * {@code schema_version} in {@code GET /v1/cluster}), checking every {@value #SCHEMA_AGREEMENT_POLL_MILLIS}
     * ms for at most the request timeout. A schema change made through {@link #postJson} waits for this
     * itself, so that the next statement finds the change on whichever node it reaches. Nodes that do
     * not answer are left out, as down. Returns whether the nodes agreed in time.
     */
    public boolean awaitSchemaAgreement() {
        long deadline = System.nanoTime() + options.requestTimeoutMillis() * 1_000_000L;
        while (true) {
            if (schemaAgreed()) {
                return true;
            }
            long leftMillis = (deadline - System.nanoTime()) / 1_000_000L;
            if (leftMillis <= 0) {
                return false;
            }
            try {
                Thread.sleep(Math.min(SCHEMA_AGREEMENT_POLL_MILLIS, leftMillis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private boolean schemaAgreed() {
        JsonNode cluster;
        try {
            cluster = cluster();
        } catch (RingClientException e) {
            return false;
        }
        String version = ownSchemaVersion(cluster); // the contact point's own, from the answer just read
        for (JsonNode member : cluster.path("members")) {
            String http = member.path("http").asText("");
            if (member.path("self").asBoolean(false)) {
                continue;
            }
            if (http.isEmpty()) {
                return false; // a member the contact point has not heard from yet: it cannot be asked, so wait
            }
            // every member is asked, not only those shown up: one that just joined may not be shown up yet and
            // still take the next request
            String own;
            try {
                own = ownSchemaVersion(getJson("/v1/cluster", List.of(http)));
            } catch (RingClientException down) {
                continue; // a node that does not answer takes no request either: it cannot disagree
            }
            if (!version.equals(own)) {
                return false;
            }
        }
        return true;
    }

    private static String ownSchemaVersion(JsonNode cluster) {
        for (JsonNode member : cluster.path("members")) {
            if (member.path("self").asBoolean(false)) {
                return member.path("schema_version").asText("");
            }
        }
        return "";
    }

    /** The bytes a row's token is computed from: its serialized partition key. */
    private static byte[] routingKey(List<byte[]> partitionKey) {
        return new PartitionKey(partitionKey).serialize();
    }

    private void requireNative(String operation) {
        if (options.protocol() != Protocol.NATIVE) {
            throw new IllegalStateException(operation + " needs the native protocol; over HTTP write and read rows"
                    + " through /v1/rows (postJson)");
        }
    }

    private HttpTransport.Response send(byte[] routingKey, byte opcode, byte[] body, boolean idempotent) {
        long timeoutMillis = options.requestTimeoutMillis();
        Exchange exchange = node -> markingDown(node, () -> nativeTransport.exchange(node, opcode, body,
                timeoutMillis));
        boolean read = opcode == NativeProtocol.ROW_READ || opcode == NativeProtocol.SCAN;
        return send(routingKey, exchange, read ? HttpMethod.GET : HttpMethod.POST, idempotent);
    }

    /** {@code GET /v1/cluster} from the first contact point that answers, as JSON. */
    public JsonNode cluster() {
        return getJson("/v1/cluster", contactPointsUpFirst());
    }

    /** {@code GET /v1/cluster} from one node ("host:port"), as that node sees the cluster. */
    public JsonNode cluster(String node) {
        return getJson("/v1/cluster", List.of(node));
    }

    /** {@code GET /v1/ring?key=} — the replicas of {@code key} as the first contact point that answers sees them. */
    public JsonNode ring(byte[] key) {
        return getJson("/v1/ring?key=" + KeyPaths.encode(key), contactPointsUpFirst());
    }

    /** Sends a request to one node and returns its JSON answer (membership commands). */
    public JsonNode post(String node, String path) {
        HttpTransport.Response response = exchange(node, HttpMethod.POST, path, null, options.requestTimeoutMillis());
        checkStatus(response);
        return parseJson(response.body());
    }

    /** {@code GET path} on {@code node} (host:port), e.g. an admin job's state; throws on a non-2xx answer. */
    public JsonNode getFrom(String node, String path) {
        return getJson(path, List.of(node));
    }

    private JsonNode getJson(String path, List<String> nodes) {
        RingClientException last = null;
        for (String node : nodes) {
            try {
                HttpTransport.Response response =
                        exchange(node, HttpMethod.GET, path, null, options.requestTimeoutMillis());
                checkStatus(response);
                return parseJson(response.body());
            } catch (RingClientException e) {
                last = e;
            }
        }
        throw last != null ? last : new RingClientException(0, "unreachable", "no node to ask");
    }

    private HttpTransport.Response send(byte[] key, HttpMethod method, String consistency, Long timestampMicros,
                                      byte[] body, boolean idempotent) {
        return send(key, exchangeFor(key, method, consistency, timestampMicros, body), method, idempotent);
    }

    private HttpTransport.Response send(byte[] key, Exchange exchange, HttpMethod method, boolean idempotent) {
        // The key's primary replica first, without building the whole fallback order: that is
        // only needed when the primary fails.
        String primary = primaryUp(key);
        RingClientException last = null;
        int attempts = 0;
        if (primary != null) {
            attempts++;
            try {
                return attempt(exchange, primary, method);
            } catch (RingClientException e) {
                last = failedAttempt(e, idempotent);
            }
        }
        for (String node : orderedNodes(key)) {
            if (node.equals(primary)) {
                continue;
            }
            if (attempts++ >= options.attemptsMax()) {
                break;
            }
            try {
                return attempt(exchange, node, method);
            } catch (RingClientException e) {
                last = failedAttempt(e, idempotent);
            }
        }
        throw last;
    }

    private static HttpTransport.Response attempt(Exchange exchange, String node, HttpMethod method) {
        HttpTransport.Response response = exchange.send(node);
        if (response.status() == 404 && method.equals(HttpMethod.GET)) {
            return response;
        }
        checkStatus(response);
        return response;
    }

    /** Returns the failure when another node may be tried; throws it when the request must not be retried. */
    private static RingClientException failedAttempt(RingClientException e, boolean idempotent) {
        boolean neverSent = e.error().equals("unreachable");
        boolean retryable = e.status() == 0 || e.status() == 503 || e.status() == 504;
        if (!neverSent && !(idempotent && retryable)) {
            throw e;
        }
        return e;
    }

    /**
     * The key's primary replica when routing is token-aware, the ring is known and it is not marked down;
     * else null.
     */
    private String primaryUp(byte[] key) {
        if (!options.tokenAware() || key == null) {
            return null;
        }
        ClusterView current = currentView();
        String primary = current == null ? null : current.primaryFor(key);
        return primary != null && downUntilMillis.getOrDefault(primary, 0L) <= System.currentTimeMillis()
                ? primary : null;
    }

    /** One key-value request, ready to send to any node. */
    private interface Exchange {
        HttpTransport.Response send(String node);
    }

    private Exchange exchangeFor(byte[] key, HttpMethod method, String consistency, Long timestampMicros, byte[] body) {
        long timeoutMillis = options.requestTimeoutMillis();
        if (options.protocol() == Protocol.NATIVE) {
            byte opcode = method.equals(HttpMethod.GET) ? NativeProtocol.GET
                    : method.equals(HttpMethod.PUT) ? NativeProtocol.PUT : NativeProtocol.DELETE;
            return node -> markingDown(node, () -> nativeTransport.exchange(node, opcode, consistency, key, body,
                    timestampMicros, timeoutMillis));
        }
        String query = "?cl=" + consistency + (timestampMicros == null ? "" : "&timestamp=" + timestampMicros);
        String path = "/v1/kv/" + KeyPaths.encode(key) + query;
        return node -> exchange(node, method, path, body, timeoutMillis);
    }

    private HttpTransport.Response exchange(String node, HttpMethod method, String path, byte[] body,
                                            long timeoutMillis) {
        return markingDown(node, () -> http.exchange(node, method, path, body, timeoutMillis));
    }

    /** Runs a request to {@code node}; when the node could not be reached, avoids it for a while. */
    private HttpTransport.Response markingDown(String node, Supplier<HttpTransport.Response> request) {
        try {
            return request.get();
        } catch (RingClientException e) {
            if (e.error().equals("unreachable") || e.error().equals("io")) {
                downUntilMillis.put(node, System.currentTimeMillis() + DOWN_MILLIS);
                viewLoadedMillis = 0;
            }
            throw e;
        }
    }

    /** The key's replicas first (unless marked down), then every other known node. */
    private List<String> orderedNodes(byte[] key) {
        if (!options.tokenAware()) {
            return contactPointsUpFirst();
        }
        ClusterView current = currentView();
        List<String> ordered = new ArrayList<>();
        if (current != null && key != null && options.tokenAware()) {
            // Primary first: a node reads at ONE from the first live replica, so the primary as
            // coordinator reads locally; primaries are spread over the nodes by their tokens.
            ordered.addAll(current.replicasFor(key));
        }
        List<String> others = new ArrayList<>(current == null ? contactPoints : current.members());
        Collections.shuffle(others, ThreadLocalRandom.current());
        for (String node : others) {
            if (!ordered.contains(node)) {
                ordered.add(node);
            }
        }
        for (String node : contactPoints) {
            if (!ordered.contains(node)) {
                ordered.add(node);
            }
        }
        long now = System.currentTimeMillis();
        List<String> up = new ArrayList<>(ordered.stream()
                .filter(n -> downUntilMillis.getOrDefault(n, 0L) <= now)
                .toList());
        ordered.removeAll(up);
        up.addAll(ordered);
        return up;
    }

    /** Only the given nodes (no routing), shuffled, those not marked down first. */
    private List<String> contactPointsUpFirst() {
        List<String> nodes = new ArrayList<>(contactPoints);
        Collections.shuffle(nodes, ThreadLocalRandom.current());
        long now = System.currentTimeMillis();
        nodes.sort(Comparator.comparing(n -> downUntilMillis.getOrDefault(n, 0L) > now));
        return nodes;
    }

    private ClusterView currentView() {
        long now = System.currentTimeMillis();
        if (now - viewLoadedMillis < options.ringRefreshMillis()) {
            return view;
        }
        viewLoadedMillis = now;
        List<String> askOrder = new ArrayList<>(view == null ? contactPoints : view.members());
        askOrder.addAll(contactPoints);
        for (String node : askOrder) {
            if (downUntilMillis.getOrDefault(node, 0L) > now) {
                continue;
            }
            try {
                HttpTransport.Response response = exchange(node, HttpMethod.GET, "/v1/cluster", null,
                        Math.min(2_000, options.requestTimeoutMillis()));
                if (response.status() == 200) {
                    view = ClusterView.fromJson(parseJson(response.body()));
                    return view;
                }
            } catch (RingClientException e) {
                // try the next node
            }
        }
        return view;
    }

    private static void checkStatus(HttpTransport.Response response) {
        int status = response.status();
        if (status >= 200 && status < 300) {
            return;
        }
        String error = "http_" + status;
        String message = new String(response.body(), StandardCharsets.UTF_8);
        try {
            JsonNode json = JSON.readTree(response.body());
            error = json.path("error").asText(error);
            message = json.path("message").asText(message);
        } catch (IOException e) {
            // not JSON: keep the raw body as the message
        }
        throw new RingClientException(status, error, message);
    }

    private static JsonNode parseJson(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new RingClientException(0, "bad_response",
                    "the node answered with something that is not JSON: " + e.getMessage(), e);
        }
    }

    /** Closes the pooled connections and the client's I/O threads. */
    @Override
    public void close() {
        http.close();
        nativeTransport.close();
    }
}
