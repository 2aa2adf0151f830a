package ringdb.core.node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import ringdb.core.Clock;
import ringdb.core.Invariants;
import ringdb.core.Network;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.catalog.KeyspaceReplication;
import ringdb.core.catalog.Schema;
import ringdb.core.catalog.SchemaChange;
import ringdb.core.catalog.SchemaService;
import ringdb.core.catalog.SchemaStatements;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.data.Cell;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.coordinator.Coordinator;
import ringdb.core.coordinator.CoordinatorContext;
import ringdb.core.coordinator.Replica;
import ringdb.core.coordinator.RequestRegistry;
import ringdb.core.coordinator.SliceQuery;
import ringdb.core.gossip.ApplicationState;
import ringdb.core.gossip.GossipService;
import ringdb.core.gossip.Gossiper;
import ringdb.core.health.StorageHealth;
import ringdb.core.batchlog.Batchlog;
import ringdb.core.batchlog.BatchlogContext;
import ringdb.core.hints.Hints;
import ringdb.core.hints.HintsContext;
import ringdb.core.membership.MembershipView;
import ringdb.core.message.BatchMutationRequest;
import ringdb.core.message.BatchlogRemove;
import ringdb.core.message.BatchlogStore;
import ringdb.core.message.Message;
import ringdb.core.message.MutationRequest;
import ringdb.core.message.MutationResponse;
import ringdb.core.message.RangeDigestRequest;
import ringdb.core.message.RangeScanRequest;
import ringdb.core.message.RangeSyncRequest;
import ringdb.core.message.ReadRequest;
import ringdb.core.message.RingEpochMismatch;
import ringdb.core.message.Response;
import ringdb.core.message.SchemaPull;
import ringdb.core.message.SliceReadRequest;
import ringdb.core.repair.RangeSyncServer;
import ringdb.core.repair.RangeSyncStreamHost;
import ringdb.core.repair.Repair;
import ringdb.core.repair.RepairContext;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.ring.Ring;
import ringdb.core.store.LocalStore;
import ringdb.core.store.PartitionRecords;
import ringdb.core.system.SystemStore;
import ringdb.core.topology.Startup;
import ringdb.core.topology.Topology;

/**
 * The node state machine: wires its parts and dispatches its inputs (client requests, peer
 * messages, lifecycle calls) to them. The parts: the {@link Coordinator} and {@link Replica} (read
 * and write paths), {@link Hints} (hinted handoff), {@link Repair} and {@link RangeSyncServer}
 * (range sync for repair and the recovery catch-up), {@link GossipService} (gossip with a phi
 * accrual failure detector), {@link RingState} (the ring as gossip shows it) and {@link Topology}
 * (join, decommission, removenode, replace, cleanup). Each part is handed a context holding only
 * what it acts through; none of them sees the Node (topology's {@link TopologyBinding} reads the
 * node's own state through a few package-private methods).
 *
 * <p>Threading: every method must be called on the node's own thread (the simulator's loop or the
 * real runtime's single node executor), as must the {@link Timers} tasks and the {@link LocalStore}
 * completions. No locks; no I/O of its own: it acts only through what it was constructed with.
 * Client callbacks ({@code done}) run on the node's thread, possibly before the call returns (for
 * an invalid request, or when the answer is local), and exactly once per request.
 */
public final class Node {
    /** Pass as a timestamp to let the coordinator stamp the mutation. */
    public static final long COORDINATOR_TIMESTAMP = Coordinator.COORDINATOR_TIMESTAMP;
    /** At most this many gossip exchanges per peer and gossip interval opened by ring epoch refusals. */
    static final int RING_EXCHANGE_PER_INTERVAL_MAX = 20;

    private final NodeId id;
    private final NodeConfig config;
    private final Clock clock;
    private final Timers timers;
    private final Random random;
    private final LocalStore data;
    private final SystemStore system;
    private final NodeListener listener;
    private final RequestRegistry requests;
    private final GossipService gossip;
    private final Hints hints;
    private final Coordinator coordinator;
    private final Batchlog batchlog;
    private final Replica replica;
    private final Repair repair;
    private final RangeSyncServer rangeSyncServer;
    private final RingState ringState;
    private final RangeSyncStreamHost streamHost;
    private final Topology topology;
    private final Network network;
    private final StorageHealth health;
    private final SchemaService schema;
    /** The replication factor each data key is placed with (its keyspace's, at most the cluster's). */
    private final KeyspaceReplication placement;
    private long[] tokens = new long[0];
    private NodeState state = NodeState.STARTING;
    private final Map<NodeId, Long> lastRingExchange = new HashMap<>();
    private long ringEpochRefusals;
    private boolean running;
    private long generation;
    /** Set when gossip showed that this node was removed while it was down (acted on after the message). */
    private String removedNotice;
    /** Whether {@link #removedNotice} is about this node's join, aborted (abort-bootstrap) while it was down. */
    private boolean removedWhileJoining;

