package ringdb.server.cql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.coordinator.SliceQuery;
import ringdb.core.node.Node;
import ringdb.core.rows.ColumnData;
import ringdb.core.rows.PartitionPage;
import ringdb.core.rows.PartitionReader;
import ringdb.core.rows.ReadCommand;
import ringdb.core.schema.ColumnKind;
import ringdb.core.schema.TableMetadata;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.KeyRange;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.RowKeys;
import ringdb.core.store.LocalStore;
import ringdb.cql.statements.BoundModification;
import ringdb.cql.statements.BoundOperation;
import ringdb.cql.statements.Operation;

/**
 * The read before a write that list operations by index or by value need ({@code l[i] = v},
 * {@code DELETE l[i]}, {@code l = l - [v]}), as in Cassandra: the lists these operations name are
 * read at the write's consistency level, each row through {@code Node#readSliceLocalFirst}, and the write then
 * names the elements by their cell keys. Not isolated: a write between the read and the write may
 * be overwritten or missed, as in Cassandra. Node's thread only.
 */
final class ListReads {
    /** One list of one row: the table, the partition, the row (empty for a static column) and the column. */
    record Ref(UUID table, PartitionKey key, Clustering row, String column) {
    }

    private ListReads() {
    }

    static boolean readsBeforeWrite(Operation.Kind kind) {
        return kind == Operation.Kind.LIST_SET_INDEX || kind == Operation.Kind.LIST_DELETE_INDEX
                || kind == Operation.Kind.LIST_REMOVE_VALUES;
    }

    static Ref ref(BoundModification m, PartitionKey key, Clustering row, BoundOperation op) {
        boolean isStatic = op.column().kind() == ColumnKind.STATIC;
        return new Ref(m.table().id(), key, isStatic ? Clustering.EMPTY : row, op.column().name());
    }

    /** The lists the modifications' index and value operations name: each list's elements in list order. */
    static CompletableFuture<Map<Ref, List<ColumnData.Element>>> read(Node node, List<BoundModification> modifications,
                                                                      ConsistencyLevel consistency,
                                                                      CqlConsistency cl) {
        Map<Ref, TableMetadata> needed = new LinkedHashMap<>();
        for (BoundModification m : modifications) {
            for (BoundOperation op : m.operations()) {
                if (!readsBeforeWrite(op.kind())) {
                    continue;
                }
                for (PartitionKey key : m.partitionKeys()) {
                    for (Clustering row : m.clusterings()) {
                        needed.putIfAbsent(ref(m, key, row, op), m.table());
                    }
                }
            }
        }
        Map<Ref, List<ColumnData.Element>> lists = new LinkedHashMap<>();
        CompletableFuture<Map<Ref, List<ColumnData.Element>>> out = CompletableFuture.completedFuture(lists);
        for (Map.Entry<Ref, TableMetadata> e : needed.entrySet()) {
            out = out.thenCompose(done -> readList(node, e.getValue(), e.getKey(), consistency, cl).thenApply(list -> {
                done.put(e.getKey(), list);
                return done;
            }));
        }
        return out;
    }

    private static CompletableFuture<List<ColumnData.Element>> readList(Node node, TableMetadata table, Ref ref,
                                                                       ConsistencyLevel consistency,
                                                                       CqlConsistency cl) {
        ReadCommand command = ReadCommand.ofList(table, ref.key(), ref.row(), ref.column());
        RowKeys keys = new RowKeys(table, node.config().partitioner()::token);
        KeyRange partition = keys.partition(ref.key());
        long token = keys.token(ref.key());
        List<KeyRange> ranges = command.storageRanges();
        List<LocalStore.Entry> entries = new ArrayList<>();
        List<LocalStore.Entry> tombstones = new ArrayList<>();
        CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
        for (KeyRange range : ranges) {
            all = all.thenCompose(v -> {
                CompletableFuture<Void> one = new CompletableFuture<>();
                node.readSliceLocalFirst(new SliceQuery(token, range.start(), range.end(), false,
                        CqlReads.ENTRIES_PER_READ_MAX, partition.start(), partition.end()), consistency, result -> {
                            if (!(result instanceof ClientResult.Entries read)) {
                                one.completeExceptionally(NodeStatements.failure(result, cl, null));
                            } else if (read.more()) {
                                one.completeExceptionally(CqlException.invalid("the row holding list "
                                        + ref.column() + " is too large to read before the write"));
                            } else {
                                entries.addAll(read.entries());
                                tombstones.addAll(read.rangeTombstones());
                                one.complete(null);
                            }
                        });
                return one;
            });
        }
        return all.thenApply(v -> {
            PartitionPage page = PartitionReader.read(command, entries, tombstones, node.nowMicros() / 1_000_000,
                    true);
            return page.listElements(table.columnOrThrow(ref.column()));
        });
    }
}
