package ringdb.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A Java client of a ringdb cluster over its HTTP API. Thread-safe; share one per process.
 *
 * <ul>
 * <li>Connection pooling: one {@link HttpClient} keeps persistent HTTP/1.1 connections per node.
 * <li>Token-aware routing: the client learns the ring from {@code GET /v1/cluster} (refreshed every
 *     {@code ringRefreshMillis}) and sends each key to one of its replicas, so the coordinator is
 *     a replica and one network hop is saved.
 * <li>Retries only where safe: a request that never reached a node (connection refused) is retried
 *     on the next node for every operation; a read is also retried after a timeout, 503 or 504;
 *     a write or delete whose outcome is unknown is not retried (it could reorder with later
 *     writes), unless it carries the caller's own timestamp, which makes it idempotent.
 * </ul>
 */
public final class RingClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DOWN_MILLIS = 2_000;

    /** Client settings; times in milliseconds. */
    public record Options(long requestTimeoutMillis, long ringRefreshMillis, int attemptsMax, boolean tokenAware) {
        public static Options defaults() {
            return new Options(10_000, 5_000, 3, true);
        }
    }

    /** A value read back with the timestamp of the write that produced it. */
    public record Value(byte[] value, long timestampMicros) {
    }

    private final List<String> contactPoints;
    private final Options options;
    private final HttpClient http;
    private final Map<String, Long> downUntilMillis = new ConcurrentHashMap<>();
    private volatile ClusterView view;
    private volatile long viewLoadedMillis;

    /** @param contactPoints HTTP addresses "host:port" of one or more nodes */
    public RingClient(List<String> contactPoints, Options options) {
        if (contactPoints.isEmpty()) {
            throw new IllegalArgumentException("at least one node address (host:port) is needed");
        }
        this.contactPoints = List.copyOf(contactPoints);
        this.options = options;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(Math.min(options.requestTimeoutMillis(), 2_000))).build();
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
        HttpResponse<byte[]> response = send(key, "PUT", consistency, timestampMicros, value, timestampMicros != null);
        return parseTimestamp(response);
    }

    /** Deletes {@code key}; returns the tombstone's timestamp in microseconds. */
    public long delete(byte[] key, String consistency) {
        HttpResponse<byte[]> response = send(key, "DELETE", consistency, null, null, false);
        return parseTimestamp(response);
    }

    /** Reads {@code key}; empty when it was never written or was deleted. */
    public Optional<Value> get(byte[] key, String consistency) {
        HttpResponse<byte[]> response = send(key, "GET", consistency, null, null, true);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        long timestamp = response.headers().firstValueAsLong("X-Ringdb-Timestamp").orElse(0L);
        return Optional.of(new Value(response.body(), timestamp));
    }

    /** {@code GET /v1/cluster} from the first node that answers, as JSON. */
    public JsonNode cluster() {
        return getJson("/v1/cluster", orderedNodes(null));
    }

    /** {@code GET /v1/ring?key=} — the replicas of {@code key} as the cluster sees them. */
    public JsonNode ring(byte[] key) {
        return getJson("/v1/ring?key=" + KeyPaths.encode(key), orderedNodes(null));
    }

    /** Sends a request to one node and returns its JSON answer (membership commands). */
    public JsonNode post(String node, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + node + path))
                .timeout(Duration.ofMillis(options.requestTimeoutMillis()))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<byte[]> response = exchange(node, request);
        checkStatus(response);
        return parseJson(response.body());
    }

    private JsonNode getJson(String path, List<String> nodes) {
        RingClientException last = null;
        for (String node : nodes) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + node + path))
                    .timeout(Duration.ofMillis(options.requestTimeoutMillis())).GET().build();
            try {
                HttpResponse<byte[]> response = exchange(node, request);
                checkStatus(response);
                return parseJson(response.body());
            } catch (RingClientException e) {
                last = e;
            }
        }
        throw last != null ? last : new RingClientException(0, "unreachable", "no node to ask");
    }

    private HttpResponse<byte[]> send(byte[] key, String method, String consistency, Long timestampMicros,
                                      byte[] body, boolean idempotent) {
        String query = "?cl=" + consistency + (timestampMicros == null ? "" : "&timestamp=" + timestampMicros);
        String path = "/v1/kv/" + KeyPaths.encode(key) + query;
        List<String> nodes = orderedNodes(key);
        RingClientException last = null;
        int attempts = 0;
        for (String node : nodes) {
            if (attempts++ >= options.attemptsMax()) {
                break;
            }
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://" + node + path))
                    .timeout(Duration.ofMillis(options.requestTimeoutMillis()));
            builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            try {
                HttpResponse<byte[]> response = exchange(node, builder.build());
                if (response.statusCode() == 404 && method.equals("GET")) {
                    return response;
                }
                checkStatus(response);
                return response;
            } catch (RingClientException e) {
                last = e;
                boolean neverSent = e.error().equals("unreachable");
                boolean retryable = e.status() == 0 || e.status() == 503 || e.status() == 504;
                if (!neverSent && !(idempotent && retryable)) {
                    throw e;
                }
            }
        }
        throw last;
    }

    private HttpResponse<byte[]> exchange(String node, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            downUntilMillis.put(node, System.currentTimeMillis() + DOWN_MILLIS);
            viewLoadedMillis = 0;
            throw new RingClientException(0, "unreachable", "cannot connect to " + node + ": " + e, e);
        } catch (HttpTimeoutException e) {
            throw new RingClientException(0, "client_timeout", "no answer from " + node + " within "
                    + options.requestTimeoutMillis() + " ms", e);
        } catch (IOException e) {
            downUntilMillis.put(node, System.currentTimeMillis() + DOWN_MILLIS);
            throw new RingClientException(0, "io", "request to " + node + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RingClientException(0, "interrupted", "interrupted while waiting for " + node, e);
        }
    }

    /** The key's replicas first (unless marked down), then every other known node. */
    private List<String> orderedNodes(byte[] key) {
        ClusterView current = currentView();
        List<String> ordered = new ArrayList<>();
        if (current != null && key != null && options.tokenAware()) {
            List<String> replicas = new ArrayList<>(current.replicasFor(key));
            if (replicas.size() > 1) {
                java.util.Collections.rotate(replicas, ThreadLocalRandom.current().nextInt(replicas.size()));
            }
            ordered.addAll(replicas);
        }
        List<String> others = new ArrayList<>(current == null ? contactPoints : current.members());
        java.util.Collections.shuffle(others, ThreadLocalRandom.current());
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
        List<String> up = new ArrayList<>(ordered.stream().filter(n -> downUntilMillis.getOrDefault(n, 0L) <= now).toList());
        ordered.removeAll(up);
        up.addAll(ordered);
        return up;
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
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + node + "/v1/cluster"))
                        .timeout(Duration.ofMillis(Math.min(2_000, options.requestTimeoutMillis()))).GET().build();
                HttpResponse<byte[]> response = exchange(node, request);
                if (response.statusCode() == 200) {
                    view = ClusterView.fromJson(parseJson(response.body()));
                    return view;
                }
            } catch (RingClientException e) {
                // try the next node
            }
        }
        return view;
    }

    private static void checkStatus(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return;
        }
        String error = "http_" + status;
        String message = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            JsonNode json = JSON.readTree(response.body());
            error = json.path("error").asText(error);
            message = json.path("message").asText(message);
        } catch (IOException e) {
            // not JSON: keep the raw body as the message
        }
        throw new RingClientException(status, error, message);
    }

    private static long parseTimestamp(HttpResponse<byte[]> response) {
        return parseJson(response.body()).path("timestamp_micros").asLong();
    }

    private static JsonNode parseJson(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new RingClientException(0, "bad_response", "the node answered with something that is not JSON: " + e.getMessage(), e);
        }
    }

    /** Java 17's HttpClient has no close; its idle pooled connections time out on their own. */
    @Override
    public void close() {
        view = null;
    }
}