    /**
     * A node whose request ids come from a seed made of its id and its clock's time: repeatable under
     * a simulated clock, but guessable under a real one (the real runtime passes a secret seed).
     */
    public Node(NodeId id, NodeConfig config, Clock clock, Timers timers, Network network, Random random,
                LocalStore data, LocalStore hints, NodeListener listener) {
        this(id, config, clock, timers, network, random, data, hints, listener,
                id.id().hashCode() * 0x9E3779B97F4A7C15L ^ clock.nowMicros());
    }

    /** {@code requestIdSeed} seeds the ids of this node's requests (answers must name them: keep it secret). */
    public Node(NodeId id, NodeConfig config, Clock clock, Timers timers, Network network, Random random,
                LocalStore data, LocalStore hints, NodeListener listener, long requestIdSeed) {
        this.requests = new RequestRegistry(requestIdSeed);
        this.id = Objects.requireNonNull(id, "id");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timers = Objects.requireNonNull(timers, "timers");
        this.network = Objects.requireNonNull(network, "network");
        this.random = Objects.requireNonNull(random, "random");
        this.data = Objects.requireNonNull(data, "data");
        Objects.requireNonNull(hints, "hints");
        this.listener = listener == null ? NodeListener.NONE : listener;
        this.system = new SystemStore(hints);
        this.gossip = new GossipService(new GossipService.Settings(id, config.seeds(), config.gossipIntervalMicros(),
                config.phiConvictThreshold()), clock, timers, network, random, this::isRunning,
                () -> data.stats().liveBytes(), peerEvents());
        this.hints = new Hints(new HintsContext(id, config, clock, timers, network, requests, hints, gossip,
                this::isRunning, this::generation, this::emit, hintPlacement()));
        this.placement = new KeyspaceReplication(config.replicationFactor(), this::schema);
        this.coordinator = new Coordinator(new CoordinatorContext(id, config, clock, timers, network, requests, data,
                gossip, this::isRunning, this::state, this::membershipView, this.hints::store, placement));
        this.replica = new Replica(data, network, this::isRunning, this::emit);
        this.batchlog = new Batchlog(new BatchlogContext(id, config, clock, timers, network, random, requests, hints,
                this::liveOthers, this::ringHasOthers,
                this::isRunning, this::generation, this::emit, coordinator::mutate, coordinator::mutationRefusal));
        RepairContext repairContext = new RepairContext(id, config, timers, network, requests, data, gossip,
                this::isRunning, this::ring, this::ringEpoch, this::emit, placement);
        this.repair = new Repair(repairContext);
        this.rangeSyncServer = new RangeSyncServer(repairContext);
        this.ringState = new RingState(id, config.replicationFactor(), system, coordinator::nextTimestampMicros,
                this::emit);
        this.streamHost = new RangeSyncStreamHost(id, clock, timers, network, requests, data,
                peer -> running && gossip.isAlive(peer), this::ringEpoch, this::emit, this::persistStreamProgress,
                key -> placement.factorOfKey(key) >= config.replicationFactor() || writeTargets(key).contains(id));
        this.topology = new Topology(new TopologyBinding(this, gossip, this.hints, system, data, streamHost, repair));
        this.schema = new SchemaService(new SchemaService.Context(id, config.replicationFactor(), network, requests,
                timers, gossip, system, this::isRunning, coordinator::nextTimestampMicros,
                digest -> gossip.setRuntimeState(ApplicationState.SCHEMA, digest), this::peerSchemaDigest,
                change -> this.listener.onSchemaChange(change), this::emit, config.readTimeoutMicros(),
                config.gossipIntervalMicros()));
        this.health = new StorageHealth(config.diskFailurePolicy(), config.commitFailurePolicy(),
                (kind, subject, detail) -> emit(kind, subject == null ? id : subject, detail), healthActions());
        data.onFailure(health::onFailure);
    }

