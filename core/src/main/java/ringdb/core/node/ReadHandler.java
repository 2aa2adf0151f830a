package ringdb.core.node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.data.Cell;
import ringdb.core.message.Message;
import ringdb.core.message.MutationRequest;
import ringdb.core.message.ReadRequest;
import ringdb.core.message.ReadResponse;

/**
 * Coordinates one read: asks the first {@code required} live replicas (primary first), answers
 * with the newest version once {@code required} of them answered, and repairs the answering
 * replicas that returned an older version (or none). When the answers are slow (a quarter of the
 * read timeout) and another live replica exists, it is asked too (speculative retry), so one
 * replica that died silently does not time the read out.
 */
final class ReadHandler implements RequestRegistry.ResponseHandler {
    /** Fraction of the read timeout after which one more replica is asked. */
    static final int SPECULATE_AFTER_TIMEOUT_DIVISOR = 4;

    private final Node node;
    private final byte[] key;
    private final ConsistencyLevel cl;
    private final int required;
    private final List<NodeId> candidates;
    private final List<NodeId> targets = new ArrayList<>();
    private final Consumer<ClientResult> done;
    private final Map<NodeId, Cell> answers = new LinkedHashMap<>();
    private long requestId;
    private Timers.Cancellable timeout;
    private Timers.Cancellable speculation;
    private boolean answered;

    ReadHandler(Node node, byte[] key, ConsistencyLevel cl, int required, List<NodeId> candidates,
                Consumer<ClientResult> done) {
        this.node = node;
        this.key = key;
        this.cl = cl;
        this.required = required;
        this.candidates = List.copyOf(candidates);
        this.done = done;
    }

    void start() {
        requestId = node.requests().register(this);
        timeout = node.timers().schedule(node.config().readTimeoutMicros(), this::onTimeout);
        speculation = candidates.size() > required
                ? node.timers().schedule(node.config().readTimeoutMicros() / SPECULATE_AFTER_TIMEOUT_DIVISOR,
                        this::speculate)
                : () -> { };
        for (NodeId target : candidates.subList(0, required)) {
            if (answered) {
                return;
            }
            ask(target);
        }
    }

    private void ask(NodeId target) {
        targets.add(target);
        if (target.equals(node.id())) {
            onAnswer(target, node.readLocally(key));
        } else {
            node.send(target, new ReadRequest(requestId, key));
        }
    }

    private void speculate() {
        if (!answered && targets.size() < candidates.size()) {
            node.countSpeculativeRead();
            ask(candidates.get(targets.size()));
        }
    }

    @Override
    public void onResponse(NodeId from, Message message) {
        if (message instanceof ReadResponse response) {
            onAnswer(from, response.cell());
        }
    }

    private void onAnswer(NodeId from, Cell cell) {
        if (answered || !targets.contains(from) || answers.containsKey(from)) {
            return;
        }
        answers.put(from, cell);
        if (answers.size() < required) {
            return;
        }
        Cell newest = null;
        for (Cell candidate : answers.values()) {
            newest = Cell.reconcile(newest, candidate);
        }
        finish();
        repairStale(newest);
        if (newest == null || newest.isTombstone()) {
            answer(new ClientResult.NotFound());
        } else {
            answer(new ClientResult.Found(newest.value(), newest.timestampMicros()));
        }
    }

    private void repairStale(Cell newest) {
        if (newest == null) {
            return;
        }
        for (Map.Entry<NodeId, Cell> answer : answers.entrySet()) {
            NodeId replica = answer.getKey();
            Cell seen = answer.getValue();
            if (seen == null || seen.compareVersion(newest) < 0) {
                if (replica.equals(node.id())) {
                    node.applyLocally(key, newest, error -> { });
                } else {
                    node.send(replica, new MutationRequest(0, key, newest));
                }
                node.countReadRepair();
            }
        }
    }

    private void onTimeout() {
        node.requests().unregister(requestId);
        if (!answered) {
            answer(new ClientResult.Timeout(cl, required, answers.size()));
        }
    }

    private void finish() {
        timeout.cancel();
        speculation.cancel();
        node.requests().unregister(requestId);
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
