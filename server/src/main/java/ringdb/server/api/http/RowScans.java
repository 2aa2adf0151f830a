package ringdb.server.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.rows.PartitionPage;
import ringdb.core.rows.PartitionReader;
import ringdb.core.rows.ReadCommand;
import ringdb.core.rows.Row;
import ringdb.core.schema.ColumnMetadata;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeyDecoder;
import ringdb.core.schema.keys.RowKeyFormat;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.keys.Slice;
import ringdb.core.store.LocalStore;
import ringdb.server.api.ClientOperations;
import ringdb.server.api.ClientOperations.AdminAnswer;
import ringdb.server.api.JsonResponses;

/**
 * A scan of a table over the ring ({@code POST /v1/rows/{ks}/{t}/scan}): the rows of its partitions
 * in token order from a start token (inclusive: CQL's {@code token(k) >= token(?)}), read page after
 * page of entries at the request's consistency level ({@link ClientOperations#scanTable}), each
 * partition turned into rows once all its entries were read. A page of the answer ends at the end of a
 * partition, once it holds {@code limit} rows or the ring was read to its end; its paging state is the
 * last entry read of its last partition, so the next page starts exactly after that partition.
 */
final class RowScans {
    /** Most entries one page of a scan reads; past it the page ends after the last whole partition. */
    static final int ENTRIES_MAX = 200_000;
    /** Most entries asked of the replicas at a time. */
    private static final int ENTRIES_PER_READ_MAX = 10_000;
    private static final int ENTRIES_PER_READ_MIN = 64;

    private final ClientOperations operations;
    private final TableMetadata table;
    private final Set<String> columns;
    private final int limit;
    private final ConsistencyLevel consistency;
    private final byte[] prefix;
    private final int entriesPerRead;
    private final CompletableFuture<AdminAnswer> answer = new CompletableFuture<>();
    private final ArrayNode rows = JsonResponses.JSON.createArrayNode();
    private final Map<PartitionKey, List<LocalStore.Entry>> tombstones = new LinkedHashMap<>();
    private final List<LocalStore.Entry> current = new ArrayList<>();
    private PartitionKey currentKey;
    /** The last entry of the last partition whose rows are in the answer: where the next page resumes. */
    private DecoratedKey lastComplete;
    private int rowCount;
    private int entriesRead;

    private RowScans(ClientOperations operations, TableMetadata table, Set<String> columns, int limit,
                     ConsistencyLevel consistency) {
        this.operations = operations;
        this.table = table;
        this.columns = columns;
        this.limit = limit;
        this.consistency = consistency;
        this.prefix = tablePrefix(table);
        // refuses an unknown column or a key column before anything is read
        new ReadCommand(table, PartitionKey.of(), List.of(Slice.ALL), columns, false, 0, 0, null);
        int perRow = (columns == null ? table.columns().size() : columns.size()) + 1;
        this.entriesPerRead = (int) Math.max(ENTRIES_PER_READ_MIN, Math.min(ENTRIES_PER_READ_MAX,
                (limit + 1L) * perRow));
    }

    /** Answers a scan request: {@code from} (partition key values) or {@code token}, or {@code paging}. */
    static CompletableFuture<AdminAnswer> scan(ClientOperations operations, TableMetadata table, JsonNode request,
                                               Set<String> columns, int limit, ConsistencyLevel consistency) {
        RowScans scan = new RowScans(operations, table, columns, limit, consistency);
        scan.read(start(operations, table, request, scan.prefix));
        return scan.answer;
    }

    /** Every storage key of {@code table}'s rows begins with these bytes: its tag and its id. */
    static byte[] tablePrefix(TableMetadata table) {
        return ByteBuffer.allocate(RowKeyFormat.PARTITION_OFFSET).put((byte) RowKeyFormat.TABLE_TAG)
                .putLong(table.id().getMostSignificantBits()).putLong(table.id().getLeastSignificantBits()).array();
    }

    /** Where the scan starts: strictly after this position (null: the ring's start). */
    private static DecoratedKey start(ClientOperations operations, TableMetadata table, JsonNode request,
                                      byte[] prefix) {
        if (request.has("from") && request.has("token")) {
            throw new InvalidRequestException("a scan starts at 'from' (a partition key) or at a 'token', not both");
        }
        if (request.hasNonNull("paging")) {
            return paging(request.path("paging"), prefix);
        }
        long token;
        if (request.has("from")) {
            PartitionKey key = RowWrites.partitionKey(table, RowsJson.object(request.path("from"), "'from'"));
            token = new RowKeys(table, operations.partitioner()::token).token(key);
        } else if (request.has("token")) {
            token = RowsJson.whole(request, "token", Long.MIN_VALUE, Long.MAX_VALUE, 0, "a token");
        } else {
            return null;
        }
        // an empty key sorts before every key of its token: the scan includes the start token
        return new DecoratedKey(token, new byte[0]);
    }