    /** The replicas a write of {@code key} goes to now, for its keyspace's factor (pending ones included). */
    private List<NodeId> writeTargets(byte[] key) {
        return ringState.view().writePlan(DecoratedKey.of(config.partitioner(), key).token(),
                placement.factorOfKey(key)).targets();
    }

    /** Where hints go on this node's ring (read at each call: the ring state is built after the hints). */
    private HintsContext.Placement hintPlacement() {
        return new HintsContext.Placement() {
            @Override
            public long ringEpoch() {
                return ringState.view().epoch();
            }

            @Override
            public boolean isMember(NodeId node) {
                return ringState.view().natural().members().contains(node);
            }

            @Override
            public List<NodeId> writeTargets(byte[] key) {
                return Node.this.writeTargets(key);
            }

            @Override
            public boolean isDropped(byte[] key) {
                return placement.isDroppedKey(key);
            }

            @Override
            public void applyLocally(byte[] key, Cell cell) {
                data.apply(key, cell, error -> {
                    if (error != null) {
                        emit(NodeEvent.Kind.ERROR, id, "hint handed over to this node not applied: "
                                + error.getMessage());
                    }
                });
            }
        };
    }

    /** What the storage failure policies do to this node. */
    private StorageHealth.Actions healthActions() {
        return new StorageHealth.Actions() {
            @Override
            public void stopServing(String reason) {
                stop("node " + id + " stopped serving after a " + reason);
            }

            @Override
            public void die(String reason) {
                // stop answering at once, without a gossip goodbye (as a crash): the runtime ends it next
                running = false;
                state = NodeState.DOWN;
                requests.abortAll("node " + id + " is ending its process: " + reason);
                emit(NodeEvent.Kind.DIE, id, reason);
            }

            @Override
            public boolean quarantine(String table, String reason) {
                return data.quarantine(table, reason);
            }

            @Override
            public void repairRanges(String reason) {
                repair.queueRepair(reason);
            }
        };
    }

    public NodeId id() {
        return id;
    }

    public NodeConfig config() {
        return config;
    }

    public boolean isRunning() {
        return running;
    }

    public long generation() {
        return generation;
    }

    // ---- lifecycle ----

    /** Starts a new generation: gossip, the failure detector, hint replay and the recovery catch-up. */
    public void start() {
        Invariants.check(!running, "node %s started twice", id);
        generation = system.nextGeneration(clock, generation, error -> {
            if (error != null) {
                emit(NodeEvent.Kind.ERROR, id, "generation not durable: " + error.getMessage());
            }
        });
        ringState.clear();
        hints.clearIndex();
        batchlog.clearIndex();
        system.load(id, ringState::loaded, schema::loaded, entry -> {
            if (Batchlog.isBatchlogKey(entry.key().key())) {
                batchlog.index(entry);
            } else {
                hints.index(entry);
            }
        });
        schema.publish();
        Startup startup = topology.load();
        state = startup.state();
        tokens = startup.tokens().clone();
        if (state == NodeState.REMOVED) {
            boolean aborted = topology.joinAborted();
            refuseAsRemoved(aborted ? id + "'s join was aborted (abort-bootstrap)"
                    : id + " was removed from the ring (removenode)", aborted);
            return;
        }
        removedNotice = null;
        gossip.start(generation, state.name(), tokens, startup.replacing());
        ringState.forEachRemoved(gossip.gossiper());
        ringState.forEachRemembered(gossip.gossiper());
        running = true;
        repair.resetRecovery();
        ringState.update(id, gossip.gossiper().state(id));
        ringState.invalidate();
        emit(NodeEvent.Kind.STARTED, id, "generation " + generation + ", " + tokens.length + " tokens, " + state);
        gossip.scheduleRounds();
        hints.start();
        batchlog.start();
        if (state == NodeState.NORMAL) {
            repair.scheduleRecovery();
        } else if (state == NodeState.LEFT) {
            emit(NodeEvent.Kind.ERROR, id, id + " has left the ring; it serves no data (wipe its data to join again)");
        }
        topology.start();
    }

