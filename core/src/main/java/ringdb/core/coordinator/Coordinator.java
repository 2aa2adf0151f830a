package ringdb.core.coordinator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import ringdb.core.NodeId;
import ringdb.core.data.Cell;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.data.Limits;
import ringdb.core.membership.MembershipView;
import ringdb.core.message.Message;
import ringdb.core.message.RangeScanRequest;
import ringdb.core.message.SliceReadRequest;
import ringdb.core.node.NodeState;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.StorageKeys;
import ringdb.core.store.LocalStore;
import ringdb.core.store.PartitionRecords;

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
    private long requestsAsReplica;
    private long requestsForwarded;

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
        byte[] storageKey = StorageKeys.kv(key);
        DecoratedKey decorated = new DecoratedKey(StorageKeys.token(context.config().partitioner(), storageKey),
                storageKey);
        countPlacement(decorated.token(), context.config().replicationFactor());
        planWrite(decorated.token(), context.config().replicationFactor(), List.of(new LocalStore.Entry(decorated,
                cell)), false, cl, context.clock().monotonicMicros() + context.config().writeTimeoutMicros(), done);
    }

    /**
     * Writes {@code entries} (all of one partition token, already stamped: see {@link
     * #nextTimestampMicros}) as one mutation at {@code cl}: each replica applies them together and
     * acknowledges once, with the rules of {@link #put} (consistency level, hints per entry for the
     * replicas that miss them, ring epochs, pending replicas). {@code done} gets exactly one answer;
     * Written carries the latest timestamp of the entries.
     */
    public void mutate(List<LocalStore.Entry> entries, ConsistencyLevel cl, Consumer<ClientResult> done) {
        Objects.requireNonNull(done, "done");
        ClientResult refusal = requestRefusal(entries, cl);
        if (refusal != null) {
            done.accept(refusal);
            return;
        }
        int factor = context.placement().factorOfKey(entries.get(0).key().key());
        countPlacement(entries.get(0).key().token(), factor);
        planWrite(entries.get(0).key().token(), factor, entries,
                true, cl,
                context.clock().monotonicMicros() + context.config().writeTimeoutMicros(), done);
    }

    /**
     * Why {@link #mutate} of {@code entries} at {@code cl} would be refused right now without a replica
     * being asked (a bad request, too few replicas alive: Unavailable with the required and alive
     * counts), or null when it would be tried. Changes nothing: a logged batch asks this of each of its
     * partitions before it writes anything to the batch log.
     */
    public ClientResult mutationRefusal(List<LocalStore.Entry> entries, ConsistencyLevel cl) {
        ClientResult refusal = requestRefusal(entries, cl);
        if (refusal != null) {
            return refusal;
        }
        int factor = context.placement().factorOfKey(entries.get(0).key().key());
        MembershipView.WritePlan plan = context.membershipView().get().writePlan(entries.get(0).key().token(), factor);
        int required = cl.blockFor(factor) + plan.extraAcks();
        int alive = aliveOf(plan.targets()).size();
        return alive < required ? new ClientResult.Unavailable(cl, required, alive) : null;
    }

    /** What refuses a mutation before its replicas are looked at: the level, then the entries. */
    private ClientResult requestRefusal(List<LocalStore.Entry> entries, ConsistencyLevel cl) {
        ClientResult refusal = refuseRequest(cl);
        return refusal != null ? refusal : MutationChecks.refuse(entries, context.config().valueSizeBytesMax(),
                context.config().clientTimestampAheadMaxMicros(), context.clock().nowMicros());
    }

    /**
     * Plans a write on the ring as it stands and starts it; a replica holding another ring makes
     * the handler call this again (same cell, same deadline) once the rings had a moment to agree.
     */
    private void planWrite(long token, int factor, List<LocalStore.Entry> entries, boolean batch,
                           ConsistencyLevel cl, long deadlineMicros, Consumer<ClientResult> done) {
        // pending replicas (nodes gaining the range through a move) get the write too, and count
        // on top of the consistency level so it holds in the ring before and after the move
        MembershipView view = context.membershipView().get();
        MembershipView.WritePlan plan = view.writePlan(token, factor);
        List<NodeId> replicas = plan.targets();
        int required = cl.blockFor(factor) + plan.extraAcks();
        List<NodeId> alive = aliveOf(replicas);
        if (alive.size() < required) {
            done.accept(new ClientResult.Unavailable(cl, required, alive.size()));
            return;
        }
        for (NodeId replica : replicas) {
            if (!alive.contains(replica)) {
                for (LocalStore.Entry entry : entries) {
                    context.hints().hint(replica, entry.key().key(), entry.cell());
                }
            }
        }
        long remaining = deadlineMicros - context.clock().monotonicMicros();
        Runnable replan = () -> later(deadlineMicros, () -> planWrite(token, factor, entries, batch, cl,
                deadlineMicros, done), () -> done.accept(new ClientResult.Timeout(cl, required, 0)));
        new WriteHandler(context, token, entries, batch, cl, required, view.epoch(), done, replan)
                .start(alive, remaining);
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
        countPlacement(StorageKeys.kvToken(context.config().partitioner(), key), context.config().replicationFactor());
        planRead(StorageKeys.kv(key), cl, context.clock().monotonicMicros() + context.config().readTimeoutMicros(),
                done);
    }

    /** Plans a read on the ring as it stands and starts it; again when a replica holds another ring. */
    private void planRead(byte[] key, ConsistencyLevel cl, long deadlineMicros, Consumer<ClientResult> done) {
        int required = cl.blockFor(context.config().replicationFactor());
        MembershipView view = context.membershipView().get();
        List<NodeId> alive = aliveOf(view.readRing().replicasForKey(context.config().partitioner(), key));
        if (alive.size() < required) {
            done.accept(new ClientResult.Unavailable(cl, required, alive.size()));
            return;
        }
        long remaining = deadlineMicros - context.clock().monotonicMicros();
        Runnable replan = () -> later(deadlineMicros, () -> planRead(key, cl, deadlineMicros, done),
                () -> done.accept(new ClientResult.Timeout(cl, required, 0)));
        new ReadHandler(context, this, key, cl, required, alive, view.epoch(), done, replan).start(remaining);
    }

    /**
     * Reads a slice of one partition at {@code cl}: the entries reconciled per key across the replicas
     * asked, read repair of exactly what each lacks, the timeouts, Unavailable and ring epoch rules of
     * {@link #get}. Answers {@link ClientResult.Entries}.
     */
    public void readSlice(SliceQuery query, ConsistencyLevel cl, Consumer<ClientResult> done) {
        readSlice(query, cl, false, done);
    }

    /**
     * As {@link #readSlice(SliceQuery, ConsistencyLevel, Consumer)}; with {@code localFirst} a
     * coordinator that is a live replica of the partition asks itself before the others, primary
     * first after it. For clients that route a key to any of its replicas rather than to its primary
     * (the CQL drivers' token-aware policies pick one at random): at {@code ONE} such a read then
     * takes no network hop.
     */
    public void readSlice(SliceQuery query, ConsistencyLevel cl, boolean localFirst, Consumer<ClientResult> done) {
        Objects.requireNonNull(done, "done");
        ClientResult refusal = refuseRequest(cl);
        if (refusal != null) {
            done.accept(refusal);
            return;
        }
        int factor = context.placement().factorOfKey(query.partitionStart());
        countPlacement(query.token(), factor);
        planEntriesRead(query.token(), factor, sliceRead(query), cl,
                context.clock().monotonicMicros() + context.config().readTimeoutMicros(), localFirst, done);
    }

    /**
     * A read of the partition [{@code partitionStart}, {@code partitionEnd}) of {@code token} at {@code cl}
     * answered by this node alone from the partition as its store holds it in memory
     * ({@link LocalStore#readInMemory}): what {@code reader} makes of it, when {@link #readSlice} would ask
     * this node alone and first (the level needs one replica, and this node is the first live one) and the
     * store holds the partition; else null, and nothing is counted (read it by {@link #readSlice}).
     * A single local answer needs no reconciliation and no read repair, so the answer is the same.
     */
    public <T> T readInMemory(long token, byte[] partitionStart, byte[] partitionEnd, ConsistencyLevel cl,
                              Function<PartitionRecords, T> reader) {
        return readInMemory(token, partitionStart, partitionEnd, cl, false, reader);
    }

    /**
     * As {@link #readInMemory(long, byte[], byte[], ConsistencyLevel, Function)}; with {@code localFirst}
     * when {@link #readSlice(SliceQuery, ConsistencyLevel, boolean, Consumer)} with it would ask this node
     * alone and first: the level needs one replica and this node is any one of the live replicas.
     */
    public <T> T readInMemory(long token, byte[] partitionStart, byte[] partitionEnd, ConsistencyLevel cl,
                              boolean localFirst, Function<PartitionRecords, T> reader) {
        if (refuseRequest(cl) != null) {
            return null;
        }
        int factor = context.placement().factorOfKey(partitionStart);
        List<NodeId> alive = aliveOf(context.membershipView().get().readReplicas(token, factor));
        if (cl.blockFor(factor) != 1 || alive.isEmpty()
                || !(localFirst ? alive.contains(context.self()) : alive.get(0).equals(context.self()))) {
            return null;
        }
        T answer = context.data().readInMemory(token, partitionStart, partitionEnd, reader);
        if (answer != null) {
            requestsAsReplica++; // as countPlacement counts it: this node is one of the partition's replicas
        }
        return answer;
    }

    private EntriesReadHandler.Read sliceRead(SliceQuery q) {
        return new EntriesReadHandler.Read() {
            @Override
            public Message request(long requestId, long ringEpoch) {
                return new SliceReadRequest(requestId, q.token(), q.fromInclusive(), q.toExclusive(), q.reversed(),
                        q.maxEntries(), q.partitionStart(), q.partitionEnd(), ringEpoch);
            }

            @Override
            public EntriesReadHandler.Answer local() {
                LocalStore.PartitionSlice read = context.data().sliceOfPartition(q.token(), q.fromInclusive(),
                        q.toExclusive(), q.reversed(),
                        q.maxEntries() == Integer.MAX_VALUE ? Integer.MAX_VALUE : q.maxEntries() + 1,
                        q.partitionStart(), q.partitionEnd());
                List<LocalStore.Entry> entries = read.entries();
                boolean more = entries.size() > q.maxEntries();
                return new EntriesReadHandler.Answer(more ? entries.subList(0, q.maxEntries()) : entries,
                        read.rangeTombstones(), more);
            }

            @Override
            public Comparator<DecoratedKey> order() {
                return q.reversed() ? Comparator.reverseOrder() : Comparator.naturalOrder();
            }

            @Override
            public int maxEntries() {
                return q.maxEntries();
            }

            @Override
            public Long repairToken() {
                return q.token();
            }
        };
    }

    private void planEntriesRead(long token, int factor, EntriesReadHandler.Read read, ConsistencyLevel cl,
                                 long deadlineMicros, boolean localFirst, Consumer<ClientResult> done) {
        int required = cl.blockFor(factor);
        MembershipView view = context.membershipView().get();
        List<NodeId> alive = aliveOf(view.readReplicas(token, factor));
        int self = localFirst ? alive.indexOf(context.self()) : -1;
        if (self > 0) {
            alive.add(0, alive.remove(self));
        }
        if (alive.size() < required) {
            done.accept(new ClientResult.Unavailable(cl, required, alive.size()));
            return;
        }
        long remaining = deadlineMicros - context.clock().monotonicMicros();
        Runnable replan = () -> later(deadlineMicros, () -> planEntriesRead(token, factor, read, cl, deadlineMicros,
                localFirst, done),
                () -> done.accept(new ClientResult.Timeout(cl, required, 0)));
        new EntriesReadHandler(context, this, read, cl, required, alive, view.epoch(), done, replan)
                .start(remaining);
    }

    /**
     * One page of a scan over the whole ring of the entries whose keys begin with {@code keyPrefix}
     * (a table's entries), in (token, key) order, starting strictly after {@code after} (null: from
     * the start of the ring), at most {@code maxEntries}: the coordinator walks the ring's token
     * ranges, asking {@code cl} replicas of each and reconciling per entry (no read repair). Answers
     * {@link ClientResult.Entries} whose {@code resumeAfter} is the next page's {@code after}, null once
     * the whole ring was read.
     */
    public void scanTable(byte[] keyPrefix, DecoratedKey after, int maxEntries, ConsistencyLevel cl,
                          Consumer<ClientResult> done) {
        Objects.requireNonNull(done, "done");
        ClientResult refusal = refuseRequest(cl);
        if (refusal != null) {
            done.accept(refusal);
            return;
        }
        if (maxEntries <= 0) {
            done.accept(new ClientResult.Invalid("a scan page needs a positive entry limit, got " + maxEntries));
            return;
        }
        List<long[]> segments = TableScans.segments(context.membershipView().get().readRing());
        int index = after == null ? 0 : TableScans.segmentOf(segments, after.token());
        new TableScans(this, keyPrefix, maxEntries, cl, segments, done).scan(index, after);
    }

    /** Reads one chunk of a scan segment ({@code start}, {@code end}]; used by {@link TableScans}. */
    void scanSegment(long start, long end, DecoratedKey after, byte[] keyPrefix, int maxEntries, ConsistencyLevel cl,
                     Consumer<ClientResult> done) {
        EntriesReadHandler.Read read = new EntriesReadHandler.Read() {
            @Override
            public Message request(long requestId, long ringEpoch) {
                return new RangeScanRequest(requestId, start, end, after == null ? 0 : after.token(),
                        after == null ? null : after.key(), keyPrefix, maxEntries, ringEpoch);
            }

            @Override
            public EntriesReadHandler.Answer local() {
                RangeScans.Chunk chunk = RangeScans.localChunk(context.data(), start, end, after, keyPrefix,
                        maxEntries);
                return new EntriesReadHandler.Answer(chunk.entries(), List.of(), !chunk.complete());
            }

            @Override
            public Comparator<DecoratedKey> order() {
                return Comparator.naturalOrder();
            }

            @Override
            public int maxEntries() {
                return maxEntries;
            }

            @Override
            public Long repairToken() {
                return null;
            }
        };
        planEntriesRead(end, context.placement().factorOfKey(keyPrefix), read, cl,
                context.clock().monotonicMicros() + context.config().readTimeoutMicros(), false, done);
    }

    private ClientResult refuse(byte[] key, byte[] value, ConsistencyLevel cl) {
        ClientResult refusal = refuseRequest(cl);
        if (refusal != null) {
            return refusal;
        }
        try {
            Limits.checkKey(key);
            Limits.checkValue(value, context.config().valueSizeBytesMax());
        } catch (InvalidRequestException e) {
            return new ClientResult.Invalid(e.getMessage());
        }
        return null;
    }

    /** Refuses any request while the node does not run or cannot coordinate, or without a consistency level. */
    private ClientResult refuseRequest(ConsistencyLevel cl) {
        NodeId self = context.self();
        if (!context.running().getAsBoolean()) {
            return new ClientResult.Failed("node " + self + " is not running");
        }
        if (cl == null) {
            return new ClientResult.Invalid("consistency level must be given: ONE, TWO, THREE, QUORUM or ALL");
        }
        NodeState state = context.state().get();
        if (state == NodeState.STARTING || state == NodeState.JOINING) {
            // a node joining the ring knows only what gossip told it so far (a partition may have
            // hidden members): coordinating with that ring would send writes to nodes that are no
            // replicas of the key, and acknowledge writes that the real replicas never get
            return new ClientResult.Failed("node " + self + " is " + state + ": it coordinates requests once it has"
                    + " joined the ring (NORMAL); send them to another node");
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

    /**
     * Counts a client request for one partition by where it arrived: at one of the partition's
     * replicas for its keyspace's replication factor {@code factor} (which serves it itself and
     * forwards to the others) or at another node (which forwards it to every replica). Token-aware
     * drivers send nearly every request to a replica.
     */
    private void countPlacement(long token, int factor) {
        if (context.membershipView().get().readReplicas(token, factor).contains(context.self())) {
            requestsAsReplica++;
        } else {
            requestsForwarded++;
        }
    }

    /** Client requests for one partition that arrived at one of its replicas, since this node was built. */
    public long requestsAsReplicaCount() {
        return requestsAsReplica;
    }

    /** Client requests for one partition that arrived at a node that is none of its replicas. */
    public long requestsForwardedCount() {
        return requestsForwarded;
    }

    /** Extra replicas this node asked because the first ones were slow to answer a read. */
    public long speculativeReadCount() {
        return speculativeReads;
    }
}
