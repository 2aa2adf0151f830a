package ringdb.server.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.node.Node;
import ringdb.core.store.LocalStore;
import ringdb.server.api.ClientOperations;
import ringdb.server.api.JsonResponses;
import ringdb.server.metrics.ServerMetrics;

/**
 * A real node's client-facing operations, as every client protocol serves them: each call is posted onto the
 * node's thread.
 */
final class NodeClientOperations implements ClientOperations {
    private final Node node;
    private final NodeThread nodeThread;
    private final ServerMetrics metrics;
    private final String clusterName;
    private final int valueSizeBytesMax;
    private final LocalStore data;
    private final Path dataDirectory;

    /** {@code data}: the node's data store, for snapshots; {@code dataDirectory} where it keeps its files. */
    NodeClientOperations(Node node, NodeThread nodeThread, ServerMetrics metrics, String clusterName,
                         int valueSizeBytesMax, LocalStore data, Path dataDirectory) {
        this.data = data;
        this.dataDirectory = dataDirectory;
        this.node = node;
        this.nodeThread = nodeThread;
        this.metrics = metrics;
        this.clusterName = clusterName;
        this.valueSizeBytesMax = valueSizeBytesMax;
    }

    @Override
    public void put(byte[] key, byte[] value, ConsistencyLevel consistency, long timestampMicros,
                    Consumer<ClientResult> done) {
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

    /** Runs {@code call} on the node's thread: at once when already on it (the client sockets are served there). */
    private void onNode(Runnable call, Consumer<ClientResult> done) {
        Runnable guarded = () -> {
            try {
                call.run();
            } catch (RuntimeException e) {
                done.accept(new ClientResult.Failed("the node could not take the request: " + e.getMessage()));
            }
        };
        if (nodeThread.isNodeThread()) {
            guarded.run();
            return;
        }
        try {
            nodeThread.execute(guarded);
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
        return nodeThread.call(
                () -> ClusterJson.ring(key, new String(key, StandardCharsets.UTF_8), node.ring(), node.status()));
    }

    @Override
    public CompletableFuture<String> metrics() {
        return nodeThread.call(node::status).thenApply(metrics::scrape);
    }

    @Override
    public CompletableFuture<JsonNode> membership(String operation, Map<String, String> parameters) {
        CompletableFuture<ClientResult> result = new CompletableFuture<>();
        switch (operation) {
            case "repair" -> onNode(() -> node.repair(result::complete), result::complete);
            case "decommission" -> onNode(() -> node.decommission(result::complete), result::complete);
            case "cleanup" -> onNode(() -> node.cleanup(result::complete), result::complete);
            case "flush" -> {
                return nodeThread.call(this::flushJson);
            }
            case "snapshot" -> {
                String name = parameters.getOrDefault("name", "");
                String chosen = name.isBlank() ? "snapshot-" + System.currentTimeMillis() : name.trim();
                return nodeThread.call(() -> snapshotJson(chosen, data.snapshot(chosen)));
            }
            case "removenode" -> {
                String dead = parameters.getOrDefault("node", "");
                if (dead.isBlank()) {
                    return CompletableFuture.failedFuture(new IllegalArgumentException(
                            "missing query parameter 'node': the id (internode host:port) of the dead node to remove"));
                }
                onNode(() -> node.removeNode(NodeId.of(dead.trim()), result::complete), result::complete);
            }
            case "join" -> {
                return CompletableFuture.failedFuture(new UnsupportedOperationException(
                        "a node joins when it starts: start the new node with --auto-bootstrap true and the cluster's "
                        + "--seeds; it streams the ranges it will own, then serves them "
                        + "(this node is " + node.state() + ")"));
            }
            default -> {
                return CompletableFuture.failedFuture(new IllegalArgumentException(
                        "unknown admin operation '" + operation
                        + "'; expected decommission, removenode, cleanup, repair, flush, snapshot or join"));
            }
        }
        return result.thenApply(NodeClientOperations::adminJson);
    }

    /** Flushes the data memtable to a table (as nodetool flush), on the node's thread, and says what it wrote. */
    private JsonNode flushJson() {
        long memtableBytes = data.stats().memtableBytes();
        data.flush();
        int tables = data.stats().tableCount();
        var body = JsonResponses.object();
        body.put("memtable_bytes_flushed", memtableBytes);
        body.put("tables", tables);
        body.put("message", "flushed " + memtableBytes + " memtable bytes; " + tables + " tables");
        return body;
    }

    private JsonNode snapshotJson(String name, int tables) {
        var body = JsonResponses.object();
        body.put("name", name);
        body.put("tables", tables);
        body.put("directory", dataDirectory.resolve("snapshots").resolve(name).toString());
        body.put("message", "snapshot " + name + ": " + tables + " tables linked");
        return body;
    }

    private static JsonNode adminJson(ClientResult result) {
        var body = JsonResponses.object();
        if (result instanceof ClientResult.Repaired repaired) {
            body.put("ranges", repaired.ranges());
            body.put("entries_received", repaired.entriesReceived());
            body.put("chunks_compared", repaired.chunksCompared());
            body.put("chunks_matched", repaired.chunksMatched());
            body.put("chunks_fetched", repaired.chunksFetched());
            body.put("message", "repair done: " + repaired.describe());
            return body;
        }
        if (result instanceof ClientResult.Completed completed) {
            body.put("message", completed.message());
            return body;
        }
        if (result instanceof ClientResult.Failed failed) {
            throw new IllegalStateException(failed.message());
        }
        throw new IllegalStateException("the operation did not finish: " + result);
    }

    @Override
    public int valueSizeBytesMax() {
        return valueSizeBytesMax;
    }
}
