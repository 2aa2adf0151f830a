package ringdb.core.hints;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.coordinator.RequestRegistry;
import ringdb.core.data.Cell;
import ringdb.core.data.Limits;
import ringdb.core.message.Message;
import ringdb.core.message.MutationRequest;
import ringdb.core.message.MutationResponse;
import ringdb.core.node.NodeEvent;
import ringdb.core.store.LocalStore;

/**
 * Hinted handoff: mutations a replica missed (it was down, or did not answer in time) are kept
 * durably in the node's hints store and replayed when gossip reports the replica up again, and
 * every {@code hintReplayIntervalMicros} to every live target that still has hints.
 *
 * <p>A hint is stored under key {@code "H" + target + "\n" + generation(16 hex) + seq(8 hex)} (never reused) with
 * value {@code [key length u32][key][tombstone u8][value...]} and the mutation's timestamp as the
 * cell timestamp. A delivered hint is deleted (tombstone). An in-memory index of pending hint keys
 * per target is rebuilt from the store at start. No hints are stored for a target down longer
 * than the hint window. Not thread-safe: the node's thread only.
 */
public final class Hints {
    private static final int SUFFIX_CHARS = 24;

    private final HintsContext context;
    private final LocalStore store;
    private Timers.Cancellable replayTimer = () -> { };
    private final TreeMap<NodeId, ArrayDeque<byte[]>> pendingByTarget = new TreeMap<>();
    private final Set<NodeId> replaying = new HashSet<>();
    private long sequence;
    private long pendingCount;
    private long deliveredCount;
    private long droppedCount;

    public Hints(HintsContext context) {
        this.context = Objects.requireNonNull(context, "context");
        this.store = context.store();
    }

    /** Starts the periodic replay to live targets, every {@code hintReplayIntervalMicros}. */
    public void start() {
        replayTimer = context.timers().schedule(context.config().hintReplayIntervalMicros(), this::replayRound);
    }

    private void replayRound() {
        if (!context.running().getAsBoolean()) {
            return;
        }
        replayToLiveTargets();
        replayTimer = context.timers().schedule(context.config().hintReplayIntervalMicros(), this::replayRound);
    }

    /** Stops the periodic replay and forgets the replays in flight (the registry aborts their batches). */
    public void stop() {
        replayTimer.cancel();
        replaying.clear();
    }

    /** Forgets the index of pending hints, before {@link #index} is given the store's entries at start. */
    public void clearIndex() {
        pendingByTarget.clear();
        pendingCount = 0;
    }

    /** Indexes one entry of the store at start (a pending hint unless delivered); ignores anything else. */
    public void index(LocalStore.Entry entry) {
        NodeId target = targetOf(entry.key().key());
        if (target != null && !entry.cell().isTombstone()) {
            pendingByTarget.computeIfAbsent(target, t -> new ArrayDeque<>()).add(entry.key().key());
            pendingCount++;
        }
    }

    /** Stores a hint for {@code target}; returns false when none was stored (window passed, too many). */
    public boolean store(NodeId target, byte[] key, Cell cell) {
        long now = context.clock().monotonicMicros();
        long downSince = context.liveness().downSinceMicros(target);
        if (downSince >= 0 && now - downSince > context.config().hintWindowMicros()) {
            droppedCount++;
            return false;
        }
        ArrayDeque<byte[]> queue = pendingByTarget.computeIfAbsent(target, t -> new ArrayDeque<>());
        if (queue.size() >= context.config().hintsPerTargetMax()) {
            droppedCount++;
            emit(NodeEvent.Kind.ERROR, target, "hint dropped: " + queue.size() + " hints already pending");
            return false;
        }
        byte[] hintKey = hintKey(target, context.generation().getAsLong(), sequence++);
        store.apply(hintKey, Cell.value(encode(key, cell), cell.timestampMicros()), error -> {
            if (error != null) {
                emit(NodeEvent.Kind.ERROR, target, "hint for " + target + " not durable: " + error.getMessage());
            }
        });
        queue.add(hintKey);
        pendingCount++;
        emit(NodeEvent.Kind.HINT_STORED, target, "hint stored for " + target + " (" + queue.size() + " pending)");
        return true;
    }

    public long pendingCount() {
        return pendingCount;
    }

    public long pendingFor(NodeId target) {
        ArrayDeque<byte[]> queue = pendingByTarget.get(target);
        return queue == null ? 0 : queue.size();
    }

    /** Targets with hints pending, in id order. */
    public List<NodeId> targets() {
        List<NodeId> out = new ArrayList<>();
        pendingByTarget.forEach((target, queue) -> {
            if (!queue.isEmpty()) {
                out.add(target);
            }
        });
        out.sort(null);
        return out;
    }

    /**
     * Deletes every hint for {@code target}, a node that left or was removed from the ring (its
     * ranges' data reached their new owners by streaming); returns how many. Not while a replay to
     * it runs.
     */
    public int discard(NodeId target) {
        ArrayDeque<byte[]> queue = pendingByTarget.get(target);
        if (queue == null || queue.isEmpty() || replaying.contains(target)) {
            return 0;
        }
        int count = queue.size();
        for (byte[] hintKey : queue) {
            Cell stored = store.read(hintKey);
            if (stored != null && !stored.isTombstone()) {
                store.apply(hintKey, Cell.tombstone(stored.timestampMicros() + 1), error -> { });
            }
        }
        queue.clear();
        pendingCount -= count;
        return count;
    }

    public long deliveredCount() {
        return deliveredCount;
    }

    public long droppedCount() {
        return droppedCount;
    }

