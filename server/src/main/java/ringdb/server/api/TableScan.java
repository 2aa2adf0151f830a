package ringdb.server.api;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.rows.PartitionPage;
import ringdb.core.rows.PartitionReader;
import ringdb.core.rows.ReadCommand;
import ringdb.core.rows.Row;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeyDecoder;
import ringdb.core.schema.keys.RowKeyFormat;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.schema.keys.Slice;
import ringdb.core.store.LocalStore;

/**
 * A scan of a table over the ring, as the HTTP API ({@code POST /v1/rows/{ks}/{t}/scan}) and the native
 * protocol (SCAN) serve it: the rows of its partitions in token order after a position, read page after
 * page of entries at the request's consistency level ({@link ClientOperations#scanTable}), each partition
 * turned into rows once all its entries were read. A page of the answer ends at the end of a partition,
 * once it holds {@code limit} rows, the ring was read to its end or {@link #ENTRIES_MAX} entries were read;
 * its paging state is the last entry read of its last partition, so the next page starts exactly after
 * that partition. Each entry's key is compared with its partition's prefix and decoded once, by the
 * partition's reader; only the first entry of a partition is decoded for its partition key.
 */
public final class TableScan {
    /** Most entries one page of a scan reads; past it the page ends after the last whole partition. */
    public static final int ENTRIES_MAX = 200_000;
    /** Most entries asked of the replicas at a time. */
    private static final int ENTRIES_PER_READ_MAX = 10_000;
    private static final int ENTRIES_PER_READ_MIN = 64;
    /** Bytes of the token at the start of a paging state. */
    private static final int TOKEN_BYTES = 8;

    /** Where the rows of a scan go, in order. */
    public interface Rows {
        /** One row of partition {@code key}: {@code row} with the partition's {@code statics} (each may be null). */
        void row(PartitionKey key, Row statics, Row row);
    }

    /** How a scan ends. */
    public interface Done {
        /** The page is complete; the next page starts after {@code resumeAfter} (null: the ring was read). */
        void page(DecoratedKey resumeAfter);

        /** The scan failed ({@link ClientResult.Invalid} for a partition larger than a page may hold). */
        void failed(ClientResult result);
    }

    private final ClientOperations operations;
    private final TableMetadata table;
    private final Set<String> columns;
    private final int limit;
    private final ConsistencyLevel consistency;
    private final byte[] tablePrefix;
    private final int entriesPerRead;
    private final RowKeys keys;
    private final Rows rows;
    private final Done done;
    private final Map<PartitionKey, List<LocalStore.Entry>> tombstones = new HashMap<>();
    private final List<LocalStore.Entry> current = new ArrayList<>();
    private PartitionKey currentKey;
    private byte[] currentPrefix;
    /** The last entry of the last partition whose rows were given: where the next page resumes. */
    private DecoratedKey lastComplete;
    private int rowCount;
    private int entriesRead;

    private TableScan(ClientOperations operations, TableMetadata table, Set<String> columns, int limit,
                      ConsistencyLevel consistency, Rows rows, Done done) {
        this.operations = operations;
        this.table = table;
        this.columns = columns;
        this.limit = limit;
        this.consistency = consistency;
        this.rows = rows;
        this.done = done;
        this.tablePrefix = tablePrefix(table);
        this.keys = new RowKeys(table, operations.partitioner()::token);
        int perRow = (columns == null ? table.columns().size() : columns.size()) + 1;
        this.entriesPerRead = (int) Math.max(ENTRIES_PER_READ_MIN, Math.min(ENTRIES_PER_READ_MAX,
                (limit + 1L) * perRow));
    }

    /**
     * Refuses an unknown column or a key column among {@code columns} (null: every column) with
     * {@link InvalidRequestException}, before anything is read.
     */
    public static void checkColumns(TableMetadata table, Set<String> columns) {
        new ReadCommand(table, PartitionKey.of(), List.of(Slice.ALL), columns, false, 0, 0, null);
    }

    /**
     * Scans {@code table} from strictly after {@code after} (null: the ring's start; see {@link #fromToken}):
     * gives at least {@code limit} rows, unless the ring ends first, to {@code rows}, then ends by {@code done}.
     */
    public static void scan(ClientOperations operations, TableMetadata table, Set<String> columns, int limit,
                            ConsistencyLevel consistency, DecoratedKey after, Rows rows, Done done) {
        checkColumns(table, columns);
        new TableScan(operations, table, columns, limit, consistency, rows, done).read(after);
    }

    /** The position a scan from {@code token} (inclusive) starts after: an empty key sorts before every key. */
    public static DecoratedKey fromToken(long token) {
        return new DecoratedKey(token, new byte[0]);
    }

