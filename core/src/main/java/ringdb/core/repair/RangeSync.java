package ringdb.core.repair;

import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.RequestRegistry;
import ringdb.core.membership.MembershipView;
import ringdb.core.message.Message;
import ringdb.core.message.RangeDigestRequest;
import ringdb.core.message.RangeDigestResponse;
import ringdb.core.message.RangeSyncRequest;
import ringdb.core.message.RangeSyncResponse;
import ringdb.core.message.RingEpochMismatch;
import ringdb.core.node.NodeEvent;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.TokenRange;
import ringdb.core.store.LocalStore;

/**
 * Brings this node up to date with every other replica of every range it replicates, one chunk at
 * a time (at most {@code rangeSyncChunkEntries} entries, resuming after the last key), applying what
 * it pulls locally; the store's reconciliation keeps the newest version of each key. Used for the
 * catch-up after a restart and for a full repair.
 *
 * <p>With {@code rangeSyncDigests} (the default) each chunk is first compared: the peer answers a
 * {@link RangeDigestRequest} with the count, last key and SHA-256 of the entries it would send, and
 * this node hashes its own entries over the same key span ({@link ChunkDigest}). Equal chunks move
 * no data; only a chunk that differs is pulled with a {@link RangeSyncRequest} for the same
 * position. Without digests every chunk is pulled.
 *
 * <p>One request is in flight at a time; a request that times out is retried, and a peer that
 * stays silent is skipped and reported. Every request carries this node's ring epoch: a peer whose
 * ring differs refuses it ({@link RingEpochMismatch}) and opens a gossip exchange; this sync then
 * plans the chunk again after a quarter of a gossip interval, on its ring as it then stands: a
 * range copy that this node or the peer no longer replicates is dropped from the plan, any other
 * is asked again with the new epoch (a peer that still refuses after
 * {@link #RING_REFUSALS_MAX} times in a row is skipped and reported). Runs on the node thread.
 */
final class RangeSync implements RequestRegistry.ResponseHandler {
    /** Refusals for another ring in a row after which a range copy is given up (about five gossip intervals). */
    static final int RING_REFUSALS_MAX = 20;

    /**
     * A range copy: {@code range} from {@code peer}, for the keys of factor {@code factorMin} and
     * above only, those both this node and the peer hold (a key of factor r sits on the first r
     * replicas of the range's list); {@link RangeSyncRequest#EVERY_FACTOR_MIN} when that is every key.
     */
    private record Task(TokenRange range, NodeId peer, int factorMin) {
        boolean everyFactor() {
            return factorMin == RangeSyncRequest.EVERY_FACTOR_MIN;
        }

        boolean asks(int factor) {
            return factor >= factorMin;
        }
    }

    private final RepairContext context;
    private final Repair owner;
    private final String name;
    private final List<Task> tasks = new ArrayList<>();
    private final int rangeCount;
    private final Consumer<ClientResult> done;
    private final List<String> failures = new ArrayList<>();
    private int taskIndex;
    private byte[] afterKey;
    /** True while the chunk at {@code afterKey} is to be pulled, false while it is to be compared. */
    private boolean fetching;
    private int attempts;
    private int ringRefusals;
    private long replans;
    private long requestId;
    private Timers.Cancellable timeout;
    private long entriesReceived;
    private long chunksCompared;
    private long chunksMatched;
    private long chunksFetched;
    private boolean finished;

    RangeSync(RepairContext context, Repair owner, String name, List<TokenRange> ranges, Consumer<ClientResult> done) {
        this.context = context;
        this.owner = owner;
        this.name = name;
        this.rangeCount = ranges.size();
        this.done = done;
        int smallestFactor = context.placement().factors().get(0);
        for (TokenRange range : ranges) {
            int selfIndex = range.replicas().indexOf(context.self());
            for (NodeId replica : range.replicas()) {
                if (!replica.equals(context.self())) {
                    int shared = Math.max(selfIndex, range.replicas().indexOf(replica)) + 1;
                    int factorMin = shared <= smallestFactor ? RangeSyncRequest.EVERY_FACTOR_MIN : shared;
                    for (TokenRange part : unwrapped(range)) {
                        tasks.add(new Task(part, replica, factorMin));
                    }
                }
            }
        }
        fetching = !context.config().rangeSyncDigests();
    }

    void start() {
        requestNext();
    }

