package ringdb.server.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ringdb.core.NodeId;
import ringdb.core.catalog.Schema;
import ringdb.core.catalog.SchemaChange;
import ringdb.core.catalog.SchemaService;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.coordinator.SliceQuery;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.node.Node;
import ringdb.core.node.NodeStatus;
import ringdb.core.repair.Repair;
import ringdb.core.schema.TableMetadata;
import ringdb.core.store.LocalStore;
import ringdb.core.store.PartitionRecords;
import ringdb.core.streaming.StreamProgress;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.Partitioner;
import ringdb.server.api.ClientOperations;
import ringdb.server.api.JsonResponses;
import ringdb.server.audit.AuditLog;
import ringdb.server.jobs.Job;
import ringdb.server.jobs.JobProgress;
import ringdb.server.jobs.JobRegistry;
import ringdb.server.jobs.JobState;
import ringdb.server.metrics.ServerMetrics;
import ringdb.server.tls.ReloadingTls;

/**
 * A real node's client-facing operations, as every client protocol serves them: each call is posted onto the
 * node's thread.
 */
final class NodeClientOperations implements ClientOperations {
    private static final Logger log = LoggerFactory.getLogger(NodeClientOperations.class);
    private final Node node;
    private final NodeThread nodeThread;
    private final ServerMetrics metrics;
    private final String clusterName;
    private final int valueSizeBytesMax;
    private final LocalStore data;
    private final Path dataDirectory;
    private final NodeTls tls;
    private final AuditLog audit;
    /** Whether a failure of a read from memory was logged (the first is; reads then go the general way). */
    private boolean inMemoryFailureLogged;
    private final JobRegistry jobs = new JobRegistry(JobRegistry.FINISHED_MAX,
            Set.of("repair", "decommission", "removenode", "cleanup"), System::currentTimeMillis);

    /**
     * {@code data}: the node's data store, for snapshots; {@code dataDirectory} where it keeps its files;
     * {@code tls}: its certificates (reloadssl) and security warnings (shown in the cluster view);
     * {@code audit}: where admin operations and schema changes asked over HTTP are recorded.
     */
    NodeClientOperations(Node node, NodeThread nodeThread, ServerMetrics metrics, String clusterName,
                         int valueSizeBytesMax, LocalStore data, Path dataDirectory, NodeTls tls, AuditLog audit) {
        this.tls = tls;
        this.audit = audit;
        this.data = data;
        this.dataDirectory = dataDirectory;
        this.node = node;
        this.nodeThread = nodeThread;
        this.metrics = metrics;
        this.clusterName = clusterName;
        this.valueSizeBytesMax = valueSizeBytesMax;
    }