    /** The position a scan from the token of {@code key} (inclusive) starts after. */
    public static DecoratedKey fromPartition(ClientOperations operations, TableMetadata table, PartitionKey key) {
        return fromToken(new RowKeys(table, operations.partitioner()::token).token(key));
    }

    /** Every storage key of {@code table}'s rows begins with these bytes: its tag and its id. */
    public static byte[] tablePrefix(TableMetadata table) {
        return ByteBuffer.allocate(RowKeyFormat.PARTITION_OFFSET).put((byte) RowKeyFormat.TABLE_TAG)
                .putLong(table.id().getMostSignificantBits()).putLong(table.id().getLeastSignificantBits()).array();
    }

    /** A scan's paging state: the token (8 bytes) then the storage key of the last entry read. */
    public static byte[] pagingState(DecoratedKey after) {
        return ByteBuffer.allocate(TOKEN_BYTES + after.key().length).putLong(after.token()).put(after.key()).array();
    }

    /** The position a paging state of {@code table} names; refuses anything else, saying so. */
    public static DecoratedKey afterPaging(TableMetadata table, byte[] state, String what) {
        byte[] prefix = tablePrefix(table);
        if (state.length < TOKEN_BYTES + prefix.length
                || !Arrays.equals(state, TOKEN_BYTES, TOKEN_BYTES + prefix.length, prefix, 0, prefix.length)) {
            throw new InvalidRequestException(what + " must be the paging state a previous scan of "
                    + table.keyspace() + "." + table.name() + " returned");
        }
        return new DecoratedKey(ByteBuffer.wrap(state).getLong(), Arrays.copyOfRange(state, TOKEN_BYTES,
                state.length));
    }

    private void read(DecoratedKey after) {
        operations.scanTable(tablePrefix, after, entriesPerRead, consistency, result -> {
            if (!(result instanceof ClientResult.Entries page)) {
                done.failed(result);
                return;
            }
            try {
                take(page);
            } catch (RuntimeException e) {
                done.failed(new ClientResult.Failed("the scan of " + table.keyspace() + "." + table.name()
                        + " failed: " + e));
            }
        });
    }

    /** Adds one page of entries; ends once the rows are enough, the ring ended or the entries are too many. */
    private void take(ClientResult.Entries page) {
        for (LocalStore.Entry tombstone : page.rangeTombstones()) {
            tombstones.computeIfAbsent(partitionOf(tombstone.key().key()), k -> new ArrayList<>()).add(tombstone);
        }
        for (LocalStore.Entry entry : page.entries()) {
            byte[] key = entry.key().key();
            if (currentPrefix == null || !inCurrentPartition(key)) {
                finishPartition();
                if (rowCount >= limit) {
                    done.page(lastComplete);
                    return;
                }
                currentKey = partitionOf(key);
                currentPrefix = keys.partitionPrefix(currentKey);
            }
            current.add(entry);
        }
        entriesRead += page.entries().size();
        if (page.resumeAfter() == null) {
            finishPartition();
            done.page(null);
        } else if (entriesRead > ENTRIES_MAX && lastComplete != null) {
            done.page(lastComplete); // the partition being read starts the next page
        } else if (entriesRead > ENTRIES_MAX) {
            done.failed(new ClientResult.Invalid("a partition of " + table.keyspace() + "." + table.name()
                    + " holds more than " + ENTRIES_MAX + " entries: a scan returns whole partitions; read it"
                    + " by partition with paging"));
        } else {
            read(page.resumeAfter());
        }
    }

    /** Whether {@code key} begins with the current partition's prefix (and has something after it). */
    private boolean inCurrentPartition(byte[] key) {
        return key.length > currentPrefix.length
                && Arrays.equals(key, 0, currentPrefix.length, currentPrefix, 0, currentPrefix.length);
    }

    private PartitionKey partitionOf(byte[] key) {
        return RowKeyDecoder.decode(table, key).partitionKey();
    }

    /** Turns the entries of the partition read so far into rows. */
    private void finishPartition() {
        if (currentKey == null) {
            return;
        }
        ReadCommand command = new ReadCommand(table, currentKey, List.of(Slice.ALL), columns, false, 0, 0, null);
        PartitionPage page = PartitionReader.read(command, currentPrefix, current,
                tombstones.getOrDefault(currentKey, List.of()), operations.nowMicros() / 1_000_000, true);
        Row statics = page.staticRow() != null && !page.staticRow().columns().isEmpty() ? page.staticRow() : null;
        for (Row row : page.rows()) {
            rows.row(currentKey, statics, row);
            rowCount++;
        }
        if (page.rows().isEmpty() && statics != null) {
            rows.row(currentKey, statics, null); // a partition with static values only is one row, as in CQL
            rowCount++;
        }
        lastComplete = current.get(current.size() - 1).key();
        tombstones.remove(currentKey);
        current.clear();
        currentKey = null;
        currentPrefix = null;
    }
}
