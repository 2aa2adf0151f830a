package ringdb.core.node;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.message.Message;
import ringdb.core.message.RangeSyncRequest;
import ringdb.core.message.RangeSyncResponse;
import ringdb.core.ring.TokenRange;
import ringdb.core.store.LocalStore;

/**
 * Pulls the data of every range this node replicates from every other replica, one chunk at a time
 * (at most {@code rangeSyncChunkEntries} entries per message, resuming after the last key), and
 * applies it locally; the store's reconciliation keeps the newest version of each key. Used for the
 * catch-up after a restart and for a full repair. One request is in flight at a time; a request
 * that times out is retried, and a peer that stays silent is skipped and reported.
 */
final class RangeSync implements RequestRegistry.ResponseHandler {
    private record Task(TokenRange range, NodeId peer) {
    }

    private final Node node;
    private final String name;
    private final List<Task> tasks = new ArrayList<>();
    private final int rangeCount;
    private final Consumer<ClientResult> done;
    private final List<String> failures = new ArrayList<>();
    private int taskIndex;
    private byte[] afterKey;
    private int attempts;
    private long requestId;
    private Timers.Cancellable timeout;
    private long entriesReceived;
    private boolean finished;

    RangeSync(Node node, String name, List<TokenRange> ranges, Consumer<ClientResult> done) {
        this.node = node;
        this.name = name;
        this.rangeCount = ranges.size();
        this.done = done;
        for (TokenRange range : ranges) {
            for (NodeId replica : range.replicas()) {
                if (!replica.equals(node.id())) {
                    for (TokenRange part : unwrapped(range)) {
                        tasks.add(new Task(part, replica));
                    }
                }
            }
        }
    }

    void start() {
        requestNext();
    }

    private void requestNext() {
        while (taskIndex < tasks.size() && !node.gossiper().isAlive(tasks.get(taskIndex).peer())) {
            Task skipped = tasks.get(taskIndex);
            failures.add(describe(skipped) + ": replica down");
            advance();
        }
        if (taskIndex >= tasks.size()) {
            finish();
            return;
        }
        Task task = tasks.get(taskIndex);
        requestId = node.requests().register(this);
        timeout = node.timers().schedule(node.config().rangeSyncTimeoutMicros(), this::onTimeout);
        node.send(task.peer(), new RangeSyncRequest(requestId, task.range().startTokenExclusive(),
                task.range().endTokenInclusive(), afterKey, node.config().rangeSyncChunkEntries()));
    }

    @Override
    public void onResponse(NodeId from, Message message) {
        if (!(message instanceof RangeSyncResponse response) || finished || response.requestId() != requestId
                || !from.equals(tasks.get(taskIndex).peer())) {
            return;
        }
        timeout.cancel();
        node.requests().unregister(requestId);
        attempts = 0;
        for (LocalStore.Entry entry : response.entries()) {
            applyEntry(entry);
        }
        entriesReceived += response.entries().size();
        if (response.complete() || response.entries().isEmpty()) {
            advance();
        } else {
            afterKey = response.entries().get(response.entries().size() - 1).key().key();
        }
        requestNext();
    }

    private void applyEntry(LocalStore.Entry entry) {
        node.applyLocally(entry.key().key(), entry.cell(), error -> {
            if (error != null) {
                failures.add("entry not applied: " + error);
            }
        });
    }

    private void onTimeout() {
        node.requests().unregister(requestId);
        attempts++;
        if (attempts >= node.config().rangeSyncAttemptsMax()) {
            failures.add(describe(tasks.get(taskIndex)) + ": no answer after " + attempts + " attempts");
            advance();
        }
        requestNext();
    }

    private void advance() {
        taskIndex++;
        afterKey = null;
        attempts = 0;
        if (taskIndex % 16 == 0 && taskIndex < tasks.size()) {
            node.emit(NodeEvent.Kind.STREAM_PROGRESS, node.id(), name + ": " + taskIndex + " of " + tasks.size()
                    + " range copies synced, " + entriesReceived + " entries received");
        }
    }

    private void finish() {
        finished = true;
        ClientResult result;
        if (failures.isEmpty()) {
            result = new ClientResult.Repaired(rangeCount, entriesReceived);
        } else {
            result = new ClientResult.Failed(name + " incomplete: " + failures.size() + " problem(s) over "
                    + tasks.size() + " range copies, " + entriesReceived + " entries received; first: "
                    + failures.get(0));
        }
        node.rangeSyncFinished(this, result);
        done.accept(result);
    }

    /**
     * A wrapping range as (start, MAX] and (MAX, end]: the second still "wraps" but holds only
     * [MIN, end], so every store walks both parts in plain token order and a resume key is
     * unambiguous.
     */
    static List<TokenRange> unwrapped(TokenRange range) {
        long start = range.startTokenExclusive();
        long end = range.endTokenInclusive();
        if (start < end || start == Long.MAX_VALUE) {
            return List.of(range);
        }
        return List.of(new TokenRange(start, Long.MAX_VALUE, range.replicas()),
                new TokenRange(Long.MAX_VALUE, end, range.replicas()));
    }

    private static String describe(Task task) {
        return "range (" + task.range().startTokenExclusive() + ", " + task.range().endTokenInclusive()
                + "] from " + task.peer();
    }

    long entriesReceived() {
        return entriesReceived;
    }

    String name() {
        return name;
    }

    @Override
    public void abort(String reason) {
        if (finished) {
            return;
        }
        finished = true;
        if (timeout != null) {
            timeout.cancel();
        }
        done.accept(new ClientResult.Failed(name + " aborted: " + reason));
    }
}
