package ringdb.server.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.node.Node;
import ringdb.core.rows.ColumnData;
import ringdb.core.rows.PartitionPage;
import ringdb.core.rows.PartitionUpdate;
import ringdb.core.rows.ReadCommand;
import ringdb.core.rows.Row;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.TableParams;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.Slice;
import ringdb.server.api.ClientOperations;
import ringdb.server.api.ClientOperations.AdminAnswer;
import ringdb.server.api.JsonResponses;
import ringdb.server.api.TableReads;

/**
 * The row part of the HTTP API ({@code /v1/rows/{keyspace}/{table}}), a thin layer on
 * {@code ringdb.core.rows} as CQL is: a write's JSON becomes {@link PartitionUpdate} calls
 * ({@link RowWrites}: rows, static columns, collections whole or element by element, TTL and
 * timestamp), a read's JSON a {@link ReadCommand} (a partition, a row, a slice with inclusive or
 * exclusive bounds, forward or reversed, selected columns, a limit, a paging position) read through
 * {@link TableReads}, a delete's JSON the deletion of a partition, static columns, cells, a row or a
 * range. Values are JSON as the column types take them (docs/data-model.md); anything wrong is
 * answered 400 naming it (unknown table, unknown column, a value that does not fit its type, a limit).
 */
final class RowsHttp {
    static final String PREFIX = "/v1/rows/";
    /** Most rows one read returns. */
    static final int ROWS_PER_READ_MAX = 10_000;
    private static final int DEFAULT_LIMIT = 100;
    /**
     * Entries asked for per row beyond its columns on a read's first try: its marker. A row with more
     * (a collection's elements, a deletion) makes the read ask again for as many as the rows took
     * ({@link TableReads#entriesForRows}), so a page still holds the rows asked.
     */
    private static final int ENTRIES_PER_ROW_EXTRA = 1;

    private final ClientOperations operations;

    RowsHttp(ClientOperations operations) {
        this.operations = operations;
    }

    CompletableFuture<AdminAnswer> handle(String method, String path, Map<String, String> params, JsonNode body) {
        String[] parts = path.substring(PREFIX.length()).split("/", -1);
        if (parts.length < 2 || parts.length > 3 || !method.equals("POST")
                || (parts.length == 3 && !List.of("query", "scan", "delete").contains(parts[2]))) {
            return CompletableFuture.completedFuture(new AdminAnswer(404, JsonResponses.errorBody("not_found",
                    "no such row endpoint: " + method + " " + path + "; the API has POST " + PREFIX
                    + "{keyspace}/{table} (write), POST .../query (read), POST .../scan (a scan over the ring), "
                    + "POST .../delete")));
        }
        JsonNode request = RowsJson.object(body, "the body");
        return operations.schema().thenCompose(schema -> {
            TableMetadata table = schema.table(parts[0], parts[1]);
            if (table == null) {
                return CompletableFuture.completedFuture(new AdminAnswer(400, JsonResponses.errorBody(
                        "unknown_table", ClientOperations.unknownTable(schema, parts[0], parts[1]))));
            }
            if (parts.length == 2) {
                return write(table, request);
            }
            return switch (parts[2]) {
                case "query" -> read(table, request);
                case "scan" -> RowScans.scan(operations, table, request, columns(request), limit(request), cl(request));
                default -> delete(table, request);
            };
        });
    }

    private static ConsistencyLevel cl(JsonNode request) {
        JsonNode cl = request.path("cl");
        return cl.isMissingNode() || cl.isNull() ? ConsistencyLevel.ONE : ConsistencyLevel.parse(cl.asText());
    }

    private static long timestamp(JsonNode request) {
        return RowsJson.whole(request, "timestamp", Long.MIN_VALUE + 1, Long.MAX_VALUE, Node.COORDINATOR_TIMESTAMP,
                "microseconds since the epoch");
    }

    // ---- writes ----

    /** What one partition's mutation is built from: its key and the JSON that fills the update. */
    @FunctionalInterface
    private interface Fill {
        void into(PartitionUpdate update);
    }