    @Override
    public AuditLog audit() {
        return audit;
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

    @Override
    public CompletableFuture<Schema> schema() {
        return nodeThread.call(node::schema);
    }

    @Override
    public void changeSchema(SchemaService.Statement statement,
                             BiConsumer<List<SchemaChange>, RuntimeException> done) {
        Runnable call = () -> {
            try {
                node.changeSchema(statement, done);
            } catch (RuntimeException e) {
                done.accept(null, e);
            }
        };
        try {
            if (nodeThread.isNodeThread()) {
                call.run();
            } else {
                nodeThread.execute(call);
            }
        } catch (RejectedExecutionException e) {
            done.accept(null, new IllegalStateException("the node is shutting down"));
        }
    }

    @Override
    public void mutate(long timestampMicros, MutationBuilder build, ConsistencyLevel consistency,
                       Consumer<ClientResult> done) {
        onNode(() -> {
            long stamp = timestampMicros == Node.COORDINATOR_TIMESTAMP ? node.nextTimestampMicros() : timestampMicros;
            List<LocalStore.Entry> entries;
            try {
                entries = build.build(stamp, node.nowMicros());
            } catch (InvalidRequestException | IllegalArgumentException e) {
                done.accept(new ClientResult.Invalid(e.getMessage()));
                return;
            }
            node.mutate(entries, consistency, done);
        }, done);
    }

    @Override
    public void onTable(String keyspace, String name, Consumer<TableMetadata> found, Consumer<ClientResult> done) {
        onNode(() -> {
            Schema schema = node.schema();
            TableMetadata table = schema.table(keyspace, name);
            if (table == null) {
                done.accept(new ClientResult.Invalid(ClientOperations.unknownTable(schema, keyspace, name)));
            } else {
                found.accept(table);
            }
        }, done);
    }

    @Override
    public long nowMicros() {
        return node.nowMicros();
    }

    @Override
    public void readSlice(SliceQuery query, ConsistencyLevel consistency, Consumer<ClientResult> done) {
        onNode(() -> node.readSlice(query, consistency, done), done);
    }

    @Override
    public void scanTable(byte[] keyPrefix, DecoratedKey after, int maxEntries, ConsistencyLevel consistency,
                          Consumer<ClientResult> done) {
        onNode(() -> node.scanTable(keyPrefix, after, maxEntries, consistency, done), done);
    }

    @Override
    public <T> T readInMemory(long token, byte[] partitionStart, byte[] partitionEnd, ConsistencyLevel consistency,
                              Function<PartitionRecords, T> reader) {
        if (!nodeThread.isNodeThread()) {
            return null;
        }
        try {
            return node.readInMemory(token, partitionStart, partitionEnd, consistency, reader);
        } catch (RuntimeException e) {
            // a flaw of the read from memory: the general way still answers right (and reports bad input)
            if (!inMemoryFailureLogged) {
                inMemoryFailureLogged = true;
                log.error("a read from memory failed; such reads go the general way (only the first is logged)", e);
            }
            return null;
        }
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
        return nodeThread.call(() -> {
            ObjectNode cluster = (ObjectNode) ClusterJson.cluster(clusterName, node.status(), node.ring());
            cluster.put("partitioner", node.config().partitioner().configName());
            ArrayNode warnings = cluster.putArray("security_warnings");
            tls.warnings().forEach(warnings::add);
            return cluster;
        });
    }

    @Override
    public Partitioner partitioner() {
        return node.config().partitioner();
    }

    @Override
    public CompletableFuture<JsonNode> ring(byte[] key) {
        return nodeThread.call(
                () -> ClusterJson.ring(key, new String(key, StandardCharsets.UTF_8), node.ring(), node.status(),
                        node.config().partitioner()));
    }

    @Override
    public CompletableFuture<String> metrics() {
        return nodeThread.call(node::status).thenApply(metrics::scrape);
    }

    @Override
    public CompletableFuture<JsonNode> membership(String operation, Map<String, String> parameters) {
        return admin("POST", operation, parameters).thenApply(answer -> {
            if (answer.status() >= 400) {
                throw new IllegalStateException(answer.body().path("message").asText());
            }
            return answer.body();
        });
    }

    /**
     * {@code GET jobs}, {@code GET jobs/{id}}, and {@code POST {operation}}: every long operation
     * (repair, decommission, removenode, cleanup, flush, snapshot) starts a job and is answered 202
     * with it at once; the job's state, progress, result or error are read back by its id. One the
     * node refuses at once (not NORMAL, a conflicting move) is answered 409 with the reason, and listed
     * as failed; a second job of a kind that runs one at a time gets 409 naming the running one.
     */
    @Override
    public CompletableFuture<AdminAnswer> admin(String method, String path, Map<String, String> parameters) {
        if (path.equals("jobs") || path.startsWith("jobs/")) {
            if (!method.equals("GET")) {
                return CompletableFuture.completedFuture(new AdminAnswer(405, JsonResponses.errorBody(
                        "method_not_allowed", method + " is not allowed on /v1/admin/" + path + "; use GET")));
            }
            return nodeThread.call(() -> path.equals("jobs") ? new AdminAnswer(200, jobsJson())
                    : jobJson(path.substring("jobs/".length())));
        }
        if (!method.equals("POST")) {
            return CompletableFuture.completedFuture(new AdminAnswer(405, JsonResponses.errorBody(
                    "method_not_allowed", method + " is not allowed on /v1/admin/" + path
                            + "; use POST to start it, GET /v1/admin/jobs to follow it")));
        }
        if (path.equals("reloadssl")) {
            return CompletableFuture.supplyAsync(this::reloadTls); // reads files: off the node's thread
        }
        if (path.equals("join")) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException(
                    "a node joins when it starts: start the new node with --auto-bootstrap true and the cluster's "
                    + "--seeds; it streams the ranges it will own, then serves them "
                    + "(this node is " + node.state() + ")"));
        }
        if (path.equals("cancel-decommission")) {
            return nodeThread.call(() -> {
                String refusal = node.cancelDecommission();
                if (refusal != null) {
                    return new AdminAnswer(409, JsonResponses.errorBody("conflict", refusal));
                }
                ObjectNode body = JsonResponses.object();
                body.put("message", "decommission of " + node.id() + " cancelled: it is NORMAL again");
                return new AdminAnswer(200, body);
            });
        }
        if (path.equals("cancel-removenode")) {
            return cancelRemoval(parameters.getOrDefault("node", "").trim());
        }
        if (path.equals("abort-bootstrap")) {
            return abortJoin(parameters.getOrDefault("node", "").trim());
        }
        Map<String, String> checked;
        try {
            checked = checkParameters(path, parameters);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return nodeThread.call(() -> {
            Job job = jobs.start(path, checked, () -> progress(path));
            try {
                startOnNode(job, checked);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                jobs.fail(job, e.getMessage());
                throw e;
            } catch (RuntimeException e) {
                jobs.fail(job, "the node could not start it: " + e.getMessage());
            }
            ObjectNode body = job.toJson(jobs.nowMillis());
            body.put("job", job.id());
            if (job.state() == JobState.FAILED) { // refused at once (not NORMAL, a conflicting move, ...)
                body.put("error", "conflict");
                return new AdminAnswer(409, body);
            }
            return new AdminAnswer(202, body);
        });
    }