    /**
     * This node was removed from the ring (removenode) while it was down, or its records say so: it
     * serves nothing and does not rejoin under its id (its ranges went to other nodes; rejoining with
     * its old data would let two coordinators plan with rings that disagree). It records that durably,
     * says why (an ERROR event, then a REMOVED event about itself: the runtime ends its process) and
     * stops.
     */
    private void refuseAsRemoved(String what, boolean joinAborted) {
        String reason = what + "; it refuses to serve or rejoin the ring under its id: wipe its data directory"
                + " and start it at a new internode address to bootstrap it as a new node";
        if (joinAborted) {
            topology.recordJoinAborted(tokens);
        } else {
            topology.recordRemoved(tokens);
        }
        state = NodeState.REMOVED;
        emit(NodeEvent.Kind.ERROR, id, reason);
        stop(reason);
        state = NodeState.REMOVED;
        emit(NodeEvent.Kind.REMOVED, id, reason);
    }

    /** Announces the shutdown through gossip, fails requests in flight, cancels timers. */
    public void stop() {
        stop("node " + id + " stopped");
    }

    /** {@link #stop()}, failing the requests in flight with {@code reason}. */
    private void stop(String reason) {
        if (!running) {
            return;
        }
        gossip.stop();
        running = false;
        state = NodeState.DOWN;
        hints.stop();
        batchlog.stop();
        topology.stop();
        requests.abortAll(reason);
        repair.stop(reason);
        emit(NodeEvent.Kind.STOPPED, id, "generation " + generation);
    }

    /** Sets an application state spread by gossip (e.g. "http" → "127.0.0.1:8081"); kept across restarts. */
    public void setLocalApplicationState(String name, String value) {
        gossip.setRuntimeState(name, value);
    }

    /** Every inbound message. Ignored before start and after stop. */
    public void receive(NodeId from, Message message) {
        if (!running) {
            return;
        }
        if (gossip.gossiper().handle(from, message)) {
            if (removedNotice != null) {
                refuseAsRemoved(removedNotice, removedWhileJoining);
            }
            return;
        }
        if (message instanceof Response response) {
            requests.dispatch(from, response.requestId(), response);
        } else if (message instanceof MutationRequest mutation) {
            String refusal = health.writeRefusal();
            if (refusedForRing(from, mutation.requestId(), mutation.ringEpoch())) {
                return;
            } else if (refusal == null) {
                replica.onMutation(from, mutation);
            } else if (mutation.requestId() != 0) {
                network.send(from, new MutationResponse(mutation.requestId(), "node " + id + ": " + refusal));
            }
        } else if (message instanceof ReadRequest read) {
            if (!refusedForRing(from, read.requestId(), read.ringEpoch())) {
                replica.onRead(from, read);
            }
        } else if (message instanceof BatchMutationRequest batch) {
            schema.whenTableKnown(batch.entries().get(0).key().key(), from, () -> onBatchMutation(from, batch));
        } else if (message instanceof SliceReadRequest slice) {
            schema.whenTableKnown(slice.partitionStart(), from, () -> {
                if (running && !refusedForRing(from, slice.requestId(), slice.ringEpoch())) {
                    replica.onSliceRead(from, slice);
                }
            });
        } else if (message instanceof RangeScanRequest scan) {
            if (!refusedForRing(from, scan.requestId(), scan.ringEpoch())) {
                replica.onRangeScan(from, scan);
            }
        } else if (message instanceof BatchlogStore store) {
            String refusal = health.writeRefusal();
            if (refusal == null) {
                batchlog.onStore(from, store);
            } else if (store.requestId() != 0) {
                network.send(from, new MutationResponse(store.requestId(), "node " + id + ": " + refusal));
            }
        } else if (message instanceof BatchlogRemove remove) {
            batchlog.onRemove(remove);
        } else if (message instanceof SchemaPull pull) {
            schema.onPull(from, pull);
        } else if (message instanceof RangeSyncRequest sync) {
            if (!refusedForRing(from, sync.requestId(), sync.ringEpoch())) {
                rangeSyncServer.serveRangeSync(from, sync);
            }
        } else if (message instanceof RangeDigestRequest digest) {
            if (!refusedForRing(from, digest.chunk().requestId(), digest.chunk().ringEpoch())) {
                rangeSyncServer.serveRangeDigest(from, digest);
            }
        }
    }

    private void onBatchMutation(NodeId from, BatchMutationRequest batch) {
        String refusal = health.writeRefusal();
        if (!running || refusedForRing(from, batch.requestId(), batch.ringEpoch())) {
            return;
        } else if (refusal == null) {
            replica.onBatchMutation(from, batch);
        } else if (batch.requestId() != 0) {
            network.send(from, new MutationResponse(batch.requestId(), "node " + id + ": " + refusal));
        }
    }

