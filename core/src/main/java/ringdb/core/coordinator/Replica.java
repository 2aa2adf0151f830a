package ringdb.core.coordinator;

import java.util.Objects;
import java.util.function.BooleanSupplier;
import ringdb.core.Network;
import ringdb.core.NodeId;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.data.Limits;
import ringdb.core.message.MutationRequest;
import ringdb.core.message.MutationResponse;
import ringdb.core.message.ReadRequest;
import ringdb.core.message.ReadResponse;
import ringdb.core.node.NodeEvent;
import ringdb.core.store.LocalStore;

/**
 * The replica end of the read and write paths: applies a coordinator's mutation to the local store
 * and acknowledges it once durable (unless the request id is 0: no answer expected, or the node
 * stopped meanwhile), and answers a read with the local version. The node's thread only.
 */
public final class Replica {
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
            Limits.checkKey(read.key());
        } catch (InvalidRequestException e) {
            events.emit(NodeEvent.Kind.ERROR, from, "refused a read from " + from + ": " + e.getMessage());
            return; // the coordinator times out; its own checks make this unreachable for real requests
        }
        network.send(from, new ReadResponse(read.requestId(), data.read(read.key())));
    }
}
