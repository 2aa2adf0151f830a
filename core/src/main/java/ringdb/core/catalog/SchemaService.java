package ringdb.core.catalog;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import ringdb.core.Network;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.coordinator.RequestRegistry;
import ringdb.core.data.Cell;
import ringdb.core.gossip.Liveness;
import ringdb.core.message.Message;
import ringdb.core.message.SchemaPull;
import ringdb.core.message.SchemaPush;
import ringdb.core.node.NodeEvent;
import ringdb.core.schema.KeyspaceMetadata;
import ringdb.core.schema.keys.RowKeyDecoder;
import ringdb.core.system.SystemStore;

/**
 * A node's schema as it lives: loaded from the system store at start, changed by schema statements
 * and by what peers send, stored again record by record, its digest published through gossip.
 *
 * <p>Spreading: after a statement the node sends its schema to every live peer ({@link SchemaPull}:
 * the receiver merges it and answers with its own, which the sender merges). A node that sees a live
 * peer gossip another digest exchanges schemas with it the same way, at most one exchange per peer
 * in flight, again after {@code retryMicros} when an exchange failed and the digests still differ.
 * Merging is commutative, associative and idempotent ({@link Schema#merge}), so the nodes converge
 * whatever order the exchanges run in. Not thread-safe: the node's thread only.
 */
public final class SchemaService {
    /** What the schema service acts through. */
    public record Context(NodeId self, int builtinReplicationFactor, Network network, RequestRegistry requests,
                          Timers timers, Liveness liveness, SystemStore system, BooleanSupplier running,
                          LongSupplier stampMicros, Consumer<String> publishDigest,
                          Function<NodeId, String> peerDigest, Consumer<SchemaChange> changes,
                          NodeEvent.Sink events, long exchangeTimeoutMicros, long retryMicros) {
    }

    private final Context context;
    private Schema schema;
    private SortedMap<String, byte[]> stored = new TreeMap<>();
    private long lastStampMicros = Long.MIN_VALUE;
    private final Set<NodeId> exchanging = new HashSet<>();
    private final Set<NodeId> retrying = new HashSet<>();
    /** Requests for tables this node did not know, waiting for the schema exchange with their sender. */
    private final Map<NodeId, List<Runnable>> waitingForSchema = new TreeMap<>();
    private int waitingCount;
    /** Most requests held for a schema exchange at once; more are served at once. */
    static final int WAITING_FOR_SCHEMA_MAX = 1000;
    private long exchanges;

    public SchemaService(Context context) {
        this.context = Objects.requireNonNull(context, "context");
        this.schema = Schema.empty(context.builtinReplicationFactor());
    }

    /** The schema as this node holds it now. */
    public Schema schema() {
        return schema;
    }

    /** Schema exchanges this node started since it was built. */
    public long exchangeCount() {
        return exchanges;
    }

    // ---- start ----

    /** One stored record, found by the system store's pass at start. */
    public void loaded(String name, Cell cell) {
        lastStampMicros = Math.max(lastStampMicros, cell.timestampMicros());
        if (cell.isTombstone()) {
            return;
        }
        try {
            schema = schema.withRecords(Map.of(name, cell.value()));
            stored.put(name, cell.value());
        } catch (IllegalArgumentException e) {
            context.events().emit(NodeEvent.Kind.ERROR, context.self(), "schema record " + name
                    + " cannot be read and is ignored (a peer's copy will replace it): " + e.getMessage());
        }
    }

    /** Publishes the digest of the schema loaded; call once the records are loaded and gossip can take it. */
    public void publish() {
        exchanging.clear();
        retrying.clear();
        if (!schema.isEmpty()) {
            context.publishDigest().accept(schema.digestHex());
        }
    }

    // ---- statements ----

    /** A schema statement: the schema after it, given the schema before and the statement's timestamp. */
    @FunctionalInterface
    public interface Statement {
        Schema apply(Schema before, long micros);
    }

