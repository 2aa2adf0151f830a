package ringdb.server.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.rows.Row;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.server.api.ClientOperations;
import ringdb.server.api.ClientOperations.AdminAnswer;
import ringdb.server.api.JsonResponses;
import ringdb.server.api.TableScan;

/**
 * A scan of a table over the ring ({@code POST /v1/rows/{ks}/{t}/scan}) read by {@link TableScan}: the
 * rows of its partitions in token order from a start token (inclusive: CQL's {@code token(k) >=
 * token(?)}), as JSON; a page's paging state is {@link TableScan#pagingState} in hex.
 */
final class RowScans {
    private RowScans() {
    }

    /** Answers a scan request: {@code from} (partition key values) or {@code token}, or {@code paging}. */
    static CompletableFuture<AdminAnswer> scan(ClientOperations operations, TableMetadata table, JsonNode request,
                                               Set<String> columns, int limit, ConsistencyLevel consistency) {
        TableScan.checkColumns(table, columns);
        DecoratedKey after = start(operations, table, request);
        CompletableFuture<AdminAnswer> answer = new CompletableFuture<>();
        ArrayNode rows = JsonResponses.JSON.createArrayNode();
        TableScan.scan(operations, table, columns, limit, consistency, after,
                (key, statics, row) -> add(table, rows.addObject(), key, statics, row), new TableScan.Done() {
                    @Override
                    public void page(DecoratedKey resumeAfter) {
                        ObjectNode out = JsonResponses.object();
                        out.set("rows", rows);
                        if (resumeAfter == null) {
                            out.putNull("paging");
                        } else {
                            out.put("paging", paging(resumeAfter));
                        }
                        answer.complete(new AdminAnswer(200, out));
                    }

                    @Override
                    public void failed(ClientResult result) {
                        answer.complete(RowsHttp.failure(result));
                    }
                });
        return answer;
    }

    /** Where the scan starts: strictly after this position (null: the ring's start). */
    private static DecoratedKey start(ClientOperations operations, TableMetadata table, JsonNode request) {
        if (request.has("from") && request.has("token")) {
            throw new InvalidRequestException("a scan starts at 'from' (a partition key) or at a 'token', not both");
        }
        if (request.hasNonNull("paging")) {
            return paging(request.path("paging"), table);
        }
        if (request.has("from")) {
            PartitionKey key = RowWrites.partitionKey(table, RowsJson.object(request.path("from"), "'from'"));
            return TableScan.fromPartition(operations, table, key);
        } else if (request.has("token")) {
            return TableScan.fromToken(RowsJson.whole(request, "token", Long.MIN_VALUE, Long.MAX_VALUE, 0,
                    "a token"));
        }
        return null;
    }

    /** A scan's paging state in hex: the token (8 bytes) then the storage key of the last entry read. */
    static String paging(DecoratedKey after) {
        return HexFormat.of().formatHex(TableScan.pagingState(after));
    }

    private static DecoratedKey paging(JsonNode json, TableMetadata table) {
        String wrong = "'paging' must be the paging state a previous scan of this table returned";
        if (!json.isTextual()) {
            throw new InvalidRequestException(wrong);
        }
        byte[] bytes;
        try {
            bytes = HexFormat.of().parseHex(json.asText());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(wrong);
        }
        return TableScan.afterPaging(table, bytes, "'paging'");
    }

    private static void add(TableMetadata table, ObjectNode o, PartitionKey key, Row statics, Row row) {
        for (int i = 0; i < table.partitionKey().size(); i++) {
            ColumnMetadata c = table.partitionKey().get(i);
            o.set(c.name(), JsonResponses.JSON.valueToTree(c.type().toJson(key.components().get(i))));
        }
        if (statics != null) {
            RowsHttp.columns(statics, o, null);
        }
        if (row != null) {
            for (int i = 0; i < row.clustering().size(); i++) {
                ColumnMetadata c = table.clustering().get(i);
                o.set(c.name(), JsonResponses.JSON.valueToTree(c.type().toJson(row.clustering().values().get(i))));
            }
            RowsHttp.columns(row, o, null);
        }
    }
}
