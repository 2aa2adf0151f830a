package ringdb.core.coordinator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.data.Cell;
import ringdb.core.message.Message;
import ringdb.core.message.MutationRequest;
import ringdb.core.message.MutationResponse;
import ringdb.core.message.ReadFailure;
import ringdb.core.message.ReadRequest;
import ringdb.core.message.RingEpochMismatch;
import ringdb.core.message.ReadResponse;

/**
 * Coordinates one read: asks the first {@code required} live replicas (primary first), answers
 * with the newest version once {@code required} of them answered, and repairs the answering
 * replicas that returned an older version (or none). At QUORUM and ALL the repair blocks: the
 * answer waits until the stale replicas acknowledged it, so a later QUORUM read cannot see an
 * older version than this one returned (Cassandra's monotonic quorum reads); at ONE it is sent and
 * forgotten. When the answers are slow (a quarter of the
 * read timeout) and another live replica exists, it is asked too (speculative retry), so one
 * replica that died silently does not time the read out. A replica that cannot read (a disk
 * error, locally or answered with a {@link ReadFailure}) is replaced by the next candidate at once;
 * with none left the read fails with the errors instead of timing out.
 *
 * <p>Every request (the read repairs the answer waits for included) carries the epoch of the ring
 * the read was planned with. A replica holding another ring refuses ({@link RingEpochMismatch}) and
 * is replaced like one that failed; when no candidate is left, or a blocking read repair is refused,
 * the read is planned again on the ring as it then stands ({@code replan}).
 */
final class ReadHandler implements RequestRegistry.ResponseHandler {
    /** Fraction of the read timeout after which one more replica is asked. */
    static final int SPECULATE_AFTER_TIMEOUT_DIVISOR = 4;

    private final CoordinatorContext context;
    private final Coordinator coordinator;
    private final byte[] key;
    private final ConsistencyLevel cl;
    private final int required;
    private final List<NodeId> candidates;
    private final List<NodeId> targets = new ArrayList<>();
    private final Consumer<ClientResult> done;
    private final long ringEpoch;
    private final Runnable replan;
    private boolean ringDiffers;
    private final Map<NodeId, Cell> answers = new LinkedHashMap<>();
    private final Map<NodeId, String> failures = new TreeMap<>();
    private long requestId;
    private Timers.Cancellable timeout;
    private Timers.Cancellable speculation;
    private final Set<NodeId> repairsPending = new LinkedHashSet<>();
    private ClientResult resultAfterRepair;
    private boolean reconciled;
    private boolean answered;

    ReadHandler(CoordinatorContext context, Coordinator coordinator, byte[] key, ConsistencyLevel cl, int required,
                List<NodeId> candidates, long ringEpoch, Consumer<ClientResult> done, Runnable replan) {
        this.context = context;
        this.coordinator = coordinator;
        this.key = key;
        this.cl = cl;
        this.required = required;
        this.candidates = List.copyOf(candidates);
        this.done = done;
        this.ringEpoch = ringEpoch;
        this.replan = replan;
    }

    void start(long timeoutMicros) {
        requestId = context.requests().register(this);
        timeout = context.timers().schedule(timeoutMicros, this::onTimeout);
        speculation = candidates.size() > required
                ? context.timers().schedule(context.config().readTimeoutMicros() / SPECULATE_AFTER_TIMEOUT_DIVISOR,
                        this::speculate)
                : () -> { };
        askMore();
    }

    /**
     * Asks the next candidates until {@code required} asked replicas have not failed; answers Failed
     * when too few candidates remain for that.
     */
    private void askMore() {
        while (!reconciled && targets.size() - failures.size() < required && targets.size() < candidates.size()) {
            ask(candidates.get(targets.size()));
        }
        if (!reconciled && !answered && targets.size() - failures.size() < required) {
            finish();
            if (ringDiffers) {
                answered = true;
                replan.run();
                return;
            }
            answer(new ClientResult.Failed("read failed at " + cl + ": " + answers.size() + " of " + required
                    + " replicas answered; failures: " + failures));
        }
    }