    /**
     * Whether a request planned with ring epoch {@code epoch} is refused because this node's ring
     * differs: then the sender gets a {@link RingEpochMismatch} (it plans the request again and
     * counts no acknowledgement from here) and a gossip exchange (at most one per peer every
     * twentieth of a gossip interval), after which both know the ring changes either knew.
     */
    private boolean refusedForRing(NodeId from, long requestId, long epoch) {
        long mine = ringState.view().epoch();
        if (epoch == MutationRequest.NO_RING_CHECK || epoch == mine) {
            return false;
        }
        ringEpochRefusals++;
        if (requestId != 0) {
            network.send(from, new RingEpochMismatch(requestId, mine));
        }
        long now = clock.monotonicMicros();
        Long last = lastRingExchange.get(from);
        if (last == null || now - last >= config.gossipIntervalMicros() / RING_EXCHANGE_PER_INTERVAL_MAX) {
            lastRingExchange.put(from, now);
            gossip.gossiper().exchangeWith(from);
        }
        return true;
    }

    /** The epoch of the ring this node plans and accepts requests with (see {@link MembershipView#epoch}). */
    public long ringEpoch() {
        return ringState.view().epoch();
    }

    /** Requests this node refused since it was built because their coordinator planned them on another ring. */
    public long ringEpochRefusals() {
        return ringEpochRefusals;
    }

    /** Requests this node coordinated and planned again because a replica held another ring. */
    public long ringReplans() {
        return coordinator.replanCount();
    }

    // ---- client requests ----

    public void put(byte[] key, byte[] value, ConsistencyLevel cl, long timestampMicros, Consumer<ClientResult> done) {
        if (!refused(health.writeRefusal(), done)) {
            coordinator.put(key, value, cl, timestampMicros, done);
        }
    }

    public void delete(byte[] key, ConsistencyLevel cl, long timestampMicros, Consumer<ClientResult> done) {
        if (!refused(health.writeRefusal(), done)) {
            coordinator.delete(key, cl, timestampMicros, done);
        }
    }

    public void get(byte[] key, ConsistencyLevel cl, Consumer<ClientResult> done) {
        if (!refused(health.stopReason(), done)) {
            coordinator.get(key, cl, done);
        }
    }

    /**
     * Writes entries of one partition as one mutation (see {@link Coordinator#mutate}); stamp them with
     * {@link #nextTimestampMicros()} (or a client's timestamp).
     */
    public void mutate(List<LocalStore.Entry> entries, ConsistencyLevel cl, Consumer<ClientResult> done) {
        if (!refused(health.writeRefusal(), done)) {
            coordinator.mutate(entries, cl, done);
        }
    }

    /**
     * Writes several partitions (each the entries of one, stamped as for {@link #mutate}) as one logged
     * batch through the batch log ({@link Batchlog#write}): all of them are written eventually, or none.
     */
    public void mutateLogged(List<List<LocalStore.Entry>> partitions, ConsistencyLevel cl,
                             Consumer<Batchlog.Result> done) {
        String refusal = health.writeRefusal();
        if (refusal != null) {
            done.accept(new Batchlog.Result(new ClientResult.Failed(refusal), false));
        } else {
            batchlog.write(partitions, cl, done);
        }
    }

    private boolean ringHasOthers() {
        return ringState.view().natural().members().stream().anyMatch(member -> !member.equals(id));
    }

    /** The ring members other than this node that the failure detector holds up, in id order. */
    private List<NodeId> liveOthers() {
        List<NodeId> out = new ArrayList<>();
        for (NodeId member : ringState.view().natural().members()) {
            if (!member.equals(id) && isAlive(member)) {
                out.add(member);
            }
        }
        return out;
    }

    /** Batches this node holds in its batch log for their coordinators. */
    public int batchlogHeldCount() {
        return batchlog.heldCount();
    }

    /** Logged batches this node coordinated that its batch log holders took. */
    public long batchlogLoggedCount() {
        return batchlog.loggedCount();
    }

    /** Batches this node replayed from its batch log because their coordinator did not remove them. */
    public long batchlogReplayedCount() {
        return batchlog.replayedCount();
    }

