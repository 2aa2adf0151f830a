package ringdb.server.cql;

import java.nio.ByteBuffer;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.node.Node;
import ringdb.core.rows.ColumnData;
import ringdb.core.rows.PartitionUpdate;
import ringdb.core.schema.keys.Clustering;
import ringdb.core.schema.keys.PartitionKey;
import ringdb.core.schema.keys.Slice;
import ringdb.core.store.LocalStore;
import ringdb.core.data.Limits;
import ringdb.cql.statements.BoundModification;
import ringdb.cql.statements.BoundOperation;

/**
 * Applies bound INSERT, UPDATE and DELETE statements: each partition of each statement becomes a
 * {@link PartitionUpdate} written with one {@code Node#mutate} at the request's consistency level.
 * The timestamp is USING TIMESTAMP, else the client's default timestamp, else the coordinator's.
 * Several partitions of one statement (IN) or of an UNLOGGED batch are written independently (not
 * atomic); those of a LOGGED batch go through the node's batch log first ({@code Node#mutateLogged}),
 * so that all of them are written eventually or none. Node's thread only.
 */
final class CqlWrites {
    private static final CqlResult VOID = new CqlResult.Void();
    private final Node node;

    CqlWrites(Node node) {
        this.node = node;
    }

    CompletableFuture<CqlResult> write(List<BoundModification> modifications, ConsistencyLevel consistency,
                                       CqlConsistency cl, long clientTimestamp, CqlException.WriteType writeType) {
        if (readsFirst(modifications)) {
            return ListReads.read(node, modifications, consistency, cl).thenCompose(lists ->
                    write(updates(modifications, clientTimestamp, lists), consistency, cl, writeType));
        }
        return write(updates(modifications, clientTimestamp, Map.of()), consistency, cl, writeType);
    }

    /** Whether an operation of {@code modifications} needs a list read before the write. */
    private static boolean readsFirst(List<BoundModification> modifications) {
        for (BoundModification m : modifications) {
            for (BoundOperation op : m.operations()) {
                if (ListReads.readsBeforeWrite(op.kind())) {
                    return true;
                }
            }
        }
        return false;
    }

    private CompletableFuture<CqlResult> write(List<PartitionUpdate> updates, ConsistencyLevel consistency,
                                               CqlConsistency cl, CqlException.WriteType writeType) {
        if (writeType == CqlException.WriteType.BATCH && updates.size() > 1) {
            return writeLogged(updates, consistency, cl);
        }
        return writeEach(updates, consistency, cl, writeType == CqlException.WriteType.BATCH
                ? CqlException.WriteType.SIMPLE : writeType);
    }

    private List<PartitionUpdate> updates(List<BoundModification> modifications, long clientTimestamp,
                                          Map<ListReads.Ref, List<ColumnData.Element>> lists) {
        long stamp = clientTimestamp == QueryParameters.NO_TIMESTAMP ? node.nextTimestampMicros() : clientTimestamp;
        long nowSeconds = node.nowMicros() / 1_000_000;
        List<PartitionUpdate> updates = new ArrayList<>();
        for (BoundModification m : modifications) {
            long micros = m.timestampMicros() != null ? m.timestampMicros() : stamp;
            int ttl = m.ttlSeconds() == null ? PartitionUpdate.TABLE_DEFAULT_TTL : m.ttlSeconds();
            for (PartitionKey key : m.partitionKeys()) {
                PartitionUpdate update = new PartitionUpdate(node.config().partitioner(), m.table(), key, micros,
                        ttl, nowSeconds, Limits.VALUE_SIZE_BYTES_CEILING, 0);
                apply(update, m, key, lists);
                updates.add(update);
            }
        }
        return updates;
    }

    /**
     * A logged batch of several partitions: through the node's batch log (all partitions are written
     * eventually, or none). A partition whose live replicas cannot meet the batch's consistency level
     * is Unavailable at that level before anything is logged or written, as is a batch no other live
     * node can hold (at ONE). A failure to log it is a WriteTimeout of type BATCH_LOG (nothing
     * written), a failure afterwards one of type BATCH (the batch log's holders will write it).
     */
    private CompletableFuture<CqlResult> writeLogged(List<PartitionUpdate> updates, ConsistencyLevel consistency,
                                                     CqlConsistency cl) {
        List<List<LocalStore.Entry>> partitions = new ArrayList<>();
        for (PartitionUpdate update : updates) {
            if (!update.entries().isEmpty()) {
                partitions.add(update.entries());
            }
        }
        CompletableFuture<CqlResult> out = new CompletableFuture<>();
        node.mutateLogged(partitions, consistency, result -> {
            ClientResult r = result.result();
            if (r instanceof ClientResult.Written) {
                out.complete(new CqlResult.Void());
            } else if (!result.logWritten() && r instanceof ClientResult.Unavailable u && u.cl() == consistency) {
                // a partition's replicas alive cannot meet the batch's level: named as the client asked it
                out.completeExceptionally(NodeStatements.failure(r, cl, CqlException.WriteType.BATCH_LOG));
            } else if (!result.logWritten() && (r instanceof ClientResult.Timeout
                    || r instanceof ClientResult.Unavailable)) {
                ConsistencyLevel logLevel = r instanceof ClientResult.Timeout t ? t.cl()
                        : ((ClientResult.Unavailable) r).cl();
                out.completeExceptionally(NodeStatements.failure(r, CqlConsistency.valueOf(logLevel.name()),
                        CqlException.WriteType.BATCH_LOG));
            } else {
                out.completeExceptionally(NodeStatements.failure(r, cl, CqlException.WriteType.BATCH));
            }
        });
        return out;
    }

