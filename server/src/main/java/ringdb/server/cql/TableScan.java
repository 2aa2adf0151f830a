package ringdb.server.cql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.node.Node;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.rows.PartitionPage;
import ringdb.core.rows.PartitionReader;
import ringdb.core.rows.ReadCommand;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeyDecoder;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.store.LocalStore;
import ringdb.cql.statements.BoundSelect;

/**
 * A SELECT without partition keys: the entries of the table in the statement's token range read
 * over the ring ({@code Node#scanTable}, page after page at the request's consistency level, from
 * the range's first token and no further than its last), grouped by partition in token order, the
 * partitions outside the range left out. Each page of the CQL result scans the range again (the
 * paging state is the partition's index in token order), and a range of more than
 * {@link #ENTRIES_MAX} entries is refused: fit for small tables, or for a large one read in token
 * ranges small enough (as splitting readers do).
 */
record TableScan(List<PartitionKey> partitions, Map<PartitionKey, List<LocalStore.Entry>> entries,
                 Map<PartitionKey, List<LocalStore.Entry>> tombstones) {
    /** Most entries a scan reads. */
    static final int ENTRIES_MAX = 200_000;
    private static final int ENTRIES_PER_PAGE = 10_000;

    static CompletableFuture<TableScan> scan(Node node, BoundSelect select, RowKeys keys, ConsistencyLevel consistency,
                                             CqlConsistency cl) {
        TableMetadata table = select.table();
        byte[] prefix = ringdb.server.api.TableScan.tablePrefix(table);
        TableScan scan = new TableScan(new ArrayList<>(), new LinkedHashMap<>(), new LinkedHashMap<>());
        CompletableFuture<TableScan> out = new CompletableFuture<>();
        BoundSelect.TokenRange range = select.tokenRange();
        if (range != null && range.start() != null && !range.startInclusive() && range.start() == Long.MAX_VALUE) {
            out.complete(scan); // token(k) > the largest token: nothing
            return out;
        }
        scan.page(node, prefix, startAfter(range), select, keys, consistency, cl, 0, out);
        return out;
    }

    /**
     * Where the scan starts: strictly after this position, which sorts before every entry of the
     * range's first token (an empty key sorts before every key of that token); null from the ring's
     * first token.
     */
    private static DecoratedKey startAfter(BoundSelect.TokenRange range) {
        if (range == null || range.start() == null) {
            return null;
        }
        return new DecoratedKey(range.startInclusive() ? range.start() : range.start() + 1, new byte[0]);
    }

    /** Whether the scan went past the range's last token, so that no further page can hold one of it. */
    private static boolean pastEnd(BoundSelect.TokenRange range, DecoratedKey position) {
        if (range == null || range.end() == null || position == null) {
            return false;
        }
        return range.endInclusive() ? position.token() > range.end() : position.token() >= range.end();
    }

    private void page(Node node, byte[] prefix, DecoratedKey after, BoundSelect select, RowKeys keys,
                      ConsistencyLevel consistency, CqlConsistency cl, int read, CompletableFuture<TableScan> out) {
        node.scanTable(prefix, after, ENTRIES_PER_PAGE, consistency, result -> {
            try {
                if (!(result instanceof ClientResult.Entries page)) {
                    out.completeExceptionally(NodeStatements.failure(result, cl, null));
                    return;
                }
                add(select, keys, page.entries(), entries);
                add(select, keys, page.rangeTombstones(), tombstones);
                int total = read + page.entries().size();
                if (page.resumeAfter() == null || pastEnd(select.tokenRange(), page.resumeAfter())) {
                    out.complete(this);
                } else if (total > ENTRIES_MAX) {
                    out.completeExceptionally(CqlException.invalid("table " + select.table().keyspace() + "."
                            + select.table().name() + " holds more than " + ENTRIES_MAX + " entries" + (select
                            .tokenRange() == null || select.tokenRange().equals(BoundSelect.TokenRange.ALL) ? ""
                            : " in the token range asked") + ": SELECT without its partition keys scans small tables "
                            + "only over CQL; name the partitions, or read the table in smaller token ranges"));
                } else {
                    page(node, prefix, page.resumeAfter(), select, keys, consistency, cl, total, out);
                }
            } catch (RuntimeException e) {
                out.completeExceptionally(e);
            }
        });
    }

    private void add(BoundSelect select, RowKeys keys, List<LocalStore.Entry> found,
                     Map<PartitionKey, List<LocalStore.Entry>> into) {
        for (LocalStore.Entry entry : found) {
            PartitionKey key = RowKeyDecoder.decode(select.table(), entry.key().key()).partitionKey();
            if (select.tokenRange() != null && !select.tokenRange().contains(keys.token(key))) {
                continue;
            }
            if (!entries.containsKey(key) && into == entries) {
                partitions.add(key);
            }
            into.computeIfAbsent(key, k -> new ArrayList<>()).add(entry);
        }
    }

    /** A partition's page, from the entries scanned. */
    PartitionPage read(ReadCommand command, long nowSeconds) {
        List<KeyRange> ranges = command.storageRanges();
        List<LocalStore.Entry> selected = new ArrayList<>();
        for (LocalStore.Entry entry : entries.getOrDefault(command.partitionKey(), List.of())) {
            if (ranges.stream().anyMatch(r -> r.contains(entry.key().key()))) {
                selected.add(entry);
            }
        }
        return PartitionReader.read(command, selected, tombstones.getOrDefault(command.partitionKey(), List.of()),
                nowSeconds, true);
    }
}