    /**
     * Runs {@code statement}, stamped after every timestamp the schema holds (so it wins over what it
     * has seen), stores and spreads the result. {@code done} gets the changes (empty for a no-op) once
     * they are durable here, or the failure: a {@link SchemaException} saying what is wrong, at once.
     */
    public void execute(Statement statement, BiConsumer<List<SchemaChange>, RuntimeException> done) {
        Schema before = schema;
        long micros = Math.max(context.stampMicros().getAsLong(), before.latestTimestampMicros() + 1);
        Schema after;
        try {
            after = statement.apply(before, micros);
        } catch (SchemaException e) {
            done.accept(null, e);
            return;
        }
        List<SchemaChange> changes = Schema.changes(before, after);
        SchemaException tooMany = replicationRefusal(before, after, changes, context.builtinReplicationFactor());
        if (tooMany != null) {
            done.accept(null, tooMany);
            return;
        }
        install(after, error -> done.accept(error == null ? changes : null,
                error == null ? null : new IllegalStateException("schema change not durable: " + error)));
        if (!changes.isEmpty()) {
            for (NodeId peer : context.liveness().livePeers()) {
                exchange(peer);
            }
        }
    }

    /**
     * Refuses a keyspace created or altered with more replicas than the ring places (the cluster's
     * {@code replication_factor} setting, {@code clusterFactor}), or null when none asks for more.
     */
    static SchemaException replicationRefusal(Schema before, Schema after, List<SchemaChange> changes,
                                              int clusterFactor) {
        for (SchemaChange change : changes) {
            if (change.target() != SchemaChange.Target.KEYSPACE || change.type() == SchemaChange.Type.DROPPED) {
                continue;
            }
            KeyspaceMetadata was = before.keyspace(change.keyspace());
            KeyspaceMetadata now = after.keyspace(change.keyspace());
            int asked = KeyspaceReplication.requested(now.replication());
            if (asked > clusterFactor && (was == null || !was.replication().equals(now.replication()))) {
                return new SchemaException(SchemaException.Kind.INVALID, change.keyspace(), null, "keyspace "
                        + change.keyspace() + " asks for replication_factor " + asked + ", but this cluster places"
                        + " at most " + clusterFactor + " replicas of a key (the replication_factor server setting);"
                        + " use a replication_factor of at most " + clusterFactor + ", or raise the server setting"
                        + " on every node");
            }
        }
        return null;
    }

    /**
     * Makes {@code next} the schema: stores the records that changed, publishes the digest, reports
     * each change. {@code onDurable} gets null once every changed record is durable (at once when none
     * changed) or the first error's message.
     */
    private void install(Schema next, Consumer<String> onDurable) {
        List<SchemaChange> changes = Schema.changes(schema, next);
        SortedMap<String, byte[]> records = next.records();
        List<String> changed = new ArrayList<>();
        records.forEach((name, bytes) -> {
            if (!Arrays.equals(stored.get(name), bytes)) {
                changed.add(name);
            }
        });
        schema = next;
        if (changed.isEmpty()) {
            onDurable.accept(null);
            return;
        }
        int[] waiting = {changed.size()};
        boolean[] reported = {false};
        for (String name : changed) {
            byte[] bytes = records.get(name);
            stored.put(name, bytes);
            context.system().writeSchemaRecord(name, bytes, nextStampMicros(), error -> {
                waiting[0]--;
                if (error != null) {
                    context.events().emit(NodeEvent.Kind.ERROR, context.self(), "schema record " + name
                            + " not durable: " + error.getMessage());
                }
                if (!reported[0] && (error != null || waiting[0] == 0)) {
                    reported[0] = true;
                    onDurable.accept(error == null ? null : String.valueOf(error.getMessage()));
                }
            });
        }
        context.publishDigest().accept(next.digestHex());
        changes.forEach(context.changes());
    }

    private long nextStampMicros() {
        long now = context.stampMicros().getAsLong();
        lastStampMicros = lastStampMicros == Long.MIN_VALUE ? now : Math.max(now, lastStampMicros + 1);
        return lastStampMicros;
    }

