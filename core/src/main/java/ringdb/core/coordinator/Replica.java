package ringdb.core.coordinator;

import java.util.Objects;
import java.util.function.BooleanSupplier;
import ringdb.core.Network;
import ringdb.core.NodeId;
import ringdb.core.data.Cell;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.data.Limits;
import ringdb.core.message.MutationRequest;
import ringdb.core.message.MutationResponse;
import ringdb.core.message.ReadFailure;
import ringdb.core.message.ReadRequest;
import ringdb.core.message.ReadResponse;
import ringdb.core.node.NodeEvent;
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
