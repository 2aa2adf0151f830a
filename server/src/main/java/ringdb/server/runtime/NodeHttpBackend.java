package ringdb.server.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import ringdb.core.node.ClientResult;
import ringdb.core.node.ConsistencyLevel;
import ringdb.core.node.Node;
import ringdb.server.http.HttpBackend;
import ringdb.server.metrics.ServerMetrics;

/** The HTTP API's view of a real node: every call is posted onto the node's thread. */
final class NodeHttpBackend implements HttpBackend {
    private final Node node;
    private final NodeThread nodeThread;
    private final ServerMetrics metrics;
    private final String clusterName;
    private final int valueSizeBytesMax;

    NodeHttpBackend(Node node, NodeThread nodeThread, ServerMetrics metrics, String clusterName, int valueSizeBytesMax) {
        this.node = node;
        this.nodeThread = nodeThread;
        this.metrics = metrics;
        this.clusterName = clusterName;
        this.valueSizeBytesMax = valueSizeBytesMax;
    }

    @Override
    public void put(byte[] key, byte[] value, ConsistencyLevel consistency, long timestampMicros, Consumer<ClientResult> done) {
        onNode(() -> node.put(key, value, consistency, timestampMicros, done), done);
    }

    @Override
    public void delete(byte[] key, ConsistencyLevel consistency, long timestampMicros, Consumer<ClientResult> done) {
        onNode(() -> node.delete(key, consistency, timestampMicros, done), done);
    }

    @Override
    public void get(byte[] key, ConsistencyLevel consistency, Consumer<ClientResult> done) {
        onNode(() -> node.get(key, consistency, done), done);
    }

    private void onNode(Runnable call, Consumer<ClientResult> done) {
        try {
            nodeThread.execute(() -> {
                try {
                    call.run();
                } catch (RuntimeException e) {
                    done.accept(new ClientResult.Failed("the node could not take the request: " + e.getMessage()));
                }
            });
        } catch (RejectedExecutionException e) {
            done.accept(new ClientResult.Failed("the node is shutting down"));
        }
    }

    @Override
    public CompletableFuture<JsonNode> cluster() {
        return nodeThread.call(() -> ClusterJson.cluster(clusterName, node.status(), node.ring()));
    }

    @Override
    public CompletableFuture<JsonNode> ring(byte[] key) {
        return nodeThread.call(() -> ClusterJson.ring(key, new String(key, StandardCharsets.UTF_8), node.ring(), node.status()));
    }

    @Override
    public CompletableFuture<String> metrics() {
        return nodeThread.call(node::status).thenApply(metrics::scrape);
    }

    @Override
    public CompletableFuture<JsonNode> membership(String operation, Map<String, String> parameters) {
        if (operation.equals("repair")) {
            CompletableFuture<ClientResult> result = new CompletableFuture<>();
            onNode(() -> node.repair(result::complete), result::complete);
            return result.thenApply(NodeHttpBackend::repairJson);
        }
        if (operation.equals("join") || operation.equals("decommission") || operation.equals("removenode")) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException(operation
                    + " is not supported by this node yet: the membership-change protocol is not part of this build"));
        }
        return CompletableFuture.failedFuture(new IllegalArgumentException("unknown admin operation '" + operation
                + "'; expected join, decommission, removenode or repair"));
    }

    private static JsonNode repairJson(ClientResult result) {
        if (result instanceof ClientResult.Repaired repaired) {
            var body = ringdb.server.http.JsonResponses.object();
            body.put("ranges", repaired.ranges());
            body.put("entries_received", repaired.entriesReceived());
            return body;
        }
        throw new IllegalStateException("repair did not finish: " + result);
    }

    @Override
    public int valueSizeBytesMax() {
        return valueSizeBytesMax;
    }
}