    private PartitionUpdate update(TableMetadata table, PartitionKey key, int ttl, long micros, long nowMicros,
                                   Fill fill) {
        PartitionUpdate update = new PartitionUpdate(operations.partitioner(), table, key, micros, ttl,
                nowMicros / 1_000_000, operations.valueSizeBytesMax(), 0);
        fill.into(update);
        return update;
    }

    private CompletableFuture<AdminAnswer> write(TableMetadata table, JsonNode request) {
        boolean insert = !RowsJson.bool(request, "update", false);
        int ttl = (int) RowsJson.whole(request, "ttl", 0, TableParams.TIME_TO_LIVE_SECONDS_MAX,
                PartitionUpdate.TABLE_DEFAULT_TTL, "seconds");
        Map<PartitionKey, List<JsonNode>> partitions = new LinkedHashMap<>();
        for (JsonNode row : RowsJson.array(request.path("rows"), "rows", true)) {
            RowsJson.object(row, "each row");
            partitions.computeIfAbsent(RowWrites.partitionKey(table, row), k -> new ArrayList<>()).add(row);
        }
        Set<RowWrites.IndexedList> indexed = new LinkedHashSet<>();
        partitions.forEach((key, rows) -> rows.forEach(r -> indexed.addAll(RowWrites.indexedLists(table, key, r,
                false))));
        return withLists(table, request, indexed, lists -> {
            Map<PartitionKey, Fill> fills = new LinkedHashMap<>();
            partitions.forEach((key, rows) -> fills.put(key, update -> rows.forEach(r -> RowWrites.row(update, r,
                    insert, lists))));
            return mutateAll(table, request, ttl, fills).thenApply(latest -> latest.status() != 200 ? latest
                    : new AdminAnswer(200, ((ObjectNode) latest.body()).put("partitions", partitions.size())));
        });
    }

    private CompletableFuture<AdminAnswer> delete(TableMetadata table, JsonNode request) {
        PartitionKey key = RowWrites.partitionKey(table, RowsJson.object(request.path("partition"), "'partition'"));
        return withLists(table, request, new LinkedHashSet<>(RowWrites.indexedLists(table, key, request, true)),
                lists -> mutateAll(table, request, 0, Map.of(key, update -> RowWrites.delete(update, request, lists))));
    }

    /**
     * Reads the lists a write or delete names by index ({@code "l[i]"}) at its consistency level, as CQL
     * reads them for {@code l[i] = v} and {@code DELETE l[i]} ({@link ReadCommand#ofList}), then
     * builds the write with them; a failed read is the answer. Not isolated, as in Cassandra: a write
     * between the read and the write may be overwritten or missed.
     */
    private CompletableFuture<AdminAnswer> withLists(TableMetadata table, JsonNode request,
                                                     Set<RowWrites.IndexedList> needed,
                                                     Function<RowWrites.Lists, CompletableFuture<AdminAnswer>> then) {
        Map<RowWrites.IndexedList, List<ColumnData.Element>> lists = new ConcurrentHashMap<>();
        List<CompletableFuture<ClientResult>> reads = new ArrayList<>();
        for (RowWrites.IndexedList list : needed) {
            CompletableFuture<ClientResult> read = new CompletableFuture<>();
            TableReads.read(operations, table, t -> ReadCommand.ofList(t, list.partition(), list.row(),
                    list.column()), cl(request), TableReads.ENTRIES_PER_READ_MAX, (page, failure) -> {
                        if (page != null) {
                            lists.put(list, page.listElements(table.columnOrThrow(list.column())));
                        }
                        read.complete(failure);
                    });
            reads.add(read);
        }
        return CompletableFuture.allOf(reads.toArray(new CompletableFuture<?>[0])).thenCompose(v -> {
            for (CompletableFuture<ClientResult> read : reads) {
                if (read.join() != null) {
                    return CompletableFuture.completedFuture(failure(read.join()));
                }
            }
            return then.apply(list -> lists.getOrDefault(list, List.of()));
        });
    }