    /** A scan's paging state: hex of the token (8 bytes) then the storage key of the last entry read. */
    static String paging(DecoratedKey after) {
        return HexFormat.of().formatHex(ByteBuffer.allocate(8 + after.key().length).putLong(after.token())
                .put(after.key()).array());
    }

    private static DecoratedKey paging(JsonNode json, byte[] prefix) {
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
        if (bytes.length < 8 + prefix.length
                || !Arrays.equals(bytes, 8, 8 + prefix.length, prefix, 0, prefix.length)) {
            throw new InvalidRequestException(wrong);
        }
        return new DecoratedKey(ByteBuffer.wrap(bytes).getLong(), Arrays.copyOfRange(bytes, 8, bytes.length));
    }

    private void read(DecoratedKey after) {
        operations.scanTable(prefix, after, entriesPerRead, consistency, result -> {
            try {
                if (!(result instanceof ClientResult.Entries page)) {
                    answer.complete(RowsHttp.failure(result));
                    return;
                }
                take(page);
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
    }

    /** Adds one page of entries; answers once the rows are enough, the ring ended or the entries are too many. */
    private void take(ClientResult.Entries page) {
        for (LocalStore.Entry tombstone : page.rangeTombstones()) {
            tombstones.computeIfAbsent(partitionOf(tombstone), k -> new ArrayList<>()).add(tombstone);
        }
        for (LocalStore.Entry entry : page.entries()) {
            PartitionKey key = partitionOf(entry);
            if (!key.equals(currentKey)) {
                finishPartition();
                if (rowCount >= limit) {
                    answer(lastComplete);
                    return;
                }
                currentKey = key;
            }
            current.add(entry);
        }
        entriesRead += page.entries().size();
        if (page.resumeAfter() == null) {
            finishPartition();
            answer(null);
        } else if (entriesRead > ENTRIES_MAX && lastComplete != null) {
            answer(lastComplete); // the partition being read starts the next page
        } else if (entriesRead > ENTRIES_MAX) {
            answer.complete(new AdminAnswer(400, JsonResponses.errorBody("invalid", "a partition of "
                    + table.keyspace() + "." + table.name() + " holds more than " + ENTRIES_MAX
                    + " entries: a scan returns whole partitions; read it with POST .../query and paging")));
        } else {
            read(page.resumeAfter());
        }
    }

    private PartitionKey partitionOf(LocalStore.Entry entry) {
        return RowKeyDecoder.decode(table, entry.key().key()).partitionKey();
    }

    /** Turns the entries of the partition read so far into rows of the answer. */
    private void finishPartition() {
        if (currentKey == null) {
            return;
        }
        ReadCommand command = new ReadCommand(table, currentKey, List.of(Slice.ALL), columns, false, 0, 0, null);
        PartitionPage page = PartitionReader.read(command, current, tombstones.getOrDefault(currentKey, List.of()),
                operations.nowMicros() / 1_000_000, true);
        Row statics = page.staticRow() != null && !page.staticRow().columns().isEmpty() ? page.staticRow() : null;
        for (Row row : page.rows()) {
            add(row, statics);
        }
        if (page.rows().isEmpty() && statics != null) {
            add(null, statics); // a partition with static values only is one row, as in CQL
        }
        lastComplete = current.get(current.size() - 1).key();
        tombstones.remove(currentKey);
        current.clear();
        currentKey = null;
    }

    private void add(Row row, Row statics) {
        ObjectNode o = rows.addObject();
        for (int i = 0; i < table.partitionKey().size(); i++) {
            ColumnMetadata c = table.partitionKey().get(i);
            o.set(c.name(), JsonResponses.JSON.valueToTree(c.type().toJson(currentKey.components().get(i))));
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
        rowCount++;
    }

    private void answer(DecoratedKey resumeAfter) {
        ObjectNode out = JsonResponses.object();
        out.set("rows", rows);
        if (resumeAfter == null) {
            out.putNull("paging");
        } else {
            out.put("paging", paging(resumeAfter));
        }
        answer.complete(new AdminAnswer(200, out));
    }
}
