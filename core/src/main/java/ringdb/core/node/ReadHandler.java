package ringdb.core.node;

import java.util.HashMap;
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
 * Coordinates one read: asks {@code required} live replicas, answers with the newest version once
 * all answered, and repairs the answering replicas that returned an older version (or none).
 */
final class ReadHandler implements RequestRegistry.ResponseHandler {
    private final Node node;
    private final byte[] key;
    private final ConsistencyLevel cl;
    private final List<NodeId> targets;
    private final Consumer<ClientResult> done;
    private final Map<NodeId, Cell> answers = new HashMap<>();
    private long requestId;
    private Timers.Cancellable timeout;
    private boolean answered;

    ReadHandler(Node node, byte[] key, ConsistencyLevel cl, List<NodeId> targets, Consumer<ClientResult> done) {
        this.node = node;
        this.key = key;
        this.cl = cl;
        this.targets = List.copyOf(targets);
        this.done = done;
    }

    void start() {
        requestId = node.requests().register(this);
        timeout = node.timers().schedule(node.config().readTimeoutMicros(), this::onTimeout);
        for (NodeId target : targets) {
            if (answered) {
                return;
            }
            if (target.equals(node.id())) {
                onAnswer(target, node.readLocally(key));
            } else {
                node.send(target, new ReadRequest(requestId, key));
            }
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
        if (answers.size() < targets.size()) {
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
        for (NodeId replica : targets) {
            Cell seen = answers.get(replica);
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
            answer(new ClientResult.Timeout(cl, targets.size(), answers.size()));
        }
    }

    private void finish() {
        timeout.cancel();
        node.requests().unregister(requestId);
    }

    private void answer(ClientResult result) {
        answered = true;
        done.accept(result);
    }

    @Override
    public void abort(String reason) {
        timeout.cancel();
        if (!answered) {
            answer(new ClientResult.Failed(reason + " before the read completed"));
        }
    }
}