    /**
     * Builds every partition's update once at the coordinator's clock to refuse bad input before
     * anything is written, then writes each partition as one mutation, in parallel; answers 200 with
     * the latest timestamp written, or the first failure.
     */
    private CompletableFuture<AdminAnswer> mutateAll(TableMetadata table, JsonNode request, int ttl,
                                                     Map<PartitionKey, Fill> fills) {
        long timestamp = timestamp(request);
        ConsistencyLevel consistency = cl(request);
        long now = operations.nowMicros();
        fills.forEach((key, fill) -> update(table, key, ttl, timestamp == Node.COORDINATOR_TIMESTAMP ? now
                : timestamp, now, fill));
        List<CompletableFuture<ClientResult>> results = new ArrayList<>();
        fills.forEach((key, fill) -> {
            CompletableFuture<ClientResult> result = new CompletableFuture<>();
            operations.mutate(timestamp, (micros, nowMicros) -> update(table, key, ttl, micros, nowMicros, fill)
                    .entries(), consistency, result::complete);
            results.add(result);
        });
        return CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            long latest = Long.MIN_VALUE;
            for (CompletableFuture<ClientResult> f : results) {
                ClientResult r = f.join();
                if (!(r instanceof ClientResult.Written written)) {
                    return failure(r);
                }
                latest = Math.max(latest, written.timestampMicros());
            }
            ObjectNode out = JsonResponses.object();
            out.put("timestamp", latest);
            return new AdminAnswer(200, out);
        });
    }

    // ---- reads ----

    private CompletableFuture<AdminAnswer> read(TableMetadata table, JsonNode request) {
        ReadCommand command = command(table, request);
        boolean metadata = RowsJson.bool(request, "metadata", false);
        int columns = command.columns() == null ? table.columns().size() : command.columns().size();
        int entries = (int) Math.min(TableReads.ENTRIES_PER_READ_MAX,
                (command.rowLimit() + 1L) * (columns + ENTRIES_PER_ROW_EXTRA));
        CompletableFuture<AdminAnswer> answer = new CompletableFuture<>();
        TableReads.read(operations, table, t -> command, cl(request), entries, (page, failure) ->
                answer.complete(failure != null ? failure(failure) : rows(command, page, metadata)));
        return answer;
    }

    private static ReadCommand command(TableMetadata table, JsonNode request) {
        PartitionKey key = RowWrites.partitionKey(table, RowsJson.object(request.path("partition"), "'partition'"));
        Slice slice;
        if (request.has("row")) {
            if (request.has("from") || request.has("to")) {
                throw new InvalidRequestException("a read names a 'row' or a slice ('from'/'to'), not both");
            }
            slice = Slice.prefix(RowWrites.clustering(table, RowsJson.object(request.path("row"), "'row'"), false));
        } else {
            slice = RowWrites.slice(table, request);
        }
        Clustering after = request.hasNonNull("paging") ? paging(table, request.path("paging")) : null;
        return new ReadCommand(table, key, List.of(slice), columns(request), RowsJson.bool(request, "reversed",
                false), limit(request), 0, after);
    }

    /** The request's {@code columns} (null: all). */
    private static Set<String> columns(JsonNode request) {
        if (!request.has("columns")) {
            return null;
        }
        Set<String> columns = new LinkedHashSet<>();
        for (JsonNode name : RowsJson.array(request.path("columns"), "columns", true)) {
            if (!name.isTextual()) {
                throw new InvalidRequestException("'columns' must be an array of column names");
            }
            columns.add(name.asText());
        }
        return columns;
    }

    private static int limit(JsonNode request) {
        return (int) RowsJson.whole(request, "limit", 1, ROWS_PER_READ_MAX, DEFAULT_LIMIT, "rows");
    }

    /** A paging state: hex of the last row's clustering values ({@code count:u8} then {@code length:u32 bytes}). */
    static String paging(Clustering after) {
        int size = 1;
        for (byte[] value : after.values()) {
            size += 4 + value.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).put((byte) after.size());
        after.values().forEach(v -> out.putInt(v.length).put(v));
        return HexFormat.of().formatHex(out.array());
    }

    private static Clustering paging(TableMetadata table, JsonNode json) {
        String wrong = "'paging' must be the paging state a previous read of this table returned";
        if (!json.isTextual()) {
            throw new InvalidRequestException(wrong);
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(HexFormat.of().parseHex(json.asText()));
            int count = in.get() & 0xFF;
            if (count != table.clustering().size()) {
                throw new InvalidRequestException(wrong);
            }
            List<byte[]> values = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int length = in.getInt();
                if (length < 0 || length > in.remaining()) { // checked before allocating what it claims
                    throw new InvalidRequestException(wrong);
                }
                byte[] value = new byte[length];
                in.get(value);
                ColumnMetadata c = table.clustering().get(i);
                c.type().validate(c.name(), value);
                values.add(value);
            }
            if (in.hasRemaining()) {
                throw new InvalidRequestException(wrong);
            }
            return new Clustering(values);
        } catch (RuntimeException e) {
            throw new InvalidRequestException(wrong);
        }
    }

    private static AdminAnswer rows(ReadCommand command, PartitionPage page, boolean metadata) {
        TableMetadata table = command.table();
        ObjectNode out = JsonResponses.object();
        ArrayNode list = out.putArray("rows");
        ArrayNode meta = metadata ? JsonResponses.JSON.createArrayNode() : null;
        for (Row row : page.rows()) {
            ObjectNode o = list.addObject();
            for (int i = 0; i < row.clustering().size(); i++) {
                ColumnMetadata c = table.clustering().get(i);
                o.set(c.name(), JsonResponses.JSON.valueToTree(c.type().toJson(row.clustering().values().get(i))));
            }
            columns(row, o, meta == null ? null : meta.addObject());
        }
        if (page.staticRow() != null && !page.staticRow().columns().isEmpty()) {
            columns(page.staticRow(), out.putObject("static"), metadata ? out.putObject("static_metadata") : null);
        }
        if (meta != null) {
            out.set("metadata", meta);
        }
        if (!page.exhausted() && page.resumeAfter() != null) {
            out.put("paging", paging(page.resumeAfter()));
        } else {
            out.putNull("paging");
        }
        return new AdminAnswer(200, out);
    }

    /** A row's columns as JSON values into {@code out}, and each one's write time and TTL into {@code meta}. */
    static void columns(Row row, ObjectNode out, ObjectNode meta) {
        for (Map.Entry<String, ColumnData> column : row.columns().entrySet()) {
            ColumnData data = column.getValue();
            out.set(column.getKey(), JsonResponses.JSON.valueToTree(data.column().type().toJson(data.value())));
            if (meta != null) {
                ObjectNode m = meta.putObject(column.getKey());
                m.put("timestamp", data.timestampMicros());
                if (!data.isCollection()) {
                    m.put("ttl", data.cell().ttlSeconds());
                    m.put("expires_at", data.cell().expiresAtSeconds());
                }
            }
        }
    }

    static AdminAnswer failure(ClientResult result) {
        if (result instanceof ClientResult.Invalid invalid) {
            return new AdminAnswer(400, JsonResponses.errorBody("invalid", invalid.message()));
        }
        if (result instanceof ClientResult.Unavailable u) {
            return new AdminAnswer(503, JsonResponses.errorBody("unavailable", "only " + u.alive() + " of the "
                    + u.required() + " replicas " + u.cl() + " needs are alive"));
        }
        if (result instanceof ClientResult.Timeout t) {
            return new AdminAnswer(504, JsonResponses.errorBody("timeout", t.received() + " of the " + t.required()
                    + " replicas " + t.cl() + " needs answered in time"));
        }
        String message = result instanceof ClientResult.Failed f ? f.message() : String.valueOf(result);
        return new AdminAnswer(500, JsonResponses.errorBody("failed", message));
    }
}