    /**
     * Runs {@code action} (a request of {@code from} about the table entry {@code key}) once this node
     * knows the entry's table: at once when it does (or the key is no table entry); otherwise after a
     * schema exchange with {@code from}, which knew the table when it sent the request. A table still
     * unknown after the exchange is reported (an ERROR event) and the request served as it is.
     */
    public void whenTableKnown(byte[] key, NodeId from, Runnable action) {
        UUID id;
        try {
            id = RowKeyDecoder.tableId(key);
        } catch (IllegalArgumentException notATableEntry) {
            action.run();
            return;
        }
        if (schema.table(id) != null || waitingCount >= WAITING_FOR_SCHEMA_MAX || from.equals(context.self())) {
            action.run();
            return;
        }
        waitingCount++;
        waitingForSchema.computeIfAbsent(from, peer -> new ArrayList<>()).add(() -> {
            if (schema.table(id) == null) {
                context.events().emit(NodeEvent.Kind.ERROR, from, "a request of " + from + " names table " + id
                        + ", which this node does not know even after a schema exchange with it");
            }
            action.run();
        });
        exchange(from);
    }

    private void releaseWaiting(NodeId peer) {
        List<Runnable> waiting = waitingForSchema.remove(peer);
        if (waiting == null) {
            return;
        }
        waitingCount -= waiting.size();
        waiting.forEach(Runnable::run);
    }

    // ---- exchanges with peers ----

    /** A peer's gossip states changed (or it came up): exchange schemas when its digest differs from ours. */
    public void onPeerChanged(NodeId peer) {
        if (!context.running().getAsBoolean() || peer.equals(context.self()) || !context.liveness().isAlive(peer)) {
            return;
        }
        String theirs = context.peerDigest().apply(peer);
        if (differs(theirs)) {
            exchange(peer);
        }
    }

    private boolean differs(String theirs) {
        if (theirs == null) {
            return false; // a peer without a schema of its own pulls ours when it sees our digest
        }
        return !theirs.equals(schema.digestHex());
    }

    /** A peer sent its schema: merge it, answer with ours. */
    public void onPull(NodeId from, SchemaPull pull) {
        merge(from, pull.records());
        if (pull.requestId() != 0 && context.running().getAsBoolean()) {
            context.network().send(from, new SchemaPush(pull.requestId(), schema.records()));
        }
    }

    private void merge(NodeId from, SortedMap<String, byte[]> records) {
        Schema merged;
        try {
            merged = schema.withRecords(records);
        } catch (IllegalArgumentException e) {
            context.events().emit(NodeEvent.Kind.ERROR, from, "schema from " + from + " refused: " + e.getMessage());
            return;
        }
        if (!merged.equals(schema)) {
            install(merged, error -> { });
        }
    }

    private void exchange(NodeId peer) {
        if (!exchanging.add(peer)) {
            return;
        }
        exchanges++;
        Timers.Cancellable[] timeout = new Timers.Cancellable[1];
        long[] requestId = new long[1];
        requestId[0] = context.requests().register(new RequestRegistry.ResponseHandler() {
            @Override
            public void onResponse(NodeId from, Message message) {
                if (message instanceof SchemaPush push) {
                    timeout[0].cancel();
                    context.requests().unregister(requestId[0]);
                    exchanging.remove(peer);
                    merge(from, push.records());
                    releaseWaiting(peer);
                }
            }

            @Override
            public void abort(String reason) {
                timeout[0].cancel();
                exchanging.remove(peer);
                waitingCount -= waitingForSchema.getOrDefault(peer, List.of()).size();
                waitingForSchema.remove(peer); // the node stops: the requests are not answered
            }

            @Override
            public boolean expects(NodeId from) {
                return from.equals(peer);
            }
        });
        timeout[0] = context.timers().schedule(context.exchangeTimeoutMicros(), () -> {
            context.requests().unregister(requestId[0]);
            exchanging.remove(peer);
            releaseWaiting(peer);
            retryLater(peer);
        });
        context.network().send(peer, new SchemaPull(requestId[0], schema.records()));
    }

    private void retryLater(NodeId peer) {
        if (!retrying.add(peer)) {
            return;
        }
        context.timers().schedule(context.retryMicros(), () -> {
            retrying.remove(peer);
            onPeerChanged(peer);
        });
    }
}
