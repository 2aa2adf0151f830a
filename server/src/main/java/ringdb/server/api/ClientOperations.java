package ringdb.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import ringdb.core.catalog.Schema;
import ringdb.core.catalog.SchemaChange;
import ringdb.core.catalog.SchemaService;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.coordinator.SliceQuery;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.Partitioner;
import ringdb.core.rows.PartitionPage;
import ringdb.core.rows.ReadCommand;
import ringdb.core.schema.TableMetadata;
import ringdb.core.store.LocalStore;
import ringdb.core.store.PartitionRecords;
import ringdb.server.audit.AuditLog;

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

    /** Where the client ports record audited requests (admin operations, schema changes); none by default. */
    default AuditLog audit() {
        return AuditLog.DISABLED;
    }

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

    /** The node's partitioner (its {@code partitioner} setting): how a key becomes a token. Any thread. */
    default Partitioner partitioner() {
        return Partitioner.SHA1;
    }

    /** The schema the node holds now (keyspaces and tables, built-in ones included). */
    default CompletableFuture<Schema> schema() {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("this node serves no tables"));
    }

    /**
     * Runs a schema statement on the node ({@code Node#changeSchema}); {@code done} gets the changes, or
     * the failure ({@link ringdb.core.catalog.SchemaException} saying what is wrong).
     */
    default void changeSchema(SchemaService.Statement statement,
                              BiConsumer<List<SchemaChange>, RuntimeException> done) {
        done.accept(null, new UnsupportedOperationException("this node serves no tables"));
    }

    /**
     * Builds a mutation of one partition on the node's thread and writes it ({@code Node#mutate}):
     * {@code build} gets the mutation's timestamp ({@code timestampMicros}, or the coordinator's stamp
     * when it is {@code Node.COORDINATOR_TIMESTAMP}) and the coordinator's clock in microseconds; an
     * {@link ringdb.core.data.InvalidRequestException} it throws is answered as Invalid.
     */
    default void mutate(long timestampMicros, MutationBuilder build, ConsistencyLevel consistency,
                        Consumer<ClientResult> done) {
        done.accept(new ClientResult.Failed("this node serves no tables"));
    }

    /** Reads a slice of one partition ({@code Node#readSlice}). */
    default void readSlice(SliceQuery query, ConsistencyLevel consistency, Consumer<ClientResult> done) {
        done.accept(new ClientResult.Failed("this node serves no tables"));
    }

    /**
     * One page of a scan over the ring of the entries whose keys begin with {@code keyPrefix} (a
     * table's), in (token, key) order, strictly after {@code after} (null: from the ring's start), at most
     * {@code maxEntries} ({@code Node#scanTable}); answers {@link ClientResult.Entries} whose
     * {@code resumeAfter} is the next page's {@code after}, null once the ring was read to its end.
     */
    default void scanTable(byte[] keyPrefix, DecoratedKey after, int maxEntries, ConsistencyLevel consistency,
                           Consumer<ClientResult> done) {
        done.accept(new ClientResult.Failed("this node serves no tables"));
    }

    /**
     * A read of the partition [{@code partitionStart}, {@code partitionEnd}) of {@code token} at
     * {@code consistency} that the node answers alone from memory ({@code Node#readInMemory}): what
     * {@code reader} makes of the partition's records, or null (also off the node's thread, and by
     * default) — then read it by {@link #readSlice}.
     */
    default <T> T readInMemory(long token, byte[] partitionStart, byte[] partitionEnd, ConsistencyLevel consistency,
                               Function<PartitionRecords, T> reader) {
        return null;
    }

    /**
     * Finds table {@code keyspace.name} in the schema the node holds now and gives it to {@code found};
     * when there is no such table, {@code done} gets Invalid naming what is missing. The default asks
     * {@link #schema()}; a node looks the table up on its own thread.
     */
    default void onTable(String keyspace, String name, Consumer<TableMetadata> found, Consumer<ClientResult> done) {
        schema().whenComplete((schema, error) -> {
            if (error != null) {
                done.accept(new ClientResult.Failed("the schema could not be read: " + error.getMessage()));
                return;
            }
            TableMetadata table = schema.table(keyspace, name);
            if (table == null) {
                done.accept(new ClientResult.Invalid(unknownTable(schema, keyspace, name)));
                return;
            }
            found.accept(table);
        });
    }

    /** What is missing when {@code keyspace.name} is not a table of {@code schema}. */
    static String unknownTable(Schema schema, String keyspace, String name) {
        return schema.keyspace(keyspace) == null ? "keyspace " + keyspace + " does not exist"
                : "keyspace " + keyspace + " has no table " + name;
    }

    /**
     * Writes one mutation of table {@code keyspace.name} ({@link #mutate}): {@code build} gets the
     * table as the node knows it now, the mutation's timestamp and the coordinator's clock.
     */
    default void mutateTable(String keyspace, String name, long timestampMicros, TableMutationBuilder build,
                             ConsistencyLevel consistency, Consumer<ClientResult> done) {
        onTable(keyspace, name, table -> mutate(timestampMicros, (micros, now) -> build.build(table, micros, now),
                consistency, done), done);
    }

    /**
     * Reads one partition of table {@code keyspace.name}: {@code command} builds the read from the
     * table, {@link TableReads} reads its storage ranges through {@link #readSlice} and {@code done}
     * gets the rows, or the failure (Invalid for an unknown table or a bad command).
     */
    default void readTable(String keyspace, String name, Function<TableMetadata, ReadCommand> command,
                           ConsistencyLevel consistency, BiConsumer<PartitionPage, ClientResult> done) {
        onTable(keyspace, name, table -> TableReads.read(this, table, command, consistency, done),
                failure -> done.accept(null, failure));
    }

    /** The coordinator's clock, in microseconds since the epoch (what TTLs and expiry are measured by). */
    default long nowMicros() {
        return System.currentTimeMillis() * 1_000;
    }

    /** The entries of one mutation of a table, from the table, its timestamp and the coordinator's clock. */
    @FunctionalInterface
    interface TableMutationBuilder {
        List<LocalStore.Entry> build(TableMetadata table, long timestampMicros, long nowMicros);
    }

    /** The entries of one mutation, from its timestamp and the coordinator's clock (microseconds). */
    @FunctionalInterface
    interface MutationBuilder {
        List<LocalStore.Entry> build(long timestampMicros, long nowMicros);
    }

    /** The largest value accepted, in bytes. */
    int valueSizeBytesMax();
}