    private void requestNext() {
        while (taskIndex < tasks.size() && !context.liveness().isAlive(tasks.get(taskIndex).peer())) {
            Task skipped = tasks.get(taskIndex);
            failures.add(describe(skipped) + ": replica down");
            advance();
        }
        if (taskIndex >= tasks.size()) {
            finish();
            return;
        }
        Task task = tasks.get(taskIndex);
        requestId = context.requests().register(this);
        timeout = context.timers().schedule(context.config().rangeSyncTimeoutMicros(), this::onTimeout);
        long start = task.range().startTokenExclusive();
        long end = task.range().endTokenInclusive();
        int maxEntries = context.config().rangeSyncChunkEntries();
        RangeSyncRequest chunk = new RangeSyncRequest(requestId, start, end, afterKey, maxEntries,
                context.ringEpoch().getAsLong(), task.factorMin(), RangeSyncRequest.EVERY_FACTOR_MAX);
        context.network().send(task.peer(), fetching ? chunk : new RangeDigestRequest(chunk));
    }

    @Override
    public boolean expects(NodeId from) {
        return taskIndex < tasks.size() && from.equals(tasks.get(taskIndex).peer());
    }

    @Override
    public void onResponse(NodeId from, Message message) {
        if (finished || !from.equals(tasks.get(taskIndex).peer())) {
            return;
        }
        if (fetching && message instanceof RangeSyncResponse response && response.requestId() == requestId) {
            answered();
            onChunk(response);
        } else if (!fetching && message instanceof RangeDigestResponse response && response.requestId() == requestId) {
            answered();
            onDigest(response);
        } else if (message instanceof RingEpochMismatch refusal && refusal.requestId() == requestId) {
            timeout.cancel();
            context.requests().unregister(requestId);
            onRingRefusal();
        }
    }

    /** The peer holds another ring: plan the chunk again once the gossip exchange it opened had time to run. */
    private void onRingRefusal() {
        ringRefusals++;
        replans++;
        if (ringRefusals >= RING_REFUSALS_MAX) {
            failures.add(describe(tasks.get(taskIndex)) + ": refused " + ringRefusals
                    + " times in a row because its ring differs from this node's");
            advance();
            requestNext();
            return;
        }
        timeout = context.timers().schedule(Math.max(1, context.config().gossipIntervalMicros() / 4), () -> {
            if (finished || !context.running().getAsBoolean()) {
                return;
            }
            if (!stillReplicated(tasks.get(taskIndex))) {
                advance();
            }
            requestNext();
        });
    }

    /** Whether this node and the task's peer both still replicate the task's range in this node's ring. */
    private boolean stillReplicated(Task task) {
        List<NodeId> replicas = context.ring().get().replicasForToken(task.range().endTokenInclusive());
        return replicas.contains(context.self()) && replicas.contains(task.peer());
    }

    private void answered() {
        timeout.cancel();
        context.requests().unregister(requestId);
        attempts = 0;
        ringRefusals = 0;
    }

    private void onChunk(RangeSyncResponse response) {
        for (LocalStore.Entry entry : response.entries()) {
            applyEntry(entry);
        }
        entriesReceived += response.entries().size();
        chunksFetched++;
        if (response.rangeDone()) {
            advance();
        } else {
            afterKey = response.nextAfterKey();
            fetching = !context.config().rangeSyncDigests();
        }
        requestNext();
    }

    private void onDigest(RangeDigestResponse response) {
        chunksCompared++;
        if (response.lastKey() == null || matchesLocally(response)) {
            chunksMatched++;
            if (response.complete() || response.lastKey() == null) {
                advance();
            } else {
                afterKey = response.lastKey();
            }
        } else {
            fetching = true;
        }
        requestNext();
    }