    /** This node's batch log figures (coordinated, held, replayed...); safe to read from any thread. */
    public Batchlog.Figures batchlogFigures() {
        return batchlog.figures();
    }

    /** Reads a slice of one partition (see {@link Coordinator#readSlice}). */
    public void readSlice(SliceQuery query, ConsistencyLevel cl, Consumer<ClientResult> done) {
        if (!refused(health.stopReason(), done)) {
            coordinator.readSlice(query, cl, done);
        }
    }

    /**
     * A read of one partition this node answers alone from memory (see {@link Coordinator#readInMemory}),
     * or null: read it by {@link #readSlice}.
     */
    public <T> T readInMemory(long token, byte[] partitionStart, byte[] partitionEnd, ConsistencyLevel cl,
                              Function<PartitionRecords, T> reader) {
        return health.stopReason() != null ? null
                : coordinator.readInMemory(token, partitionStart, partitionEnd, cl, reader);
    }

    /**
     * As {@link #readInMemory}, for a read that asks this node first when it is a live replica
     * ({@link #readSliceLocalFirst}): null when it is none, or the read cannot be answered from memory.
     */
    public <T> T readInMemoryLocalFirst(long token, byte[] partitionStart, byte[] partitionEnd, ConsistencyLevel cl,
                                        Function<PartitionRecords, T> reader) {
        return health.stopReason() != null ? null
                : coordinator.readInMemory(token, partitionStart, partitionEnd, cl, true, reader);
    }

    /** Reads a slice of one partition, asking this node first when it is a live replica (see {@link Coordinator}). */
    public void readSliceLocalFirst(SliceQuery query, ConsistencyLevel cl, Consumer<ClientResult> done) {
        if (!refused(health.stopReason(), done)) {
            coordinator.readSlice(query, cl, true, done);
        }
    }

    /** One page of a scan of a table's entries over the whole ring (see {@link Coordinator#scanTable}). */
    public void scanTable(byte[] keyPrefix, DecoratedKey after, int maxEntries, ConsistencyLevel cl,
                          Consumer<ClientResult> done) {
        if (!refused(health.stopReason(), done)) {
            coordinator.scanTable(keyPrefix, after, maxEntries, cl, done);
        }
    }

    /** This node's clock, microseconds since the epoch (a coordinator fixes TTL expiries with it). */
    public long nowMicros() {
        return clock.nowMicros();
    }

    /** A timestamp for a mutation this node coordinates: strictly increasing, at least its clock. */
    public long nextTimestampMicros() {
        return coordinator.nextTimestampMicros();
    }

    // ---- schema ----

    /** The replication factor each data key is placed with: its keyspace's, at most the cluster's. */
    public KeyspaceReplication placement() {
        return placement;
    }

    /** The schema this node holds now (keyspaces, tables; the built-in ones included). */
    public Schema schema() {
        return schema.schema();
    }

    /**
     * Runs a schema statement (see {@link SchemaStatements}): stamped after everything the schema
     * holds, stored, spread to the live peers. {@code done} gets the changes (empty when IF [NOT] EXISTS
     * made it a no-op) once durable here, or the failure ({@link ringdb.core.catalog.SchemaException}
     * saying what is wrong); each change also goes to the {@link NodeListener}.
     */
    public void changeSchema(SchemaService.Statement statement,
                             BiConsumer<List<SchemaChange>, RuntimeException> done) {
        if (!running) {
            done.accept(null, new IllegalStateException("node " + id + " is not running"));
            return;
        }
        schema.execute(statement, done);
    }

    /** Schema exchanges with peers this node started since it was built. */
    public long schemaExchangeCount() {
        return schema.exchangeCount();
    }

    private String peerSchemaDigest(NodeId peer) {
        var state = gossip.gossiper() == null ? null : gossip.gossiper().state(peer);
        return state == null ? null : state.get(ApplicationState.SCHEMA);
    }

    /** Answers Failed with the storage failure that stopped this kind of request, if any. */
    private boolean refused(String refusal, Consumer<ClientResult> done) {
        if (refusal == null) {
            return false;
        }
        Objects.requireNonNull(done, "done");
        done.accept(new ClientResult.Failed("node " + id + ": " + refusal));
        return true;
    }

    /** Synchronises every range this node replicates from every other live replica; answers Repaired or Failed. */
    public void repair(Consumer<ClientResult> done) {
        repair.repair(done);
    }

