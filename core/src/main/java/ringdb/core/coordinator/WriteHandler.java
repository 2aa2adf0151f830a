package ringdb.core.coordinator;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.message.BatchMutationRequest;
import ringdb.core.message.Message;
import ringdb.core.message.MutationRequest;
import ringdb.core.message.MutationResponse;
import ringdb.core.message.RingEpochMismatch;
import ringdb.core.store.LocalStore;

/**
 * Coordinates one write (one key's cell, or the entries of one partition applied as one mutation
 * when {@code batch}): answers the client once {@code required} replicas acknowledged a durable
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
    private final long token;
    private final List<LocalStore.Entry> entries;
    private final boolean batch;
    private final long timestampMicros;
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

    /**
     * {@code batch}: the entries go as one {@link BatchMutationRequest} (any count, all of {@code token});
     * otherwise {@code entries} holds one key's cell, sent as a {@link MutationRequest}.
     */
    WriteHandler(CoordinatorContext context, long token, List<LocalStore.Entry> entries, boolean batch,
                 ConsistencyLevel cl, int required, long ringEpoch, Consumer<ClientResult> done, Runnable replan) {
        this.context = context;
        this.token = token;
        this.entries = List.copyOf(entries);
        this.batch = batch;
        long latest = Long.MIN_VALUE;
        for (LocalStore.Entry entry : entries) {
            latest = Math.max(latest, entry.cell().timestampMicros());
        }
        this.timestampMicros = latest;
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
            if (target.equals(context.self()) && batch) {
                context.data().applyBatchDescribingError(entries, error -> onAck(context.self(), error));
            } else if (target.equals(context.self())) {
                LocalStore.Entry entry = entries.get(0);
                context.data().applyDescribingError(entry.key().key(), entry.cell(),
                        error -> onAck(context.self(), error));
            } else if (batch) {
                context.network().send(target, new BatchMutationRequest(requestId, token, entries, ringEpoch));
            } else {
                LocalStore.Entry entry = entries.get(0);
                context.network().send(target, new MutationRequest(requestId, entry.key().key(), entry.cell(),
                        ringEpoch));
            }
        }
    }

    /** Hints every entry for {@code target} (hints are per entry: cells reconcile alone). */
    private void hint(NodeId target) {
        for (LocalStore.Entry entry : entries) {
            context.hints().hint(target, entry.key().key(), entry.cell());
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
                hint(from);
            }
        }
        if (!answered && acknowledged.size() >= required) {
            answer(new ClientResult.Written(timestampMicros, acknowledged.size(), acknowledged));
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
                hint(slow);
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