    /**
     * Whether this node's entries of the task's range (of the factors the task asks for) strictly
     * after {@code afterKey} and up to and including the peer's last key are exactly those the peer
     * hashed: same count, same digest. Looks at the entries of that span only, and stops at the
     * first one more than the peer's count.
     */
    private boolean matchesLocally(RangeDigestResponse response) {
        Task task = tasks.get(taskIndex);
        DecoratedKey after = afterKey == null ? null : DecoratedKey.of(context.config().partitioner(), afterKey);
        DecoratedKey last = DecoratedKey.of(context.config().partitioner(), response.lastKey());
        List<LocalStore.Entry> inSpan = new ArrayList<>();
        int batch = response.entryCount() + 1;
        try {
            while (true) {
                List<LocalStore.Entry> scanned = context.data().scan(task.range().startTokenExclusive(),
                        task.range().endTokenInclusive(), after, batch);
                for (LocalStore.Entry entry : scanned) {
                    if (entry.key().compareTo(last) > 0) {
                        return sameChunk(inSpan, response);
                    }
                    if ((task.everyFactor() || task.asks(context.placement().factorOfKey(entry.key().key())))
                            && !context.placement().isDroppedKey(entry.key().key())) {
                        inSpan.add(entry);
                        if (inSpan.size() > response.entryCount()) {
                            return false;
                        }
                    }
                    after = entry.key();
                }
                if (scanned.size() < batch) {
                    return sameChunk(inSpan, response);
                }
            }
        } catch (UncheckedIOException e) { // the store reported it to the node; take the peer's entries instead
            return false;
        }
    }

    private static boolean sameChunk(List<LocalStore.Entry> local, RangeDigestResponse response) {
        return local.size() == response.entryCount() && MessageDigest.isEqual(ChunkDigest.of(local),
                response.digest());
    }

    private void applyEntry(LocalStore.Entry entry) {
        if (!replicatesHere(entry) || context.placement().isDroppedKey(entry.key().key())) {
            return;
        }
        context.data().applyDescribingError(entry.key().key(), entry.cell(), error -> {
            if (error != null) {
                failures.add("entry not applied: " + error);
            }
        });
    }

    /**
     * Whether this node replicates the entry's key for its keyspace's factor: a peer replicates the
     * range for the cluster's factor and sends every table of it, but a keyspace with a smaller factor
     * keeps its keys on the first replicas only, and repair must not spread them to the others.
     */
    private boolean replicatesHere(LocalStore.Entry entry) {
        int factor = context.placement().factorOfKey(entry.key().key());
        if (factor >= context.config().replicationFactor()) {
            return true;
        }
        List<NodeId> replicas = context.ring().get().replicasForToken(entry.key().token());
        return MembershipView.prefix(replicas, factor).contains(context.self());
    }

    private void onTimeout() {
        context.requests().unregister(requestId);
        attempts++;
        if (attempts >= context.config().rangeSyncAttemptsMax()) {
            String request = fetching ? "a chunk request" : "a digest request";
            failures.add(describe(tasks.get(taskIndex)) + ": no answer to " + request + " after " + attempts
                    + " attempts");
            advance();
        }
        requestNext();
    }

    /** Where this sync stands: range copies synced of all, entries received. */
    Repair.Progress progress() {
        return new Repair.Progress(name, Math.min(taskIndex, tasks.size()), tasks.size(), entriesReceived);
    }

    private void advance() {
        taskIndex++;
        afterKey = null;
        attempts = 0;
        ringRefusals = 0;
        fetching = !context.config().rangeSyncDigests();
        if (taskIndex % 16 == 0 && taskIndex < tasks.size()) {
            context.events().emit(NodeEvent.Kind.STREAM_PROGRESS, context.self(), name + ": " + taskIndex + " of "
                    + tasks.size() + " range copies synced, " + describeCounts());
        }
    }

    private String describeCounts() {
        return chunksCompared + " chunks compared, " + chunksMatched + " matched, " + chunksFetched + " fetched, "
                + entriesReceived + " entries received";
    }

    private void finish() {
        finished = true;
        ClientResult result;
        if (failures.isEmpty()) {
            result = new ClientResult.Repaired(rangeCount, entriesReceived, chunksCompared, chunksMatched,
                    chunksFetched);
        } else {
            result = new ClientResult.Failed(name + " incomplete: " + failures.size() + " problem(s) over "
                    + tasks.size() + " range copies, " + describeCounts() + "; first: " + failures.get(0));
        }
        owner.rangeSyncFinished(this, result);
        done.accept(result);
    }

    /**
     * A wrapping range as (start, MAX] and (MAX, end]: the second still "wraps" but holds only
     * [MIN, end], so every store walks both parts in plain token order and a resume key is
     * unambiguous.
     */
    public static List<TokenRange> unwrapped(TokenRange range) {
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

    /** Chunks planned again because the peer held another ring. */
    long replans() {
        return replans;
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