    /** The running range sync (a repair, or the catch-up after start), or null; see {@link Repair#progress}. */
    public Repair.Progress repairProgress() {
        return repair.progress();
    }

    // ---- state ----

    /** The current ring view, rebuilt from gossip when membership or tokens changed. */
    public Ring ring() {
        return ringState.ring();
    }

    /** The ring and the membership changes in progress, as gossip shows them to this node. */
    public MembershipView membershipView() {
        return ringState.view();
    }

    /** This node's membership state (cheap; {@link #status()} has it too). */
    public NodeState state() {
        return state;
    }

    public NodeStatus status() {
        Ring current = ringState.ring();
        long now = clock.nowMicros();
        Gossiper gossiper = gossip.gossiper();
        List<PeerStatus> peers = gossiper == null ? List.of() : PeerStatus.of(gossiper, id, clock.monotonicMicros());
        Map<String, String> localStates = gossiper == null ? Map.of() : gossiper.local().values();
        long heartbeat = gossiper == null ? 0 : gossiper.local().heartbeatVersion();
        List<Long> tokenList = new ArrayList<>(tokens.length);
        for (long token : tokens) {
            tokenList.add(token);
        }
        return new NodeStatus(id, generation, heartbeat, state, tokenList, hints.pendingCount(), data.stats(), peers,
                ringState.version(), current.digest(), repair.recoveryDone(), localStates, now, topology.streams(),
                movesInProgress(), storageHealth(), hints.handedOverCount(), hints.droppedCount());
    }

    /** The moves under way as this node's ring shows them, then the progress barriers it waits at. */
    private List<String> movesInProgress() {
        List<String> out = new ArrayList<>(ringState.view().describeMoves());
        out.addAll(topology.barrierWaits());
        return out;
    }

    /**
     * How this node's storage failure policies left it: serving, refusing writes (commit log failed,
     * {@code stop_commit}), stopped or dead, why, and the tables its store holds in quarantine.
     */
    public StorageHealth.Status storageHealth() {
        return health.status(data.quarantinedTables());
    }

    /** Extra replicas this node asked because the first ones were slow to answer a read. */
    public long requestsAsReplicaCount() {
        return coordinator.requestsAsReplicaCount();
    }

    public long requestsForwardedCount() {
        return coordinator.requestsForwardedCount();
    }

    public long speculativeReadCount() {
        return coordinator.speculativeReadCount();
    }

    /** Read repairs this node sent as a coordinator since it was built. */
    public long readRepairCount() {
        return coordinator.readRepairCount();
    }

    /**
     * Responses dropped since this node was built because they came from a node their request did
     * not go to (a forged or misrouted answer). Safe to read from any thread.
     */
    public long unexpectedResponseCount() {
        return requests.unexpectedResponses();
    }

    /** Gossip states refused since this node was built (a generation more than a year ahead). Any thread. */
    public long refusedGossipStateCount() {
        return gossip.refusedStates();
    }

    /** Hints delivered since this node was built. */
    public long hintsDeliveredCount() {
        return hints.deliveredCount();
    }

    /** Hints this node handed over to the new owners of a range since it was built (see {@link Hints#handOver}). */
    public long hintsHandedOverCount() {
        return hints.handedOverCount();
    }

    /** Hints this node dropped since it was built (window passed, bounds, no new owner for a former member's). */
    public long hintsDroppedCount() {
        return hints.droppedCount();
    }

    /** Hint deliveries refused by a target whose ring differed (each replay then planned again). */
    public long hintRingRefusalCount() {
        return hints.ringRefusalCount();
    }

    /** Whether this node's failure detector holds {@code peer} up. */
    public boolean isAlive(NodeId peer) {
        return gossip.gossiper() != null && running && gossip.isAlive(peer);
    }

    void emit(NodeEvent.Kind kind, NodeId subject, String detail) {
        listener.onEvent(new NodeEvent(clock.nowMicros(), id, kind, subject, detail));
    }

    /** What gossip's news does to this node; built in a method, as it reaches parts built after gossip. */
    private PeerEvents peerEvents() {
        return new PeerEvents(peer -> {
            ringState.update(peer, gossip.gossiper().state(peer));
            schema.onPeerChanged(peer);
        }, peer -> {
            hints.replay(peer);
            schema.onPeerChanged(peer);
        }, this::isRunning, this::emit, this::noticeRemovedWhileDown);
    }

