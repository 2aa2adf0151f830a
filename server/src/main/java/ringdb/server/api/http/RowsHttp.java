package ringdb.server.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.coordinator.SliceQuery;
import ringdb.core.data.Cell;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.node.Node;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.Slice;
import ringdb.core.schema.types.CqlType;
import ringdb.server.api.ClientOperations;
import ringdb.server.api.ClientOperations.AdminAnswer;
import ringdb.server.api.JsonResponses;

/**
 * The row part of the HTTP API ({@code /v1/rows/{keyspace}/{table}}): write rows (insert or update a
 * subset of columns, optional timestamp and TTL), read a partition, a row or a clustering slice
 * (bounds inclusive or exclusive, reversed, limit, paging), delete a column, a row, a range or a
 * partition. Values are JSON as the column types take them (docs/data-model.md); anything wrong is
 * answered 400 naming it (unknown table, unknown column, a value that does not fit its type).
 */
final class RowsHttp {
    static final String PREFIX = "/v1/rows/";
    /** Most rows one read returns. */
    static final int ROWS_PER_READ_MAX = 10_000;
    /** Most entries one read asks each replica for. */
    static final int ENTRIES_PER_READ_MAX = 100_000;
    private static final int DEFAULT_LIMIT = 100;

    private final ClientOperations operations;

    RowsHttp(ClientOperations operations) {
        this.operations = operations;
    }

    CompletableFuture<AdminAnswer> handle(String method, String path, Map<String, String> params, JsonNode body) {
        String[] parts = path.substring(PREFIX.length()).split("/", -1);
        if (parts.length < 2 || parts.length > 3 || !method.equals("POST")
                || (parts.length == 3 && !parts[2].equals("query") && !parts[2].equals("delete"))) {
            return CompletableFuture.completedFuture(new AdminAnswer(404, JsonResponses.errorBody("not_found",
                    "no such row endpoint: " + method + " " + path + "; the API has POST " + PREFIX
                    + "{keyspace}/{table} (write), POST .../query (read), POST .../delete")));
        }
        JsonNode request = RowsJson.object(body, "the body");
        return operations.schema().thenCompose(schema -> {
            TableMetadata table = schema.table(parts[0], parts[1]);
            if (table == null) {
                String what = schema.keyspace(parts[0]) == null ? "keyspace " + parts[0] + " does not exist"
                        : "keyspace " + parts[0] + " has no table " + parts[1];
                return CompletableFuture.completedFuture(new AdminAnswer(400, JsonResponses.errorBody(
                        "unknown_table", what)));
            }
            RowTranslation rows = new RowTranslation(table, operations.partitioner());
            if (parts.length == 2) {
                return write(rows, request);
            }
            return parts[2].equals("query") ? read(rows, request) : delete(rows, request);
        });
    }

    // ---- values ----

    private static byte[] value(ColumnMetadata column, JsonNode json) {
        try {
            Object plain = JsonResponses.JSON.treeToValue(json, Object.class);
            byte[] bytes = column.type().fromJson(plain);
            column.type().validate(column.name(), bytes);
            return bytes;
        } catch (JsonProcessingException | RuntimeException e) {
            String message = e.getMessage();
            throw new InvalidRequestException(message != null && message.contains("'" + column.name() + "'") ? message
                    : "column '" + column.name() + "' is " + column.type().cqlName() + ": " + message);
        }
    }

    private static PartitionKey partitionKey(TableMetadata table, JsonNode values) {
        List<byte[]> components = new ArrayList<>();
        for (ColumnMetadata c : table.partitionKey()) {
            JsonNode v = values.path(c.name());
            if (v.isMissingNode() || v.isNull()) {
                throw new InvalidRequestException("missing partition key column '" + c.name() + "' of "
                        + table.keyspace() + "." + table.name());
            }
            components.add(value(c, v));
        }
        return new PartitionKey(components);
    }

    /** The clustering values given, a prefix of the clustering columns; {@code full} requires all of them. */
    private static Clustering clustering(TableMetadata table, JsonNode values, boolean full) {
        List<byte[]> out = new ArrayList<>();
        for (ColumnMetadata c : table.clustering()) {
            JsonNode v = values.path(c.name());
            if (v.isMissingNode() || v.isNull()) {
                if (full) {
                    throw new InvalidRequestException("missing clustering column '" + c.name() + "' of "
                            + table.keyspace() + "." + table.name());
                }
                break;
            }
            out.add(value(c, v));
        }
        return new Clustering(out);
    }

    private static void checkColumns(TableMetadata table, JsonNode values) {
        values.fieldNames().forEachRemaining(table::columnOrThrow);
    }

    private static ConsistencyLevel cl(JsonNode request) {
        return ConsistencyLevel.parse(request.path("cl").asText("ONE"));
    }

