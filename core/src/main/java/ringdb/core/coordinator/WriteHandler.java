package ringdb.core.coordinator;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.data.Cell;
import ringdb.core.message.Message;
import ringdb.core.message.MutationRequest;
import ringdb.core.message.MutationResponse;
import ringdb.core.message.RingEpochMismatch;

/**
 * Coordinates one write: answers the client once {@code required} replicas acknowledged a durable
 * write, keeps waiting for the others until the write timeout, then hints whoever did not answer.
 * A remote replica that answered with an error is hinted at once, like one that timed out.
 *
 * <p>Every request carries the epoch of the ring the write was planned with. A replica holding
 * another ring refuses ({@link RingEpochMismatch}) and is not counted; when the others can no longer
 * make up the consistency level the write is planned again on the ring as it then stands
 * ({@code replan}), and this attempt's later acknowledgements are ignored.
 */
final class WriteHandler implements RequestRegistry.ResponseHandler {
    private final CoordinatorContext context;
    private final byte[] key;
    private final Cell cell;
    private final ConsistencyLevel cl;
    private final int required;
    private final Consumer<ClientResult> done;
    private final long ringEpoch;
    private final Runnable replan;
    private final Set<NodeId> pending = new LinkedHashSet<>();
    private final TreeMap<NodeId, String> failures = new TreeMap<>();
    private long requestId;
    private Timers.Cancellable timeout;
    private final List<NodeId> acknowledged = new ArrayList<>();
    private List<NodeId> targets = List.of();
    private boolean answered;

    WriteHandler(CoordinatorContext context, byte[] key, Cell cell, ConsistencyLevel cl, int required,
                 long ringEpoch, Consumer<ClientResult> done, Runnable replan) {
        this.context = context;
        this.key = key;
        this.cell = cell;
        this.cl = cl;
        this.required = required;
        this.done = done;
        this.ringEpoch = ringEpoch;
        this.replan = replan;
    }

    /** Registers, sends to the live replicas (applying locally when this node is one) and arms the timeout. */
    void start(List<NodeId> targets, long timeoutMicros) {
        pending.addAll(targets);
        this.targets = List.copyOf(targets);
        requestId = context.requests().register(this);
        timeout = context.timers().schedule(timeoutMicros, this::onTimeout);
        for (NodeId target : targets) {
            if (target.equals(context.self())) {
                context.data().applyDescribingError(key, cell, error -> onAck(context.self(), error));
            } else {
                context.network().send(target, new MutationRequest(requestId, key, cell, ringEpoch));
            }
        }
    }

    @Override
    public boolean expects(NodeId from) {
        return targets.contains(from);
    }

    @Override
    public void onResponse(NodeId from, Message message) {
        if (message instanceof MutationResponse response) {
            onAck(from, response.success() ? null : response.error());
        } else if (message instanceof RingEpochMismatch && !answered && pending.contains(from)
                && acknowledged.size() + pending.size() - 1 < required) {
            // too few replicas left on this ring: plan the write again, counting nothing given here
            pending.clear();
            finish();
            answered = true;
            replan.run();
        } else if (message instanceof RingEpochMismatch) {
            onAck(from, "node " + from + " holds another ring (epoch " + Long.toHexString(ringEpoch) + " here, "
                    + Long.toHexString(((RingEpochMismatch) message).ringEpoch()) + " there)");
        }
    }

    private void onAck(NodeId from, String error) {
        if (!pending.remove(from)) {
            return; // duplicate, or after the timeout
        }
        if (error == null) {
            acknowledged.add(from);
        } else {
            failures.put(from, error);
            if (!from.equals(context.self())) {
                // like a replica that timed out: it may lack the write, so it gets it again once it can take it
                context.hints().hint(from, key, cell);
            }
        }
        if (!answered && acknowledged.size() >= required) {
            answer(new ClientResult.Written(cell.timestampMicros(), acknowledged.size(), acknowledged));
        } else if (!answered && acknowledged.size() + pending.size() < required) {
            answer(new ClientResult.Failed("write failed at " + cl + ": " + acknowledged.size() + " of " + required
                    + " replicas acknowledged; failures: " + failures));
        }
        if (pending.isEmpty()) {
            finish();
        }
    }

    private void onTimeout() {
        context.requests().unregister(requestId);
        for (NodeId slow : pending) {
            if (!slow.equals(context.self())) { // a stalled local disk is reported by the storage engine, not hinted
                context.hints().hint(slow, key, cell);
            }
        }
        pending.clear();
        if (!answered) {
            answer(new ClientResult.Timeout(cl, required, acknowledged.size()));
        }
    }

    private void finish() {
        timeout.cancel();
        context.requests().unregister(requestId);
    }

    private void answer(ClientResult result) {
        answered = true;
        done.accept(result);
    }

    @Override
    public void abort(String reason) {
        timeout.cancel();
        pending.clear();
        if (!answered) {
            answer(new ClientResult.Failed(reason + " before the write reached " + cl + " (" + acknowledged.size()
                    + " of " + required + " replicas acknowledged)"));
        }
    }
}
