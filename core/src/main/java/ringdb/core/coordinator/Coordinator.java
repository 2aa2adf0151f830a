package ringdb.core.coordinator;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.data.Cell;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.data.Limits;
import ringdb.core.membership.MembershipView;
import ringdb.core.node.NodeState;
import ringdb.core.ring.StorageKeys;

/**
 * The coordinator side of client requests: any node takes any put, delete or get, checks it,
 * stamps writes, picks the live replicas (pending ones included for writes), hints the dead ones
 * and hands the request to a {@link WriteHandler} or {@link ReadHandler}. Also the node's source of
 * strictly increasing timestamps. Not thread-safe: the node's thread only.
 */
public final class Coordinator {
    /** How long a request refused for its ring waits before it is planned again. */
    static final long REPLAN_DELAY_MICROS = 10_000;
    /** Pass as a timestamp to let the coordinator stamp the mutation. */
    public static final long COORDINATOR_TIMESTAMP = Long.MIN_VALUE;

    private final CoordinatorContext context;
    private long lastTimestampMicros = Long.MIN_VALUE;
    private long readRepairs;
    private long speculativeReads;
    private long replans;

    public Coordinator(CoordinatorContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    /**
     * Writes {@code value} (not null) under a key of the key-value API at {@code cl}; {@code done}
     * gets exactly one answer. The replicas store it under {@link StorageKeys#kv}{@code (key)}.
     */
    public void put(byte[] key, byte[] value, ConsistencyLevel cl, long timestampMicros, Consumer<ClientResult> done) {
        if (value == null) {
            done.accept(new ClientResult.Invalid("value must not be null; use delete to remove a key"));
            return;
        }
        write(key, value, cl, timestampMicros, done);
    }

    /** Writes a tombstone for {@code key} at {@code cl}. */
    public void delete(byte[] key, ConsistencyLevel cl, long timestampMicros, Consumer<ClientResult> done) {
        write(key, null, cl, timestampMicros, done);
    }

    private void write(byte[] key, byte[] value, ConsistencyLevel cl, long timestampMicros,
                       Consumer<ClientResult> done) {
        Objects.requireNonNull(done, "done");
        ClientResult refusal = refuse(key, value, cl);
        if (refusal != null) {
            done.accept(refusal);
            return;
        }
        if (timestampMicros != COORDINATOR_TIMESTAMP) {
            ClientResult tooFar = refuseFutureTimestamp(timestampMicros);
            if (tooFar != null) {
                done.accept(tooFar);
                return;
            }
        }
        long stamp = timestampMicros == COORDINATOR_TIMESTAMP ? nextTimestampMicros() : timestampMicros;
        Cell cell = value == null ? Cell.tombstone(stamp) : Cell.value(value, stamp);
        planWrite(StorageKeys.kv(key), cell, cl, context.clock().monotonicMicros()
                + context.config().writeTimeoutMicros(), done);
    }

    /**
     * Plans a write on the ring as it stands and starts it; a replica holding another ring makes
     * the handler call this again (same cell, same deadline) once the rings had a moment to agree.
     */
    private void planWrite(byte[] key, Cell cell, ConsistencyLevel cl, long deadlineMicros,
                           Consumer<ClientResult> done) {
        long token = StorageKeys.token(key);
        // pending replicas (nodes gaining the range through a move) get the write too, and count
        // on top of the consistency level so it holds in the ring before and after the move
        MembershipView view = context.membershipView().get();
        MembershipView.WritePlan plan = view.writePlan(token);
        List<NodeId> replicas = plan.targets();
        int required = cl.blockFor(context.config().replicationFactor()) + plan.extraAcks();
        List<NodeId> alive = aliveOf(replicas);
        if (alive.size() < required) {
            done.accept(new ClientResult.Unavailable(cl, required, alive.size()));
            return;
        }
        for (NodeId replica : replicas) {
            if (!alive.contains(replica)) {
                context.hints().hint(replica, key, cell);
            }
        }
        long remaining = deadlineMicros - context.clock().monotonicMicros();
        Runnable replan = () -> later(deadlineMicros, () -> planWrite(key, cell, cl, deadlineMicros, done),
                () -> done.accept(new ClientResult.Timeout(cl, required, 0)));
        new WriteHandler(context, key, cell, cl, required, view.epoch(), done, replan).start(alive, remaining);
    }

    /**
     * Runs {@code retry} after a short pause (the gossip exchange a refusing replica opened needs a
     * round trip or two), or {@code expired} when the request's deadline comes first.
     */
    private void later(long deadlineMicros, Runnable retry, Runnable expired) {
        replans++;
        long remaining = deadlineMicros - context.clock().monotonicMicros();
        if (remaining <= REPLAN_DELAY_MICROS) {
            context.timers().schedule(Math.max(0, remaining), expired);
            return;
        }
        context.timers().schedule(REPLAN_DELAY_MICROS, () -> {
            if (context.running().getAsBoolean()) {
                retry.run();
            } else {
                expired.run();
            }
        });
    }

    /** Reads a key of the key-value API at {@code cl}: the newest version among the replicas asked. */
    public void get(byte[] key, ConsistencyLevel cl, Consumer<ClientResult> done) {
        Objects.requireNonNull(done, "done");
        ClientResult refusal = refuse(key, null, cl);
        if (refusal != null) {
            done.accept(refusal);
            return;
        }
        planRead(StorageKeys.kv(key), cl, context.clock().monotonicMicros() + context.config().readTimeoutMicros(),
                done);
    }

    /** Plans a read on the ring as it stands and starts it; again when a replica holds another ring. */
    private void planRead(byte[] key, ConsistencyLevel cl, long deadlineMicros, Consumer<ClientResult> done) {
        int required = cl.blockFor(context.config().replicationFactor());
        MembershipView view = context.membershipView().get();
        List<NodeId> alive = aliveOf(view.readRing().replicasForKey(key));
        if (alive.size() < required) {
            done.accept(new ClientResult.Unavailable(cl, required, alive.size()));
            return;
        }
        long remaining = deadlineMicros - context.clock().monotonicMicros();
        Runnable replan = () -> later(deadlineMicros, () -> planRead(key, cl, deadlineMicros, done),
                () -> done.accept(new ClientResult.Timeout(cl, required, 0)));
        new ReadHandler(context, this, key, cl, required, alive, view.epoch(), done, replan).start(remaining);
    }

    private ClientResult refuse(byte[] key, byte[] value, ConsistencyLevel cl) {
        NodeId self = context.self();
        if (!context.running().getAsBoolean()) {
            return new ClientResult.Failed("node " + self + " is not running");
        }
        if (cl == null) {
            return new ClientResult.Invalid("consistency level must be given: ONE, QUORUM or ALL");
        }
        NodeState state = context.state().get();
        if (state == NodeState.STARTING || state == NodeState.JOINING) {
            // a node joining the ring knows only what gossip told it so far (a partition may have
            // hidden members): coordinating with that ring would send writes to nodes that are no
            // replicas of the key, and acknowledge writes that the real replicas never get
            return new ClientResult.Failed("node " + self + " is " + state + ": it coordinates requests once it has"
                    + " joined the ring (NORMAL); send them to another node");
        }
        try {
            Limits.checkKey(key);
            Limits.checkValue(value, context.config().valueSizeBytesMax());
        } catch (InvalidRequestException e) {
            return new ClientResult.Invalid(e.getMessage());
        }
        return null;
    }

    /**
     * Refuses a client timestamp further ahead of this node's clock than the configured bound: such
     * a cell would shadow every later write (stamped by the clock) until the clock catches up.
     */
    private ClientResult refuseFutureTimestamp(long timestampMicros) {
        long now = context.clock().nowMicros();
        long bound = context.config().clientTimestampAheadMaxMicros();
        long latest = now > Long.MAX_VALUE - bound ? Long.MAX_VALUE : now + bound;
        if (timestampMicros <= latest) {
            return null;
        }
        return new ClientResult.Invalid("timestamp " + timestampMicros + " is more than " + bound
                + " microseconds ahead of node " + context.self() + "'s clock (now " + now + "); a cell stamped"
                + " in the future would win over every later write (limit: max_client_timestamp_ahead_ms)."
                + " Timestamps are microseconds since the epoch");
    }

    /** max(clock, last + 1): strictly increasing even when the clock jumps backwards. */
    public long nextTimestampMicros() {
        long now = context.clock().nowMicros();
        lastTimestampMicros = lastTimestampMicros == Long.MIN_VALUE ? now : Math.max(now, lastTimestampMicros + 1);
        return lastTimestampMicros;
    }

    private List<NodeId> aliveOf(List<NodeId> replicas) {
        List<NodeId> alive = new ArrayList<>(replicas.size());
        for (NodeId replica : replicas) {
            if (context.liveness().isAlive(replica)) {
                alive.add(replica);
            }
        }
        return alive;
    }

    void countReadRepair() {
        readRepairs++;
    }

    void countSpeculativeRead() {
        speculativeReads++;
    }

    /** Read repairs this node sent as a coordinator since it was built. */
    public long readRepairCount() {
        return readRepairs;
    }

    /** Requests this node planned again because a replica held another ring (a newer or an older one). */
    public long replanCount() {
        return replans;
    }

    /** Extra replicas this node asked because the first ones were slow to answer a read. */
    public long speculativeReadCount() {
        return speculativeReads;
    }
}