    /** {@code POST /v1/admin/reloadssl}: loads the changed certificate files; 200, or 500 when one cannot be used. */
    private AdminAnswer reloadTls() {
        List<ReloadingTls.Outcome> outcomes = tls.reloader().reloadAll();
        if (outcomes.isEmpty()) {
            return new AdminAnswer(409, JsonResponses.errorBody("tls_off", "TLS is off on this node "
                    + "(server_encryption_enabled and client_encryption_enabled are false): nothing to reload"));
        }
        ObjectNode body = JsonResponses.object();
        ArrayNode ports = body.putArray("ports");
        List<String> failed = new ArrayList<>();
        List<String> reloaded = new ArrayList<>();
        for (ReloadingTls.Outcome outcome : outcomes) {
            ObjectNode port = ports.addObject();
            port.put("port", outcome.endpoint());
            port.put("outcome", outcome.failed() ? "failed" : outcome.reloaded() ? "reloaded" : "unchanged");
            if (outcome.failed()) {
                port.put("error", outcome.error());
                failed.add(outcome.endpoint() + ": " + outcome.error());
            } else if (outcome.reloaded()) {
                reloaded.add(outcome.endpoint());
            }
        }
        if (!failed.isEmpty()) {
            body.put("error", "reload_failed");
            body.put("message", "kept the current certificates of " + String.join("; ", failed));
            return new AdminAnswer(500, body);
        }
        body.put("message", reloaded.isEmpty() ? "no certificate file changed"
                : "reloaded the certificates of the " + String.join(" and ", reloaded) + " port; new connections "
                + "use them");
        return new AdminAnswer(200, body);
    }

