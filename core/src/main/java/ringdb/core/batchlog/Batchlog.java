package ringdb.core.batchlog;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.Cell;
import ringdb.core.message.BatchlogRemove;
import ringdb.core.message.BatchlogStore;
import ringdb.core.message.CodecException;
import ringdb.core.message.Message;
import ringdb.core.message.MessageCodec;
import ringdb.core.message.MutationResponse;
import ringdb.core.node.NodeEvent;
import ringdb.core.store.LocalStore;

/**
 * Logged batches, as Cassandra makes them atomic: the coordinator first checks that every partition
 * of the batch could be written at the batch's consistency level now (enough of its replicas alive,
 * else Unavailable with the level, the required and the alive counts, and nothing is logged or
 * written) and that a live node can hold the batch; it then stores the whole batch in
 * the batch log of up to {@link #HOLDERS_MAX} other live nodes (chosen at random; on a ring of one
 * node, its own), waits until every chosen holder has it durably, then writes each partition at the
 * batch's consistency level and, when every partition was written, tells the holders to forget the
 * batch. A holder that still has a batch {@code 2 × write timeout} after storing it (the coordinator
 * died, or a write failed) replays it itself: each partition written at ONE (the replicas found down
 * get hints), then forgotten; a batch whose write is invalid (its table was dropped) is dropped and
 * reported. Replays are idempotent: the cells carry the batch's timestamps.
 *
 * <p>Storage: the node-local store shared with the hints and the system records, key
 * {@code "B" + batch id} ({@code coordinator "\n" generation(16 hex) sequence(8 hex)}), value the
 * {@code BATCHLOG_STORE} frame of the batch (docs/formats/system.md), deleted with a tombstone. An
 * in-memory index of the entries held is rebuilt from the store at start; an entry found at start is
 * replayed {@code 2 × write timeout} later unless its coordinator removes it first.
 *
 * <p>Not thread-safe: the node's thread only. The replay timer runs only while entries are held.
 */
public final class Batchlog {
    /** First byte of every batch log key in the node-local store. Never change. */
    public static final byte KEY_PREFIX = 'B';
    /** At most this many nodes hold a batch (Cassandra: two). */
    public static final int HOLDERS_MAX = 2;
    /** At most this many batches held by one node; a holder refuses more. */
    public static final int ENTRIES_MAX = 10_000;
    /** At most this many replays in flight on one holder. */
    static final int REPLAYS_IN_FLIGHT_MAX = 16;

    private final BatchlogContext context;
    private final TreeMap<String, Held> held = new TreeMap<>();
    private final Set<String> replaying = new HashSet<>();
    private Timers.Cancellable replayTimer;
    private long sequence;
    private long lastStampMicros;
    // figures, written on the node's thread and read by metrics scrapes on others
    private volatile long replayedCount;
    private volatile long loggedCount;
    private volatile long refusedCount;
    private volatile long removedCount;
    private volatile long replayFailedCount;
    private volatile long droppedCount;
    private volatile int heldCount;

    /** What a logged batch came to: the write's result, and whether the batch log held it first. */
    public record Result(ClientResult result, boolean logWritten) {
    }

    /** A batch held here: its cell's timestamp and when it is due for a replay (monotonic micros). */
    private record Held(long stampMicros, long dueMicros) {
    }