    /** Replays to every live target with pending hints (periodic, and when a peer comes up). */
    public void replayToLiveTargets() {
        for (Map.Entry<NodeId, ArrayDeque<byte[]>> entry : pendingByTarget.entrySet()) {
            NodeId target = entry.getKey();
            if (!entry.getValue().isEmpty() && context.liveness().isAlive(target) && !target.equals(context.self())) {
                replay(target);
            }
        }
    }

    /** Starts replaying {@code target}'s hints unless a replay to it is running. */
    public void replay(NodeId target) {
        ArrayDeque<byte[]> queue = pendingByTarget.get(target);
        if (queue == null || queue.isEmpty() || !replaying.add(target)) {
            return;
        }
        new Batch(target, queue).send();
    }

    /** One batch of hints in flight to a target; the next batch follows when all were acknowledged. */
    private final class Batch implements RequestRegistry.ResponseHandler {
        private final NodeId target;
        private final ArrayDeque<byte[]> queue;
        private final Map<Long, InFlight> inFlight = new TreeMap<>();
        private Timers.Cancellable timeout;
        private boolean failed;

        Batch(NodeId target, ArrayDeque<byte[]> queue) {
            this.target = target;
            this.queue = queue;
        }

        void send() {
            int batchSize = Math.min(queue.size(), context.config().hintReplayBatchSize());
            List<byte[]> batch = new ArrayList<>(batchSize);
            Iterator<byte[]> it = queue.iterator();
            for (int i = 0; i < batchSize; i++) {
                batch.add(it.next());
            }
            timeout = context.timers().schedule(context.config().writeTimeoutMicros(), () -> stop("timed out"));
            for (byte[] hintKey : batch) {
                Cell stored = store.read(hintKey);
                if (stored == null || stored.isTombstone()) {
                    queue.remove(hintKey);
                    pendingCount--;
                    continue;
                }
                Decoded hint = decode(stored);
                long id = context.requests().register(this);
                inFlight.put(id, new InFlight(hintKey, stored.timestampMicros()));
                context.network().send(target, new MutationRequest(id, hint.key, hint.cell,
                        MutationRequest.NO_RING_CHECK));
            }
            if (inFlight.isEmpty()) {
                timeout.cancel();
                continueOrFinish();
            }
        }

        @Override
        public void onResponse(NodeId from, Message message) {
            if (!(message instanceof MutationResponse response) || !from.equals(target) || failed) {
                return;
            }
            InFlight delivered = inFlight.remove(response.requestId());
            if (delivered == null) {
                return;
            }
            byte[] hintKey = delivered.hintKey();
            context.requests().unregister(response.requestId());
            if (!response.success()) {
                stop("replica refused: " + response.error());
                return;
            }
            // hint keys are never reused, so a tombstone just above the hint's own timestamp deletes it for good
            store.apply(hintKey, Cell.tombstone(delivered.timestampMicros() + 1), error -> { });
            if (queue.remove(hintKey)) {
                pendingCount--;
                deliveredCount++;
            }
            if (inFlight.isEmpty()) {
                timeout.cancel();
                continueOrFinish();
            }
        }

        private void continueOrFinish() {
            if (!queue.isEmpty() && context.liveness().isAlive(target) && context.running().getAsBoolean()) {
                send();
                return;
            }
            replaying.remove(target);
            if (queue.isEmpty()) {
                emit(NodeEvent.Kind.HINTS_DELIVERED, target, "all hints delivered to " + target);
            }
        }

        private void stop(String reason) {
            failed = true;
            timeout.cancel();
            if (context.running().getAsBoolean()) {
                emit(NodeEvent.Kind.ERROR, target, "hint replay to " + target + " paused: " + reason);
            }
            inFlight.keySet().forEach(context.requests()::unregister);
            inFlight.clear();
            replaying.remove(target);
        }

        @Override
        public void abort(String reason) {
            failed = true;
            timeout.cancel();
            inFlight.clear();
        }
    }

    private void emit(NodeEvent.Kind kind, NodeId target, String detail) {
        context.events().emit(kind, target, detail);
    }

    // ---- encoding ----

    private record Decoded(byte[] key, Cell cell) {
    }

    private record InFlight(byte[] hintKey, long timestampMicros) {
    }

    static byte[] hintKey(NodeId target, long generation, long sequence) {
        String key = "H" + target.id() + "\n" + String.format("%016x%08x", generation, sequence & 0xFFFFFFFFL);
        return key.getBytes(StandardCharsets.UTF_8);
    }

    static NodeId targetOf(byte[] hintKey) {
        String key = new String(hintKey, StandardCharsets.UTF_8);
        int end = key.length() - SUFFIX_CHARS - 1;
        if (!key.startsWith("H") || end <= 1 || key.charAt(end) != '\n') {
            return null;
        }
        return NodeId.of(key.substring(1, end));
    }

    private static byte[] encode(byte[] key, Cell cell) {
        byte[] value = cell.isTombstone() ? new byte[0] : cell.value();
        ByteBuffer out = ByteBuffer.allocate(Limits.HINT_HEADER_BYTES + key.length + value.length);
        out.putInt(key.length).put(key).put((byte) (cell.isTombstone() ? 1 : 0)).put(value);
        return out.array();
    }

    private static Decoded decode(Cell stored) {
        ByteBuffer in = ByteBuffer.wrap(stored.value());
        byte[] key = new byte[in.getInt()];
        in.get(key);
        boolean tombstone = in.get() == 1;
        byte[] value = new byte[in.remaining()];
        in.get(value);
        long timestampMicros = stored.timestampMicros();
        return new Decoded(key, tombstone ? Cell.tombstone(timestampMicros) : Cell.value(value, timestampMicros));
    }
}