    /**
     * Peers hold an earlier generation of this node marked {@code status} by a removal: acted on once the
     * message that brought it is handled. A node still joining was not removed (removenode refuses a node
     * that is not a member): its join was aborted (abort-bootstrap).
     */
    private void noticeRemovedWhileDown(long removedGeneration, String status) {
        removedWhileJoining = state == NodeState.JOINING || state == NodeState.STARTING;
        removedNotice = id + (removedWhileJoining ? "'s join was aborted (abort-bootstrap)"
                : " was removed from the ring (removenode)") + " while it was down: its peers hold its generation "
                + removedGeneration + " " + status;
    }

    // ---- topology: join, decommission, removenode, replace, cleanup ----

    /**
     * Leaves the ring: announces LEAVING, waits until the nodes that gain its ranges streamed them,
     * announces LEFT, then stops. Answers Completed once left, or Failed at once when refused (not
     * NORMAL, the ring would drop below the replication factor, a conflicting move is under way).
     */
    public void decommission(Consumer<ClientResult> done) {
        if (runningElseRefuse(done)) {
            topology.decommission(done);
        }
    }

    /**
     * Cancels the decommission running on this node while no node that gains its ranges finished
     * streaming them: the node announces NORMAL again and the decommission answers Failed. Returns
     * null when cancelled, or why it cannot be (none running, past streaming). Node thread only.
     */
    public String cancelDecommission() {
        return topology.cancelDecommission();
    }

    /**
     * Cancels the removal of the dead node {@code dead} (run by this node or another) while no node
     * that gains its ranges finished streaming them: {@code dead} is NORMAL (and down) in the ring
     * again. Returns null when cancelled, or why it cannot be (no removal of it, past streaming). A
     * node that came back during its removal and learned of it stays out (its records say REMOVED).
     * Node thread only.
     */
    public String cancelRemoval(NodeId dead) {
        return running ? topology.cancelRemoval(dead) : "node " + id + " is not running";
    }

    /**
     * Aborts the join of {@code joining}, a node that is down and whose reads have not moved to it
     * (Cassandra's {@code nodetool abortbootstrap}): it is marked REMOVED on its behalf, so it is no
     * longer a pending replica in any ring, and on its return it learns its join was aborted and stops
     * (it must start again as a new node). Returns null when aborted, or why not (alive, not joining,
     * a replacement, reads moved). Node thread only.
     */
    public String abortJoin(NodeId joining) {
        return running ? topology.abortJoin(joining) : "node " + id + " is not running";
    }

    /**
     * Removes the dead node {@code dead} from the ring: its ranges are re-replicated from the
     * surviving replicas to the nodes that gain them, then it is marked REMOVED, and {@code done} is
     * answered once the replicas of its ranges know it (this node stopping before then answers
     * Failed: run it again). Refused (Failed at once) when {@code dead} is alive, unknown, this node,
     * or the ring would drop below the replication factor, or a conflicting move is under way.
     * Running it again on another node resumes a removal whose coordinator died.
     */
    public void removeNode(NodeId dead, Consumer<ClientResult> done) {
        Objects.requireNonNull(dead, "dead");
        if (runningElseRefuse(done)) {
            topology.removeNode(dead, done);
        }
    }

    /**
     * Drops the local data of ranges this node no longer replicates (after nodes joined). Refused
     * while membership changes are in progress. Synchronous in the store.
     */
    public void cleanup(Consumer<ClientResult> done) {
        if (runningElseRefuse(done)) {
            topology.cleanup(done);
        }
    }

    private boolean runningElseRefuse(Consumer<ClientResult> done) {
        Objects.requireNonNull(done, "done");
        if (!running) {
            done.accept(new ClientResult.Failed("node " + id + " is not running"));
        }
        return running;
    }

    private void persistStreamProgress(String moveId, Set<String> completed) {
        topology.persistStreamProgress(moveId, completed);
    }

    /** Publishes this node's membership state and tokens through gossip. */
    void announceMembership(NodeState newState, long[] newTokens, NodeId replacing) {
        state = newState;
        tokens = newTokens.clone();
        gossip.announce(newState.name(), tokens, replacing);
    }

    long[] tokens() {
        return tokens.clone();
    }

    Timers timers() {
        return timers;
    }

    Random random() {
        return random;
    }

    Clock clock() {
        return clock;
    }
}