    /** Cancels the removal of {@code dead} before any gainer finished streaming (see Node#cancelRemoval). */
    private CompletableFuture<AdminAnswer> cancelRemoval(String dead) {
        if (dead.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("missing query parameter 'node': "
                    + "the id (internode host:port) of the node whose removal to cancel"));
        }
        return nodeThread.call(() -> {
            String refusal = node.cancelRemoval(NodeId.of(dead));
            if (refusal != null) {
                return new AdminAnswer(409, JsonResponses.errorBody("conflict", refusal));
            }
            ObjectNode body = JsonResponses.object();
            body.put("message", "removal of " + dead + " cancelled: it is NORMAL (down) in the ring again");
            return new AdminAnswer(200, body);
        });
    }

    /** Aborts the join of {@code joining}, a node that is down and whose reads have not moved (see Node#abortJoin). */
    private CompletableFuture<AdminAnswer> abortJoin(String joining) {
        if (joining.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("missing query parameter 'node': "
                    + "the id (internode host:port) of the joining node whose join to abort"));
        }
        return nodeThread.call(() -> {
            String refusal = node.abortJoin(NodeId.of(joining));
            if (refusal != null) {
                return new AdminAnswer(409, JsonResponses.errorBody("conflict", refusal));
            }
            ObjectNode body = JsonResponses.object();
            body.put("message", "join of " + joining + " aborted: it is no longer in the ring; it cannot rejoin under "
                    + "its id (wipe its data directory and start it as a new node)");
            return new AdminAnswer(200, body);
        });
    }

    /** The parameters an operation keeps (as its job shows them), checked; throws IllegalArgumentException. */
    private static Map<String, String> checkParameters(String operation, Map<String, String> parameters) {
        switch (operation) {
            case "repair", "decommission", "cleanup", "flush" -> {
                return Map.of();
            }
            case "snapshot" -> {
                String name = parameters.getOrDefault("name", "");
                return Map.of("name", name.isBlank() ? "snapshot-" + System.currentTimeMillis() : name.trim());
            }
            case "removenode" -> {
                String dead = parameters.getOrDefault("node", "");
                if (dead.isBlank()) {
                    throw new IllegalArgumentException("missing query parameter 'node': the id (internode host:port) "
                            + "of the dead node to remove");
                }
                return Map.of("node", dead.trim());
            }
            default -> throw new IllegalArgumentException("unknown admin operation '" + operation
                    + "'; expected decommission, cancel-decommission, removenode, cancel-removenode, abort-bootstrap, "
                    + "cleanup, repair, "
                    + "flush, "
                    + "snapshot, reloadssl or join, or GET jobs");
        }
    }

    /** On the node's thread: starts the operation; its outcome finishes the job (possibly before this returns). */
    private void startOnNode(Job job, Map<String, String> parameters) {
        Consumer<ClientResult> finish = result -> finish(job, result);
        switch (job.kind()) {
            case "repair" -> node.repair(finish);
            case "decommission" -> node.decommission(finish);
            case "cleanup" -> node.cleanup(finish);
            case "removenode" -> node.removeNode(NodeId.of(parameters.get("node")), finish);
            case "flush" -> {
                data.flushAsync((bytes, failure) -> {
                    if (failure != null) {
                        jobs.fail(job, describe(failure));
                    } else {
                        jobs.succeed(job, flushJson(bytes));
                    }
                });
            }
            case "snapshot" -> {
                String name = parameters.get("name");
                data.snapshotAsync(name, (tables, failure) -> {
                    if (failure != null) {
                        jobs.fail(job, describe(failure));
                    } else {
                        jobs.succeed(job, snapshotJson(name, tables));
                    }
                });
            }
            default -> throw new IllegalArgumentException("unknown admin operation '" + job.kind() + "'");
        }
    }

    private void finish(Job job, ClientResult result) {
        try {
            jobs.succeed(job, adminJson(result));
        } catch (IllegalStateException e) {
            jobs.fail(job, e.getMessage());
        }
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }

    private JsonNode jobsJson() {
        ObjectNode body = JsonResponses.object();
        long now = jobs.nowMillis();
        ArrayNode list = body.putArray("jobs");
        for (Job job : jobs.list()) {
            list.add(job.toJson(now));
        }
        return body;
    }

    private AdminAnswer jobJson(String id) {
        return jobs.find(id).map(job -> new AdminAnswer(200, job.toJson(jobs.nowMillis())))
                .orElseGet(() -> new AdminAnswer(404, JsonResponses.errorBody("not_found", "no job " + id
                        + " on this node; it keeps its running jobs and its last " + JobRegistry.FINISHED_MAX
                        + " finished ones in memory, so a restarted node knows none")));
    }

    /** On the node's thread (jobs are shown from there): how far an operation of {@code kind} got. */
    private JobProgress progress(String kind) {
        switch (kind) {
            case "flush", "snapshot", "cleanup" -> {
                for (LocalStore.Activity activity : data.activities()) {
                    if (activity.kind().equals(kind)) {
                        return new JobProgress(activity.phase(), activity.done(), activity.total(), activity.unit());
                    }
                }
                return JobProgress.phase(kind.equals("cleanup") ? "checking the ring" : "finishing");
            }
            case "repair" -> {
                Repair.Progress sync = node.repairProgress();
                if (sync == null) {
                    return JobProgress.phase("finishing");
                }
                if (!sync.name().equals("repair")) {
                    return JobProgress.phase("waiting for the " + sync.name() + " sync under way ("
                            + sync.rangeCopiesDone() + " of " + sync.rangeCopiesTotal() + " range copies)");
                }
                return new JobProgress("syncing ranges with the other replicas, " + sync.entriesReceived()
                        + " entries received", sync.rangeCopiesDone(), sync.rangeCopiesTotal(), "range copies");
            }
            default -> {
                return membershipProgress();
            }
        }
    }

    /** Decommission and removenode: the node's state, the moves under way and the streams this node runs. */
    private JobProgress membershipProgress() {
        NodeStatus status = node.status();
        long rangesDone = 0;
        long rangesTotal = 0;
        long bytes = 0;
        for (StreamProgress stream : status.streams()) {
            if (!stream.state().equals("DONE")) {
                rangesDone += stream.rangesDone();
                rangesTotal += stream.rangesTotal();
                bytes += stream.bytesReceived();
            }
        }
        String phase = "node " + status.state()
                + (status.movesInProgress().isEmpty() ? "" : "; " + String.join(", ", status.movesInProgress()))
                + (rangesTotal > 0 ? "; " + bytes + " bytes streamed in" : "");
        return new JobProgress(phase, rangesDone, rangesTotal, "ranges");
    }

    /** A flush's result: what it wrote (as nodetool flush). */
    private JsonNode flushJson(long memtableBytes) {
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