    private static long timestamp(JsonNode request) {
        JsonNode t = request.path("timestamp");
        if (t.isMissingNode() || t.isNull()) {
            return Node.COORDINATOR_TIMESTAMP;
        }
        if (!t.canConvertToLong()) {
            throw new InvalidRequestException("'timestamp' must be a whole number of microseconds since the epoch");
        }
        return t.asLong();
    }

    // ---- writes ----

    private CompletableFuture<AdminAnswer> write(RowTranslation rows, JsonNode request) {
        TableMetadata table = rows.keys().table();
        boolean insert = !request.path("update").asBoolean(false);
        int ttl = request.has("ttl") ? request.path("ttl").asInt(-2) : -1;
        if (ttl < -1) {
            throw new InvalidRequestException("'ttl' must be a whole number of seconds (0 = none)");
        }
        Map<PartitionKey, List<Object[]>> partitions = new LinkedHashMap<>();
        for (JsonNode row : RowsJson.array(request.path("rows"), "rows", true)) {
            RowsJson.object(row, "each row");
            checkColumns(table, row);
            PartitionKey pk = partitionKey(table, row);
            Map<String, byte[]> values = new LinkedHashMap<>();
            boolean[] regular = {false};
            row.properties().forEach(f -> {
                ColumnMetadata c = table.columnOrThrow(f.getKey());
                if (!c.kind().isPrimaryKey()) {
                    values.put(c.name(), f.getValue().isNull() ? null : value(c, f.getValue()));
                    regular[0] |= c.kind() == ringdb.core.schema.ColumnKind.REGULAR;
                }
            });
            // a write of static columns alone needs no row (and writes no row marker)
            boolean staticOnly = !regular[0] && !values.isEmpty() && row.path(table.clustering().isEmpty() ? ""
                    : table.clustering().get(0).name()).isMissingNode();
            Clustering ck = clustering(table, row, !staticOnly);
            partitions.computeIfAbsent(pk, k -> new ArrayList<>()).add(new Object[] {ck, values});
        }
        List<CompletableFuture<ClientResult>> results = new ArrayList<>();
        for (Map.Entry<PartitionKey, List<Object[]>> p : partitions.entrySet()) {
            results.add(mutate(request, (micros, now) -> {
                List<ringdb.core.store.LocalStore.Entry> entries = new ArrayList<>();
                for (Object[] row : p.getValue()) {
                    @SuppressWarnings("unchecked")
                    Map<String, byte[]> values = (Map<String, byte[]>) row[1];
                    entries.addAll(rows.write(p.getKey(), (Clustering) row[0], values, insert, micros, ttl, now));
                }
                return entries;
            }));
        }
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
            out.put("partitions", partitions.size());
            out.put("timestamp", latest);
            return new AdminAnswer(200, out);
        });
    }

    private CompletableFuture<ClientResult> mutate(JsonNode request, ClientOperations.MutationBuilder build) {
        CompletableFuture<ClientResult> result = new CompletableFuture<>();
        operations.mutate(timestamp(request), build, cl(request), result::complete);
        return result;
    }

    private CompletableFuture<AdminAnswer> delete(RowTranslation rows, JsonNode request) {
        TableMetadata table = rows.keys().table();
        PartitionKey pk = partitionKey(table, RowsJson.object(request.path("partition"), "'partition'"));
        JsonNode rowJson = request.path("row");
        List<JsonNode> columns = RowsJson.array(request.path("columns"), "columns", false);
        ClientOperations.MutationBuilder build;
        if (request.has("from") || request.has("to")) {
            Slice slice = slice(table, request);
            build = (micros, now) -> rows.deleteRange(pk, slice, micros);
        } else if (rowJson.isMissingNode() && columns.isEmpty()) {
            build = (micros, now) -> rows.deletePartition(pk, micros);
        } else {
            Clustering ck = rowJson.isMissingNode() ? Clustering.EMPTY : clustering(table, rowJson, false);
            if (columns.isEmpty() && ck.size() < table.clustering().size()) {
                build = (micros, now) -> rows.deleteRange(pk, Slice.prefix(ck), micros);
            } else if (columns.isEmpty()) {
                build = (micros, now) -> rows.deleteRow(pk, ck, micros);
            } else {
                Clustering full = clustering(table, rowJson, !table.clustering().isEmpty()
                        && columns.stream().anyMatch(c -> !isStatic(table, c.asText())));
                Map<String, byte[]> deletions = new LinkedHashMap<>();
                columns.forEach(c -> deletions.put(table.columnOrThrow(c.asText()).name(), null));
                deletions.keySet().forEach(c -> {
                    if (table.columnOrThrow(c).kind().isPrimaryKey()) {
                        throw new InvalidRequestException("column '" + c + "' is part of the primary key; delete the"
                                + " row instead");
                    }
                });
                build = (micros, now) -> rows.write(pk, full, deletions, false, micros, 0, now);
            }
        }
        return mutate(request, build).thenApply(r -> {
            if (!(r instanceof ClientResult.Written written)) {
                return failure(r);
            }
            ObjectNode out = JsonResponses.object();
            out.put("timestamp", written.timestampMicros());
            return new AdminAnswer(200, out);
        });
    }

    private static boolean isStatic(TableMetadata table, String column) {
        return table.columnOrThrow(column).kind() == ringdb.core.schema.ColumnKind.STATIC;
    }

    private static Slice slice(TableMetadata table, JsonNode request) {
        Clustering from = request.has("from") ? clustering(table, RowsJson.object(request.path("from"), "'from'"),
                false) : Clustering.EMPTY;
        Clustering to = request.has("to") ? clustering(table, RowsJson.object(request.path("to"), "'to'"), false)
                : Clustering.EMPTY;
        return new Slice(from, request.path("from_inclusive").asBoolean(true), to,
                request.path("to_inclusive").asBoolean(true));
    }

    // ---- reads ----

    private CompletableFuture<AdminAnswer> read(RowTranslation rows, JsonNode request) {
        TableMetadata table = rows.keys().table();
        PartitionKey pk = partitionKey(table, RowsJson.object(request.path("partition"), "'partition'"));
        KeyRange partition = rows.keys().partition(pk);
        KeyRange range;
        if (request.has("row")) {
            range = rows.keys().slice(pk, Slice.prefix(clustering(table, RowsJson.object(request.path("row"),
                    "'row'"), false)));
        } else if (request.has("from") || request.has("to")) {
            range = rows.keys().slice(pk, slice(table, request));
        } else {
            range = partition;
        }
        boolean reversed = request.path("reversed").asBoolean(false);
        int limit = request.path("limit").asInt(DEFAULT_LIMIT);
        if (limit <= 0 || limit > ROWS_PER_READ_MAX) {
            throw new InvalidRequestException("'limit' must be between 1 and " + ROWS_PER_READ_MAX + ", got "
                    + request.path("limit"));
        }
        byte[] from = range.start();
        byte[] to = range.end();
        if (request.hasNonNull("paging")) {
            byte[] resume = paging(request.path("paging").asText(), partition);
            if (reversed) {
                to = java.util.Arrays.compareUnsigned(resume, to) < 0 ? resume : to;
            } else {
                from = java.util.Arrays.compareUnsigned(resume, from) > 0 ? resume : from;
            }
        }
        int entries = (int) Math.min(ENTRIES_PER_READ_MAX, (long) (limit + 1) * (table.columns().size() + 3));
        SliceQuery query = new SliceQuery(rows.token(pk), from, to, reversed, entries, partition.start(),
                partition.end());
        CompletableFuture<ClientResult> result = new CompletableFuture<>();
        operations.readSlice(query, cl(request), result::complete);
        return result.thenApply(r -> r instanceof ClientResult.Entries page ? rowsAnswer(rows, page, limit, reversed)
                : failure(r));
    }

    private static byte[] paging(String text, KeyRange partition) {
        byte[] resume;
        try {
            resume = HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("'paging' must be the paging state a previous read returned");
        }
        if (!partition.contains(resume) && !java.util.Arrays.equals(resume, partition.end())) {
            throw new InvalidRequestException("'paging' belongs to another partition");
        }
        return resume;
    }

    private static AdminAnswer rowsAnswer(RowTranslation rows, ClientResult.Entries page, int limit,
                                          boolean reversed) {
        TableMetadata table = rows.keys().table();
        Map<String, Cell> statics = new LinkedHashMap<>();
        List<RowTranslation.ReadRow> read = rows.rows(page.entries(), page.rangeTombstones(),
                System.currentTimeMillis() / 1000, statics);
        boolean more = page.more();
        if (more && read.size() > 1) {
            read = read.subList(0, read.size() - 1); // the last row may be cut short: the next page reads it whole
        }
        if (read.size() > limit) {
            read = read.subList(0, limit);
            more = true;
        }
        ObjectNode out = JsonResponses.object();
        ArrayNode list = out.putArray("rows");
        for (RowTranslation.ReadRow row : read) {
            ObjectNode o = list.addObject();
            for (int i = 0; i < row.clustering().size(); i++) {
                ColumnMetadata c = table.clustering().get(i);
                o.set(c.name(), json(c.type(), row.clustering().values().get(i)));
            }
            row.cells().forEach((name, cell) -> o.set(name, json(table.columnOrThrow(name).type(), cell.value())));
        }
        if (!statics.isEmpty()) {
            ObjectNode s = out.putObject("static");
            statics.forEach((name, cell) -> s.set(name, json(table.columnOrThrow(name).type(), cell.value())));
        }
        if (more && !read.isEmpty()) {
            byte[] last = read.get(read.size() - 1).rowPrefix();
            out.put("paging", HexFormat.of().formatHex(reversed ? last : KeyRange.prefixEnd(last)));
        } else {
            out.putNull("paging");
        }
        return new AdminAnswer(200, out);
    }

    private static JsonNode json(CqlType type, byte[] value) {
        return JsonResponses.JSON.valueToTree(type.toJson(value));
    }

    private static AdminAnswer failure(ClientResult result) {
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
