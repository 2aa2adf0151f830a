package ringdb.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;

/**
 * The node's client-facing operations: what every client protocol (HTTP in {@code api.http}, the
 * native protocol in {@code api.nativeprotocol}) serves from the node it fronts. The real
 * implementation posts each call onto the node's thread; {@code done} callbacks and futures may
 * complete on any thread.
 */
public interface ClientOperations {
    void put(byte[] key, byte[] value, ConsistencyLevel consistency, long timestampMicros, Consumer<ClientResult> done);

    void delete(byte[] key, ConsistencyLevel consistency, long timestampMicros, Consumer<ClientResult> done);

    void get(byte[] key, ConsistencyLevel consistency, Consumer<ClientResult> done);

    /** The body of {@code GET /v1/cluster}. */
    CompletableFuture<JsonNode> cluster();

    /** The body of {@code GET /v1/ring?key=}. */
    CompletableFuture<JsonNode> ring(byte[] key);

    /** Prometheus text exposition of every metric. */
    CompletableFuture<String> metrics();

    /**
     * A membership operation ({@code join}, {@code decommission}, {@code removenode}) with its
     * parameters; completes exceptionally with {@link UnsupportedOperationException} when the node
     * cannot do it, or {@link IllegalArgumentException} when the parameters are wrong.
     */
    CompletableFuture<JsonNode> membership(String operation, Map<String, String> parameters);

    /**
     * An admin request: {@code method} (GET, POST, ...) on {@code /v1/admin/{path}} with its query
     * parameters, answered with an HTTP status and a JSON body. Failures as {@link #membership}. The
     * default serves every POST through {@link #membership} with 200 and refuses other methods.
     */
    default CompletableFuture<AdminAnswer> admin(String method, String path, Map<String, String> parameters) {
        if (!method.equals("POST")) {
            return CompletableFuture.completedFuture(new AdminAnswer(405, JsonResponses.errorBody(
                    "method_not_allowed", method + " is not allowed here; use POST")));
        }
        return membership(path, parameters).thenApply(body -> new AdminAnswer(200, body));
    }

    /** An admin request's answer: HTTP status and JSON body. */
    record AdminAnswer(int status, JsonNode body) {
    }

    /** The largest value accepted, in bytes. */
    int valueSizeBytesMax();
}