    private void ask(NodeId target) {
        targets.add(target);
        if (target.equals(context.self())) {
            Cell local;
            try {
                local = context.data().read(key);
            } catch (RuntimeException e) {
                onFailure(target, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                return;
            }
            onAnswer(target, local);
        } else {
            context.network().send(target, new ReadRequest(requestId, key, ringEpoch));
        }
    }

    /** A replica could not read: another candidate is asked in its place, or the read fails. */
    private void onFailure(NodeId from, String error) {
        if (reconciled || answered || !targets.contains(from) || answers.containsKey(from)
                || failures.containsKey(from)) {
            return;
        }
        failures.put(from, error);
        askMore();
    }

    private void speculate() {
        if (!answered && targets.size() < candidates.size()) {
            coordinator.countSpeculativeRead();
            ask(candidates.get(targets.size()));
        }
    }

    @Override
    public boolean expects(NodeId from) {
        return targets.contains(from); // read repairs go to stale replicas, which were asked
    }

    @Override
    public void onResponse(NodeId from, Message message) {
        if (message instanceof ReadResponse response) {
            onAnswer(from, response.cell());
        } else if (message instanceof ReadFailure failure) {
            onFailure(from, failure.error());
        } else if (message instanceof MutationResponse response) {
            onRepairAck(from);
        } else if (message instanceof RingEpochMismatch) {
            onRingMismatch(from);
        }
    }

    /** A replica holds another ring: its answer does not count (nor its repair acknowledgement). */
    private void onRingMismatch(NodeId from) {
        if (answered) {
            return;
        }
        if (reconciled) {
            if (repairsPending.contains(from)) {
                finish();
                answered = true;
                replan.run();
            }
            return;
        }
        ringDiffers = true;
        onFailure(from, "holds another ring");
    }

    private void onAnswer(NodeId from, Cell cell) {
        if (reconciled || !targets.contains(from) || answers.containsKey(from)) {
            return;
        }
        answers.put(from, cell);
        if (answers.size() < required) {
            return;
        }
        reconciled = true;
        speculation.cancel();
        Cell newest = null;
        for (Cell candidate : answers.values()) {
            newest = Cell.reconcile(newest, candidate);
        }
        ClientResult result = newest == null || newest.isTombstone() ? new ClientResult.NotFound()
                : new ClientResult.Found(newest.value(), newest.timestampMicros());
        List<NodeId> stale = staleReplicas(newest);
        if (cl == ConsistencyLevel.ONE || stale.isEmpty()) {
            finish();
            repair(stale, newest, 0);
            answer(result);
            return;
        }
        // blocking read repair: a later QUORUM read must not see an older version than this one did
        resultAfterRepair = result;
        repairsPending.addAll(stale);
        repair(stale, newest, requestId);
    }

    private List<NodeId> staleReplicas(Cell newest) {
        List<NodeId> stale = new ArrayList<>();
        if (newest != null) {
            for (Map.Entry<NodeId, Cell> answer : answers.entrySet()) {
                if (answer.getValue() == null || answer.getValue().compareVersion(newest) < 0) {
                    stale.add(answer.getKey());
                }
            }
        }
        return stale;
    }

    /** Sends the newest version to the stale replicas; {@code repairId} 0 = fire and forget. */
    private void repair(List<NodeId> stale, Cell newest, long repairId) {
        for (NodeId replica : stale) {
            coordinator.countReadRepair();
            if (replica.equals(context.self())) {
                context.data().applyDescribingError(key, newest, error -> {
                    if (repairId != 0) {
                        onRepairAck(replica);
                    }
                });
            } else {
                context.network().send(replica, new MutationRequest(repairId, key, newest,
                        repairId == 0 ? MutationRequest.NO_RING_CHECK : ringEpoch));
            }
        }
    }

    private void onRepairAck(NodeId from) {
        if (answered || !repairsPending.remove(from) || !repairsPending.isEmpty()) {
            return;
        }
        finish();
        answer(resultAfterRepair);
    }

    private void onTimeout() {
        context.requests().unregister(requestId);
        if (!answered) {
            // answers whose replica still waits for its read repair do not count
            answer(new ClientResult.Timeout(cl, required, answers.size() - repairsPending.size()));
        }
    }

    private void finish() {
        timeout.cancel();
        speculation.cancel();
        context.requests().unregister(requestId);
    }

    private void answer(ClientResult result) {
        answered = true;
        done.accept(result);
    }

    @Override
    public void abort(String reason) {
        timeout.cancel();
        speculation.cancel();
        if (!answered) {
            answer(new ClientResult.Failed(reason + " before the read completed"));
        }
    }
}