    private CompletableFuture<CqlResult> writeEach(List<PartitionUpdate> updates, ConsistencyLevel consistency,
                                                   CqlConsistency cl, CqlException.WriteType writeType) {
        if (updates.size() == 1) { // the common case (one partition): its result is the statement's
            CompletableFuture<CqlResult> out = new CompletableFuture<>();
            node.mutate(updates.get(0).entries(), consistency, r -> {
                if (r instanceof ClientResult.Written) {
                    out.complete(VOID);
                } else {
                    out.completeExceptionally(NodeStatements.failure(r, cl, writeType));
                }
            });
            return out;
        }
        List<CompletableFuture<ClientResult>> results = new ArrayList<>();
        for (PartitionUpdate update : updates) {
            CompletableFuture<ClientResult> result = new CompletableFuture<>();
            node.mutate(update.entries(), consistency, result::complete);
            results.add(result);
        }
        return CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            for (CompletableFuture<ClientResult> f : results) {
                ClientResult r = f.join();
                if (!(r instanceof ClientResult.Written)) {
                    throw NodeStatements.failure(r, cl, writeType);
                }
            }
            return VOID;
        });
    }

    private static void apply(PartitionUpdate update, BoundModification m, PartitionKey key,
                              Map<ListReads.Ref, List<ColumnData.Element>> lists) {
        switch (m.kind()) {
            case DELETE_PARTITION -> update.deletePartition();
            case DELETE_ROWS -> m.clusterings().forEach(update::deleteRow);
            case DELETE_SLICES -> {
                for (Slice slice : m.slices()) {
                    update.deleteRange(slice);
                }
            }
            default -> {
                for (Clustering row : m.clusterings()) {
                    if (m.rowMarker()) {
                        update.insert(row);
                    }
                    for (BoundOperation op : m.operations()) {
                        if (ListReads.readsBeforeWrite(op.kind())) {
                            byIndexOrValue(update, row, op, lists.get(ListReads.ref(m, key, row, op)));
                        } else {
                            operation(update, row, op);
                        }
                    }
                }
            }
        }
    }

    private static void operation(PartitionUpdate update, Clustering row, BoundOperation op) {
        String column = op.column().name();
        switch (op.kind()) {
            case SET -> {
                if (op.value() == null) {
                    update.deleteColumn(row, column);
                } else { // validated as it was bound (a collection's value as a whole is not: validated here)
                    update.setValidated(row, column, op.value());
                }
            }
            case DELETE -> update.deleteColumn(row, column);
            case LIST_APPEND -> update.appendToList(row, column, split(op.value()));
            case LIST_PREPEND -> update.prependToList(row, column, split(op.value()));
            case SET_ADD -> update.addToSet(row, column, split(op.value()));
            case SET_REMOVE -> update.removeFromSet(row, column, split(op.value()));
            case MAP_PUT_ALL -> update.putInMap(row, column, pairs(split(op.value())));
            case MAP_PUT -> {
                if (op.value() == null) {
                    update.deleteElement(row, column, op.key());
                } else {
                    update.putInMap(row, column, List.of(new AbstractMap.SimpleEntry<>(op.key(), op.value())));
                }
            }
            case MAP_REMOVE_KEYS -> update.removeFromMap(row, column, split(op.value()));
            case MAP_DELETE_KEY -> update.deleteElement(row, column, op.key());
            default -> throw new IllegalStateException("operation " + op.kind() + " on column " + column
                    + " reads before it writes");
        }
    }

    /**
     * {@code l[i] = v} (null deletes), {@code DELETE l[i]}, {@code l = l - [values]} on the list as
     * read before the write: the elements are named by their cell keys.
     */
    private static void byIndexOrValue(PartitionUpdate update, Clustering row, BoundOperation op,
                                       List<ColumnData.Element> list) {
        String column = op.column().name();
        if (op.kind() == ringdb.cql.statements.Operation.Kind.LIST_REMOVE_VALUES) {
            List<byte[]> removed = split(op.value());
            for (ColumnData.Element element : list) {
                if (removed.stream().anyMatch(v -> java.util.Arrays.equals(v, element.cell().value()))) {
                    update.deleteElement(row, column, element.key());
                }
            }
            return;
        }
        if (op.key() == null) {
            throw new InvalidRequestException("Invalid null value for list index");
        }
        if (op.key().length != 4) {
            throw new InvalidRequestException("Invalid list index: expected 4 bytes, got " + op.key().length);
        }
        int index = ByteBuffer.wrap(op.key()).getInt();
        if (op.kind() == ringdb.cql.statements.Operation.Kind.LIST_SET_INDEX) {
            update.setListIndex(row, column, list, index, op.value());
        } else {
            update.deleteListIndex(row, column, list, index);
        }
    }

    /** The elements of a serialized collection (an int count, then each element as an int length and bytes). */
    static List<byte[]> split(byte[] serialized) {
        if (serialized == null) {
            return List.of();
        }
        ByteBuffer in = ByteBuffer.wrap(serialized);
        int count = in.getInt();
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] element = new byte[in.getInt()];
            in.get(element);
            out.add(element);
        }
        return out;
    }

    private static List<Map.Entry<byte[], byte[]>> pairs(List<byte[]> parts) {
        List<Map.Entry<byte[], byte[]>> out = new ArrayList<>();
        for (int i = 0; i + 1 < parts.size(); i += 2) {
            out.add(new AbstractMap.SimpleEntry<>(parts.get(i), parts.get(i + 1)));
        }
        return out;
    }
}
