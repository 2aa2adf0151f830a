package ringdb.core.hints;

import java.io.UncheckedIOException;
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
import ringdb.core.message.Message;
import ringdb.core.message.MutationRequest;
import ringdb.core.message.MutationResponse;
import ringdb.core.message.RingEpochMismatch;
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
 * (and their sizes) per target is rebuilt from the store at start. No hints are stored for a target
 * down longer than the hint window, nor past the bounds in hints per target and in bytes per target
 * and in total ({@code hintsPerTargetBytesMax}, {@code hintsTotalBytesMax}): such hints are dropped,
 * counted and reported, and the target's ranges need a repair.
 *
 * <p>Placement on the ring ({@link HintsContext.Placement}): every delivery carries this node's ring
 * epoch, and a target whose ring differs refuses it and opens a gossip exchange; the replay to it
 * pauses and is planned again a quarter of a gossip interval later. Before each delivery the hint is
 * planned on this node's ring as it then stands: when the target, still a member, no longer
 * replicates the hint's key (a join or a leave moved the range), the hint is handed over to the key's
 * current replicas (stored as a hint for each, applied here when this node is one) instead. Hints for
 * a node that left, was removed or was replaced are handed over the same way ({@link #handOver}); a
 * hint none of whose new owners could take it (window passed, bounds) is dropped and counted.
 * Not thread-safe: the node's thread only.
 */
public final class Hints {
    private static final int SUFFIX_CHARS = 24;
    /** Hint value kinds (docs/formats/system.md): a value, a tombstone, a value with a TTL. Never renumber. */
    private static final byte HINT_VALUE = 0;
    private static final byte HINT_TOMBSTONE = 1;
    private static final byte HINT_EXPIRING = 2;

    private final HintsContext context;
    private final LocalStore store;
    private Timers.Cancellable replayTimer = () -> { };
    private final TreeMap<NodeId, ArrayDeque<Pending>> pendingByTarget = new TreeMap<>();
    private final TreeMap<NodeId, Long> pendingBytesByTarget = new TreeMap<>();
    private final Set<NodeId> replaying = new HashSet<>();
    private long sequence;
    private long pendingCount;
    private long pendingBytes;
    private long deliveredCount;
    private long droppedCount;
    private long droppedOverSizeCount;
    private long handedOverCount;
    private long ringRefusals;

    /** What {@link #handOver} did with a former member's hints: handed over to new owners, or dropped. */
    public record HandOver(int handedOver, int dropped) {
    }

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
        pendingBytesByTarget.clear();
        pendingCount = 0;
        pendingBytes = 0;
    }

    /** Indexes one entry of the store at start (a pending hint unless delivered); ignores anything else. */
    public void index(LocalStore.Entry entry) {
        NodeId target = targetOf(entry.key().key());
        if (target != null && !entry.cell().isTombstone()) {
            byte[] hintKey = entry.key().key();
            added(target, new Pending(hintKey, hintKey.length + (long) entry.cell().value().length));
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
        ArrayDeque<Pending> queue = pendingByTarget.computeIfAbsent(target, t -> new ArrayDeque<>());
        if (queue.size() >= context.config().hintsPerTargetMax()) {
            droppedCount++;
            emit(NodeEvent.Kind.ERROR, target, "hint dropped: " + queue.size() + " hints already pending");
            return false;
        }
        byte[] hintKey = hintKey(target, context.generation().getAsLong(), sequence++);
        byte[] encoded = encode(key, cell);
        Pending hint = new Pending(hintKey, hintKey.length + (long) encoded.length);
        if (overSizeBound(target, hint.bytes())) {
            return false;
        }
        store.apply(hintKey, Cell.value(encoded, cell.timestampMicros()), error -> {
            if (error != null) {
                emit(NodeEvent.Kind.ERROR, target, "hint for " + target + " not durable: " + error.getMessage());
            }
        });
        added(target, hint);
        emit(NodeEvent.Kind.HINT_STORED, target, "hint stored for " + target + " (" + queue.size() + " pending)");
        return true;
    }

    /**
     * Whether a hint of {@code bytes} for {@code target} would pass the bound in bytes per target or
     * in total; if so it is dropped and counted, and the loss reported (the target's ranges then need
     * a repair: hints are the only copy of what it missed).
     */
    private boolean overSizeBound(NodeId target, long bytes) {
        long perTargetMax = context.config().hintsPerTargetBytesMax();
        long totalMax = context.config().hintsTotalBytesMax();
        long forTarget = pendingBytesFor(target);
        boolean perTarget = perTargetMax > 0 && forTarget + bytes > perTargetMax;
        boolean total = totalMax > 0 && pendingBytes + bytes > totalMax;
        if (!perTarget && !total) {
            return false;
        }
        droppedCount++;
        droppedOverSizeCount++;
        if (Long.bitCount(droppedOverSizeCount) == 1) { // the 1st, 2nd, 4th, 8th...: a long outage reports little
            emit(NodeEvent.Kind.ERROR, target, "hint for " + target + " dropped (" + droppedOverSizeCount
                    + " so far): " + (perTarget ? forTarget + " bytes of hints already pending for it, limit "
                    + perTargetMax + " (max_hints_size_per_host)" : pendingBytes + " bytes of hints already pending "
                    + "in all, limit " + totalMax + " (max_hints_size_total)") + "; run a repair of " + target
                    + "'s ranges once it is back");
        }
        return true;
    }

    private void added(NodeId target, Pending hint) {
        pendingByTarget.computeIfAbsent(target, t -> new ArrayDeque<>()).add(hint);
        pendingBytesByTarget.merge(target, hint.bytes(), Long::sum);
        pendingCount++;
        pendingBytes += hint.bytes();
    }

    /** Takes {@code hint} off {@code queue} (the target's); false when it was not there. */
    private boolean removed(NodeId target, ArrayDeque<Pending> queue, Pending hint) {
        if (!queue.remove(hint)) {
            return false;
        }
        pendingBytesByTarget.merge(target, -hint.bytes(), Long::sum);
        pendingCount--;
        pendingBytes -= hint.bytes();
        return true;
    }

    public long pendingCount() {
        return pendingCount;
    }

    /** Bytes of hints pending (each hint's key and stored value), for all targets. */
    public long pendingBytes() {
        return pendingBytes;
    }

    /** Bytes of hints pending for {@code target}. */
    public long pendingBytesFor(NodeId target) {
        return pendingBytesByTarget.getOrDefault(target, 0L);
    }

    /** Hints dropped because a bound in bytes (per target or in total) was reached. */
    public long droppedOverSizeCount() {
        return droppedOverSizeCount;
    }

    public long pendingFor(NodeId target) {
        ArrayDeque<Pending> queue = pendingByTarget.get(target);
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
     * Hands every hint held for {@code target}, a node that left, was removed or was replaced, over to
     * the current replicas of its key (the new owners of the target's ranges): stored as a hint for
     * each of them (applied here when this node is one), and deleted for {@code target}. A hint no
     * new owner could take is dropped and counted. Nothing while a replay to {@code target} runs.
     */
    public HandOver handOver(NodeId target) {
        ArrayDeque<Pending> queue = pendingByTarget.get(target);
        if (queue == null || queue.isEmpty() || replaying.contains(target)) {
            return new HandOver(0, 0);
        }
        int handed = 0;
        int dropped = 0;
        for (Pending hint : new ArrayList<>(queue)) {
            Cell stored;
            try {
                stored = store.read(hint.key());
            } catch (UncheckedIOException e) { // stays pending: the next round tries again
                break;
            }
            if (stored != null && !stored.isTombstone()) {
                Decoded decoded = decode(stored);
                if (retarget(target, decoded, context.placement().writeTargets(decoded.key))) {
                    handed++;
                } else {
                    dropped++;
                }
                deleteStored(hint.key(), stored.timestampMicros());
            }
            removed(target, queue, hint);
        }
        if (queue.isEmpty()) {
            pendingBytesByTarget.remove(target);
        }
        handedOverCount += handed;
        return new HandOver(handed, dropped);
    }

    /**
     * Gives {@code hint}, held for {@code former}, to each of {@code owners}; false when none took it
     * (then it counts as one dropped hint, unless storing it for an owner already counted the drop).
     */
    private boolean retarget(NodeId former, Decoded hint, List<NodeId> owners) {
        long droppedBefore = droppedCount;
        boolean taken = false;
        for (NodeId owner : owners) {
            if (owner.equals(former)) {
                continue;
            }
            if (owner.equals(context.self())) {
                context.placement().applyLocally(hint.key, hint.cell);
                taken = true;
            } else if (store(owner, hint.key, hint.cell)) {
                taken = true;
            }
        }
        if (!taken && droppedCount == droppedBefore) {
            droppedCount++;
        }
        return taken;
    }

    /**
     * The key's current write targets when {@code target} is a member of this node's ring that no
     * longer replicates {@code key} (the hint must go to them instead), else null (deliver to it).
     */
    private List<NodeId> newOwners(NodeId target, byte[] key) {
        HintsContext.Placement placement = context.placement();
        if (!placement.isMember(target)) {
            return null;
        }
        List<NodeId> owners = placement.writeTargets(key);
        return owners.isEmpty() || owners.contains(target) ? null : owners;
    }

    /** Hints handed over to the new owners of their key's range (target left, or no longer a replica). */
    public long handedOverCount() {
        return handedOverCount;
    }

    /** Deliveries refused by a target whose ring differed from this node's (then planned again). */
    public long ringRefusalCount() {
        return ringRefusals;
    }

    public long deliveredCount() {
        return deliveredCount;
    }

    public long droppedCount() {
        return droppedCount;
    }

    /** Replays to every live target with pending hints (periodic, and when a peer comes up). */
    public void replayToLiveTargets() {
        for (NodeId target : targets()) { // a copy: a replay may hand hints over to other targets
            if (context.liveness().isAlive(target) && !target.equals(context.self())) {
                replay(target);
            }
        }
    }

    /** Starts replaying {@code target}'s hints unless a replay to it is running. */
    public void replay(NodeId target) {
        ArrayDeque<Pending> queue = pendingByTarget.get(target);
        if (queue == null || queue.isEmpty() || !replaying.add(target)) {
            return;
        }
        new Batch(target, queue).send();
    }

    /** One batch of hints in flight to a target; the next batch follows when all were acknowledged. */
    private final class Batch implements RequestRegistry.ResponseHandler {
        private final NodeId target;
        private final ArrayDeque<Pending> queue;
        private final Map<Long, InFlight> inFlight = new TreeMap<>();
        private Timers.Cancellable timeout;
        private boolean failed;

        Batch(NodeId target, ArrayDeque<Pending> queue) {
            this.target = target;
            this.queue = queue;
        }

        void send() {
            int batchSize = Math.min(queue.size(), context.config().hintReplayBatchSize());
            List<Pending> batch = new ArrayList<>(batchSize);
            Iterator<Pending> it = queue.iterator();
            for (int i = 0; i < batchSize; i++) {
                batch.add(it.next());
            }
            timeout = context.timers().schedule(context.config().writeTimeoutMicros(), () -> stop("timed out"));
            for (Pending pending : batch) {
                Cell stored;
                try {
                    stored = store.read(pending.key());
                } catch (UncheckedIOException e) { // the hint stays pending; the next replay round tries again
                    stop("the hints store could not be read: " + e.getMessage());
                    return;
                }
                if (stored == null || stored.isTombstone()) {
                    removed(target, queue, pending);
                    continue;
                }
                Decoded hint = decode(stored);
                if (context.placement().isDropped(hint.key)) { // its table was dropped: nothing to deliver
                    deleteStored(pending.key(), stored.timestampMicros());
                    removed(target, queue, pending);
                    continue;
                }
                List<NodeId> owners = newOwners(target, hint.key);
                if (owners != null) { // the range moved: the hint goes to the key's current replicas instead
                    if (retarget(target, hint, owners)) {
                        handedOverCount++;
                    }
                    deleteStored(pending.key(), stored.timestampMicros());
                    removed(target, queue, pending);
                    continue;
                }
                long id = context.requests().register(this);
                inFlight.put(id, new InFlight(pending, stored.timestampMicros()));
                context.network().send(target, new MutationRequest(id, hint.key, hint.cell,
                        context.placement().ringEpoch()));
            }
            if (inFlight.isEmpty()) {
                timeout.cancel();
                continueOrFinish();
            }
        }

        @Override
        public boolean expects(NodeId from) {
            return from.equals(target);
        }

        @Override
        public void onResponse(NodeId from, Message message) {
            if (message instanceof RingEpochMismatch refusal && from.equals(target) && !failed
                    && inFlight.containsKey(refusal.requestId())) {
                ringRefusals++;
                pauseForRing();
                return;
            }
            if (!(message instanceof MutationResponse response) || !from.equals(target) || failed) {
                return;
            }
            InFlight delivered = inFlight.remove(response.requestId());
            if (delivered == null) {
                return;
            }
            Pending hint = delivered.hint();
            context.requests().unregister(response.requestId());
            if (!response.success()) {
                stop("replica refused: " + response.error());
                return;
            }
            deleteStored(hint.key(), delivered.timestampMicros());
            if (removed(target, queue, hint)) {
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

        /**
         * The target holds another ring: this batch ends (its hints stay pending) and the replay is
         * planned again once the gossip exchange the target opened had time to run.
         */
        private void pauseForRing() {
            failed = true;
            timeout.cancel();
            inFlight.keySet().forEach(context.requests()::unregister);
            inFlight.clear();
            replaying.remove(target);
            context.timers().schedule(Math.max(1, context.config().gossipIntervalMicros() / 4), () -> {
                if (context.running().getAsBoolean() && context.liveness().isAlive(target)) {
                    replay(target);
                }
            });
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

    private record InFlight(Pending hint, long timestampMicros) {
    }

    /** A pending hint: its key in the store and its size (key and stored value), for the bounds in bytes. */
    private record Pending(byte[] key, long bytes) {
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
        int expiry = cell.isExpiring() ? 12 : 0;
        ByteBuffer out = ByteBuffer.allocate(4 + key.length + 1 + expiry + value.length);
        out.putInt(key.length).put(key);
        if (cell.isExpiring()) {
            out.put(HINT_EXPIRING).putInt(cell.ttlSeconds()).putLong(cell.expiresAtSeconds());
        } else {
            out.put(cell.isTombstone() ? HINT_TOMBSTONE : HINT_VALUE);
        }
        out.put(value);
        return out.array();
    }

    /**
     * Deletes the stored hint at {@code hintKey}, written at {@code storedTimestampMicros}: hint keys are
     * never reused, so a tombstone just above the hint's own timestamp deletes it for good.
     */
    private void deleteStored(byte[] hintKey, long storedTimestampMicros) {
        store.apply(hintKey, Cell.tombstone(storedTimestampMicros + 1), error -> { });
    }

    private static Decoded decode(Cell stored) {
        ByteBuffer in = ByteBuffer.wrap(stored.value());
        byte[] key = new byte[in.getInt()];
        in.get(key);
        byte kind = in.get();
        int ttlSeconds = kind == HINT_EXPIRING ? in.getInt() : 0;
        long expiresAtSeconds = kind == HINT_EXPIRING ? in.getLong() : 0;
        byte[] value = new byte[in.remaining()];
        in.get(value);
        long timestampMicros = stored.timestampMicros();
        Cell cell = kind == HINT_TOMBSTONE ? Cell.tombstone(timestampMicros)
                : kind == HINT_EXPIRING ? Cell.expiring(value, timestampMicros, ttlSeconds, expiresAtSeconds)
                : Cell.value(value, timestampMicros);
        return new Decoded(key, cell);
    }
}
