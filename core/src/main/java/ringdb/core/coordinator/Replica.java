package ringdb.core.coordinator;

import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import ringdb.core.Network;
import ringdb.core.NodeId;
import ringdb.core.data.Cell;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.data.Limits;
import ringdb.core.message.BatchMutationRequest;
import ringdb.core.message.MutationRequest;
import ringdb.core.message.MutationResponse;
import ringdb.core.message.ReadFailure;
import ringdb.core.message.ReadRequest;
import ringdb.core.message.RangeScanRequest;
import ringdb.core.message.RangeScanResponse;
import ringdb.core.message.ReadResponse;
import ringdb.core.message.SliceReadRequest;
import ringdb.core.message.SliceReadResponse;
import ringdb.core.node.NodeEvent;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;

/**
 * The replica end of the read and write paths: applies a coordinator's mutation to the local store
 * and acknowledges it once durable (unless the request id is 0: no answer expected, or the node
 * stopped meanwhile), and answers a read with the local version, or with a {@link ReadFailure}
 * when the store cannot read it. The node's thread only.
 */
public final class Replica {
    /** Longest error text sent back to a coordinator. */
    static final int ERROR_CHARS_MAX = 1000;

    private final LocalStore data;
    private final Network network;
    private final BooleanSupplier running;
    private final NodeEvent.Sink events;

    public Replica(LocalStore data, Network network, BooleanSupplier running, NodeEvent.Sink events) {
        this.data = Objects.requireNonNull(data, "data");
        this.network = Objects.requireNonNull(network, "network");
        this.running = Objects.requireNonNull(running, "running");
        this.events = Objects.requireNonNull(events, "events");
    }

    public void onMutation(NodeId from, MutationRequest mutation) {
        long requestId = mutation.requestId();
        data.applyDescribingError(mutation.key(), mutation.cell(), error -> {
            if (requestId != 0 && running.getAsBoolean()) {
                network.send(from, new MutationResponse(requestId, error));
            }
        });
    }

    /** Applies a batch as one mutation; one acknowledgement once all of it is durable. */
    public void onBatchMutation(NodeId from, BatchMutationRequest batch) {
        long requestId = batch.requestId();
        data.applyBatchDescribingError(batch.entries(), error -> {
            if (requestId != 0 && running.getAsBoolean()) {
                network.send(from, new MutationResponse(requestId, error));
            }
        });
    }

    /** Answers a slice read with the local entries and range tombstones, or a {@link ReadFailure}. */
    public void onSliceRead(NodeId from, SliceReadRequest slice) {
        List<LocalStore.Entry> entries;
        List<LocalStore.Entry> tombstones;
        try {
            // one more than asked tells whether the slice goes on
            LocalStore.PartitionSlice read = data.sliceOfPartition(slice.token(), slice.fromInclusive(),
                    slice.toExclusive(), slice.reversed(),
                    slice.maxEntries() == Integer.MAX_VALUE ? Integer.MAX_VALUE : slice.maxEntries() + 1,
                    slice.partitionStart(), slice.partitionEnd());
            entries = read.entries();
            tombstones = read.rangeTombstones();
        } catch (RuntimeException e) {
            failRead(from, slice.requestId(), "slice read", e);
            return;
        }
        boolean more = entries.size() > slice.maxEntries();
        if (more) {
            entries = entries.subList(0, slice.maxEntries());
        }
        network.send(from, new SliceReadResponse(slice.requestId(), entries, tombstones, more));
    }

    /** Answers a table range scan with the local entries of the range that begin with the prefix. */
    public void onRangeScan(NodeId from, RangeScanRequest scan) {
        RangeScans.Chunk chunk;
        try {
            chunk = RangeScans.localChunk(data, scan.startTokenExclusive(), scan.endTokenInclusive(),
                    scan.afterKey() == null ? null : new DecoratedKey(scan.afterToken(), scan.afterKey()),
                    scan.keyPrefix(), scan.maxEntries());
        } catch (RuntimeException e) {
            failRead(from, scan.requestId(), "range scan", e);
            return;
        }
        network.send(from, new RangeScanResponse(scan.requestId(), chunk.entries(), chunk.complete()));
    }

    private void failRead(NodeId from, long requestId, String what, RuntimeException e) {
        String error = what + " for " + from + " failed: "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        events.emit(NodeEvent.Kind.ERROR, from, error);
        network.send(from, new ReadFailure(requestId, truncate(error)));
    }

    public void onRead(NodeId from, ReadRequest read) {
        try {
            Limits.checkStorageKey(read.key());
        } catch (InvalidRequestException e) {
            events.emit(NodeEvent.Kind.ERROR, from, "refused a read from " + from + ": " + e.getMessage());
            network.send(from, new ReadFailure(read.requestId(), e.getMessage()));
            return; // the coordinator's own checks make this unreachable for real requests
        }
        Cell cell;
        try {
            cell = data.read(read.key());
        } catch (RuntimeException e) {
            String error = "read for " + from + " failed: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            events.emit(NodeEvent.Kind.ERROR, from, error);
            network.send(from, new ReadFailure(read.requestId(), truncate(error)));
            return;
        }
        network.send(from, new ReadResponse(read.requestId(), cell));
    }

    private static String truncate(String error) {
        return error.length() <= ERROR_CHARS_MAX ? error : error.substring(0, ERROR_CHARS_MAX) + "...";
    }
}