    public Batchlog(BatchlogContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    /** Whether a key of the node-local store is a batch log entry's. */
    public static boolean isBatchlogKey(byte[] key) {
        return key.length > 1 && key[0] == KEY_PREFIX;
    }

    // ---- the coordinator's side ----

    /**
     * Writes {@code partitions} (each the entries of one partition) as one logged batch at {@code cl}.
     * {@code done} gets {@link Result#logWritten()} false when the batch log could not take it (nothing
     * was written: a partition whose replicas alive cannot meet {@code cl} or whose write is invalid,
     * no live node to hold the batch, a timeout or a failure of the log), true once the partitions were
     * written or failed (a failed batch is replayed by its holders later).
     */
    public void write(List<List<LocalStore.Entry>> partitions, ConsistencyLevel cl, Consumer<Result> done) {
        Objects.requireNonNull(done, "done");
        for (List<LocalStore.Entry> partition : partitions) {
            ClientResult refusal = context.refusal().of(partition, cl);
            if (refusal != null) {
                refusedCount++;
                done.accept(new Result(refusal, false));
                return;
            }
        }
        String batchId = context.self().id() + "\n" + String.format("%016x%08x", context.generation().getAsLong(),
                sequence++ & 0xFFFFFFFFL);
        List<NodeId> holders = holders();
        if (holders.isEmpty()) {
            refusedCount++;
            done.accept(new Result(new ClientResult.Unavailable(ConsistencyLevel.ONE, 1, 0), false));
            return;
        }
        BatchlogStore batch = new BatchlogStore(0, batchId, partitions);
        new LogWrite(batch, holders, logged -> {
            if (!(logged instanceof ClientResult.Written)) {
                done.accept(new Result(logged, false));
                return;
            }
            loggedCount++;
            writePartitions(batch.partitions(), cl, result -> {
                if (result instanceof ClientResult.Written) {
                    for (NodeId holder : holders) {
                        if (holder.equals(context.self())) {
                            if (remove(key(batchId))) {
                                removedCount++;
                            }
                        } else {
                            context.network().send(holder, new BatchlogRemove(batchId));
                        }
                    }
                }
                done.accept(new Result(result, true));
            });
        }).start();
    }

    /** Up to {@link #HOLDERS_MAX} live other members; this node itself when the ring has no other. */
    private List<NodeId> holders() {
        List<NodeId> live = new ArrayList<>(context.liveOthers().get());
        if (live.isEmpty()) {
            return context.ringHasOthers().getAsBoolean() ? List.of() : List.of(context.self());
        }
        Collections.sort(live);
        if (live.size() > HOLDERS_MAX) {
            Collections.shuffle(live, context.random());
        }
        return List.copyOf(live.subList(0, Math.min(HOLDERS_MAX, live.size())));
    }

    /** Writes every partition at {@code cl}; {@code done} gets the first failure, else the last success. */
    private void writePartitions(List<List<LocalStore.Entry>> partitions, ConsistencyLevel cl,
                                 Consumer<ClientResult> done) {
        int[] pending = {partitions.size()};
        ClientResult[] outcome = new ClientResult[1];
        for (List<LocalStore.Entry> partition : partitions) {
            context.mutate().mutate(partition, cl, result -> {
                if (outcome[0] == null || (outcome[0] instanceof ClientResult.Written
                        && !(result instanceof ClientResult.Written))) {
                    outcome[0] = result;
                }
                if (--pending[0] == 0) {
                    done.accept(outcome[0]);
                }
            });
        }
    }

    /** The write of one batch to its holders' logs: Written once every holder has it durably. */
    private final class LogWrite implements ringdb.core.coordinator.RequestRegistry.ResponseHandler {
        private final BatchlogStore batch;
        private final List<NodeId> holders;
        private final Consumer<ClientResult> done;
        private final Set<NodeId> acknowledged = new HashSet<>();
        private long requestId;
        private Timers.Cancellable timeout;
        private boolean finished;

        LogWrite(BatchlogStore batch, List<NodeId> holders, Consumer<ClientResult> done) {
            this.batch = batch;
            this.holders = holders;
            this.done = done;
        }

        private ConsistencyLevel level() {
            return holders.size() == 1 ? ConsistencyLevel.ONE : ConsistencyLevel.TWO;
        }

        void start() {
            requestId = context.requests().register(this);
            timeout = context.timers().schedule(context.config().writeTimeoutMicros(),
                    () -> finish(new ClientResult.Timeout(level(), holders.size(), acknowledged.size())));
            BatchlogStore sent = new BatchlogStore(requestId, batch.batchId(), batch.partitions());
            for (NodeId holder : holders) {
                if (holder.equals(context.self())) {
                    store(batch, error -> answer(holder, error));
                } else {
                    context.network().send(holder, sent);
                }
            }
        }

        private void answer(NodeId holder, String error) {
            if (error != null) {
                finish(new ClientResult.Failed("batch log on " + holder + ": " + error));
            } else if (acknowledged.add(holder) && acknowledged.size() == holders.size()) {
                finish(new ClientResult.Written(0, acknowledged.size(), List.copyOf(acknowledged)));
            }
        }

        private void finish(ClientResult result) {
            if (finished) {
                return;
            }
            finished = true;
            context.requests().unregister(requestId);
            if (timeout != null) {
                timeout.cancel();
            }
            done.accept(result);
        }

        @Override
        public void onResponse(NodeId from, Message message) {
            if (message instanceof MutationResponse response) {
                answer(from, response.success() ? null : response.error());
            }
        }

        @Override
        public void abort(String reason) {
            finish(new ClientResult.Failed(reason));
        }

        @Override
        public boolean expects(NodeId from) {
            return holders.contains(from);
        }
    }

    // ---- the holder's side ----

    /** Stores a batch sent by its coordinator and answers once it is durable (or refused). */
    public void onStore(NodeId from, BatchlogStore batch) {
        store(batch, error -> {
            if (batch.requestId() != 0) {
                context.network().send(from, error == null ? MutationResponse.ok(batch.requestId())
                        : new MutationResponse(batch.requestId(), "node " + context.self() + ": " + error));
            }
        });
    }

    /** Forgets a batch its coordinator applied. */
    public void onRemove(BatchlogRemove remove) {
        if (remove(key(remove.batchId()))) {
            removedCount++;
        }
    }

    private void store(BatchlogStore batch, Consumer<String> onDone) {
        if (held.size() >= ENTRIES_MAX) {
            onDone.accept("batch log full (" + ENTRIES_MAX + " batches held)");
            return;
        }
        String key = key(batch.batchId());
        byte[] frame = MessageCodec.encodeFrame(context.self(), new BatchlogStore(0, batch.batchId(),
                batch.partitions()));
        byte[] value = java.util.Arrays.copyOfRange(frame, MessageCodec.LENGTH_FIELD_BYTES, frame.length);
        long stamp = nextStampMicros();
        context.store().applyDescribingError(bytes(key), Cell.value(value, stamp), error -> {
            if (error == null) {
                held.put(key, new Held(stamp, context.clock().monotonicMicros() + replayAfterMicros()));
                heldCount = held.size();
                scheduleReplay();
            }
            onDone.accept(error);
        });
    }

    /** Forgets a held batch (a tombstone in the store); whether it was held. */
    private boolean remove(String key) {
        Held was = held.remove(key);
        if (was == null) {
            return false;
        }
        heldCount = held.size();
        long stamp = Math.max(nextStampMicros(), was.stampMicros() + 1);
        lastStampMicros = stamp;
        context.store().applyDescribingError(bytes(key), Cell.tombstone(stamp), error -> {
            if (error != null) {
                context.events().emit(NodeEvent.Kind.ERROR, context.self(), "batch log removal not durable: "
                        + error);
            }
        });
        return true;
    }

    /** How long a holder waits for a batch's coordinator before replaying it: twice the write timeout. */
    public long replayAfterMicros() {
        return 2 * context.config().writeTimeoutMicros();
    }

    // ---- replay ----

    /** Forgets the index, before {@link #index} is given the store's entries at start. */
    public void clearIndex() {
        held.clear();
        heldCount = 0;
        replaying.clear();
    }

    /** Indexes one batch log entry of the store at start: replayed later unless its coordinator removes it. */
    public void index(LocalStore.Entry entry) {
        if (isBatchlogKey(entry.key().key()) && !entry.cell().isTombstone()) {
            held.put(new String(entry.key().key(), StandardCharsets.UTF_8), new Held(entry.cell().timestampMicros(),
                    context.clock().monotonicMicros() + replayAfterMicros()));
            lastStampMicros = Math.max(lastStampMicros, entry.cell().timestampMicros());
            heldCount = held.size();
        }
    }

    /** Starts the replay of the entries held (a timer runs only while some are). */
    public void start() {
        scheduleReplay();
    }

    public void stop() {
        if (replayTimer != null) {
            replayTimer.cancel();
            replayTimer = null;
        }
        replaying.clear();
    }

    private void scheduleReplay() {
        if (replayTimer == null && !held.isEmpty() && context.running().getAsBoolean()) {
            replayTimer = context.timers().schedule(context.config().writeTimeoutMicros(), this::replayRound);
        }
    }

    private void replayRound() {
        replayTimer = null;
        if (!context.running().getAsBoolean()) {
            return;
        }
        long now = context.clock().monotonicMicros();
        for (Map.Entry<String, Held> entry : new ArrayList<>(held.entrySet())) {
            if (replaying.size() >= REPLAYS_IN_FLIGHT_MAX) {
                break;
            }
            if (entry.getValue().dueMicros() <= now && replaying.add(entry.getKey())) {
                replay(entry.getKey());
            }
        }
        scheduleReplay();
    }

    private void replay(String key) {
        Cell cell = context.store().read(bytes(key));
        BatchlogStore batch = cell == null || cell.isTombstone() ? null : decode(key, cell.value());
        if (batch == null) {
            replaying.remove(key);
            if (cell != null && !cell.isTombstone()) {
                droppedCount++;
            }
            remove(key);
            return;
        }
        writePartitions(batch.partitions(), ConsistencyLevel.ONE, result -> {
            replaying.remove(key);
            if (result instanceof ClientResult.Written) {
                replayedCount++;
                remove(key);
            } else if (result instanceof ClientResult.Invalid invalid) {
                // a write no node will ever take (its table was dropped): retrying cannot help
                context.events().emit(NodeEvent.Kind.ERROR, context.self(), "batch log entry "
                        + key.replace('\n', ' ') + " dropped: " + invalid.message());
                droppedCount++;
                remove(key);
            } else {
                replayFailedCount++;
                Held was = held.get(key);
                if (was != null) {
                    held.put(key, new Held(was.stampMicros(), context.clock().monotonicMicros()
                            + context.config().writeTimeoutMicros()));
                }
            }
        });
    }

    private BatchlogStore decode(String key, byte[] value) {
        try {
            Message message = MessageCodec.decodeFrame(ByteBuffer.wrap(value), context.config().partitioner())
                    .message();
            if (message instanceof BatchlogStore batch) {
                return batch;
            }
            throw new CodecException("a " + message.type() + " frame");
        } catch (CodecException e) {
            context.events().emit(NodeEvent.Kind.ERROR, context.self(), "batch log entry "
                    + key.replace('\n', ' ') + " cannot be read and is dropped: " + e.getMessage());
            return null;
        }
    }

    // ---- figures ----

    /**
     * This node's batch log figures since it was built, as a coordinator ({@code logged}, {@code refused})
     * and as a holder ({@code held} now, {@code removed}, {@code replayed}, {@code replayFailed},
     * {@code dropped}); see the methods of the same names.
     */
    public record Figures(long logged, long refused, int held, long removed, long replayed, long replayFailed,
                          long dropped) {
    }

    /** The figures at once (each read on its own; safe from any thread). */
    public Figures figures() {
        return new Figures(loggedCount, refusedCount, heldCount, removedCount, replayedCount, replayFailedCount,
                droppedCount);
    }

    /** Batches this node holds for their coordinators (its own included on a one-node ring). Any thread. */
    public int heldCount() {
        return heldCount;
    }

    /** Batches this node replayed for a coordinator that did not remove them in time. */
    public long replayedCount() {
        return replayedCount;
    }

    /** Logged batches this node coordinated whose batch log write succeeded. Any thread. */
    public long loggedCount() {
        return loggedCount;
    }

    /**
     * Logged batches this node coordinated and refused before logging anything (a partition's
     * replicas alive could not meet the consistency level, a write was invalid, no node could hold
     * the batch). Any thread.
     */
    public long refusedCount() {
        return refusedCount;
    }

    /** Batches held here and forgotten because their coordinator applied them. Any thread. */
    public long removedCount() {
        return removedCount;
    }

    /** Replays of a held batch that failed (a partition not written at ONE); each is tried again. Any thread. */
    public long replayFailedCount() {
        return replayFailedCount;
    }

    /** Held batches dropped without being applied: unreadable, or a write no node takes (table dropped). */
    public long droppedCount() {
        return droppedCount;
    }

    private long nextStampMicros() {
        lastStampMicros = Math.max(context.clock().nowMicros(), lastStampMicros + 1);
        return lastStampMicros;
    }

    private static String key(String batchId) {
        return (char) KEY_PREFIX + batchId;
    }

    private static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
