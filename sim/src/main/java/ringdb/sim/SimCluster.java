package ringdb.sim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.data.Cell;
import ringdb.core.node.Node;
import ringdb.core.node.NodeConfig;
import ringdb.core.node.NodeEvent;
import ringdb.core.store.LocalStore;
import ringdb.storage.StorageConfig;
import ringdb.storage.disk.SimDisk;

/**
 * A whole ringdb cluster in one thread: N real {@link Node}s over a {@link SimNetwork}, each with
 * its own {@link SimClock} and storage engines on a simulated disk, driven by one
 * {@link SimScheduler}. Every random choice derives from {@link #seed()}, so a run is reproduced
 * exactly by its seed: same events, same {@link #traceHash()}.
 *
 * <p>Use: build, start operations with {@link #put}/{@link #get}/{@link #delete} (they run at the
 * current simulated time and return a {@link SimFuture}), advance time with {@link #runUntil},
 * {@link #runFor} or {@link #step}, inject faults with {@link #fail}, {@link #recover},
 * {@link #network()} and {@link #clock}. Threading: one thread only; not thread-safe.
 */
public final class SimCluster implements AutoCloseable {
    private final long seed;
    private final Builder settings;
    private final SimScheduler scheduler = new SimScheduler();
    private final TraceHash trace = new TraceHash();
    private final Random random;
    private final SimNetwork network;
    private final Map<NodeId, SimNode> nodes = new LinkedHashMap<>();
    private final List<NodeId> nodeIds = new ArrayList<>();
    private final List<SimListener> listeners = new ArrayList<>();
    private final List<UnhandledException> unhandledExceptions = new ArrayList<>();
    private final ClockSkewMonitor skewMonitor;

    private SimCluster(Builder builder) {
        this.seed = builder.seed;
        this.settings = builder;
        this.random = new Random(builder.seed);
        this.network = new SimNetwork(scheduler, new Random(random.nextLong()), trace);
        this.skewMonitor = new ClockSkewMonitor(this, builder.clockSkewBoundMicros);
        for (int i = 1; i <= builder.nodes; i++) {
            createNode();
        }
    }

    private SimNode createNode() {
        int index = nodeIds.size();
        NodeId id = NodeId.of("node" + (index + 1));
        SimStorage storage = new SimStorage(new Random(random.nextLong()),
                new SimTimers(scheduler, task -> runOn(id, task)), settings.diskSyncLatencyMicros,
                settings.storageConfig.apply(defaultStorageConfig().toBuilder()).build());
        SimNode simNode = new SimNode(id, index, new SimClock(scheduler), storage);
        nodes.put(id, simNode);
        nodeIds.add(id);
        return simNode;
    }

    public static Builder builder() {
        return new Builder();
    }

    private void startAll() {
        for (NodeId id : nodeIds) {
            start(nodes.get(id));
        }
        skewMonitor.start();
    }

    // ---- identity and state ------------------------------------------------------------------

    public long seed() {
        return seed;
    }

    /** The nodes, node1..nodeN, alive or not. */
    public List<NodeId> nodeIds() {
        return Collections.unmodifiableList(nodeIds);
    }

    /** The running node; throws {@link IllegalStateException} when it is down (see {@link #isAlive}). */
    public Node node(NodeId id) {
        SimNode simNode = simNode(id);
        if (!simNode.isAlive()) {
            throw new IllegalStateException(id + " is down; check isAlive() first");
        }
        return simNode.node;
    }

    public boolean isAlive(NodeId id) {
        return simNode(id).isAlive();
    }

    /** The node's data engine (readable only while the node is up). */
    public LocalStore store(NodeId id) {
        SimNode simNode = simNode(id);
        if (!simNode.isAlive()) {
            throw new IllegalStateException(id + " is down; its store is closed");
        }
        return simNode.data;
    }

    /** The node's hints engine (readable only while the node is up). */
    public LocalStore hintsStore(NodeId id) {
        node(id);
        return simNode(id).hints;
    }

    /** The node's clock, to skew, drift or jump it. It survives crashes. */
    public SimClock clock(NodeId id) {
        return simNode(id).clock;
    }

    /** How many times the node was (re)started: 1 after the first start. */
    public int incarnation(NodeId id) {
        return simNode(id).incarnation;
    }

    public SimNetwork network() {
        return network;
    }

    public SimScheduler scheduler() {
        return scheduler;
    }

    /** Current simulated time, microseconds since the simulation started. */
    public long nowMicros() {
        return scheduler.nowMicros();
    }

    /** A running hash over every delivered message, timer firing and node event so far. */
    public long traceHash() {
        return trace.value();
    }

    /** A new random source derived from the seed (draws happen in call order, so call deterministically). */
    public Random newRandom() {
        return new Random(random.nextLong());
    }

    /** Exceptions nodes threw while handling events; a correct run has none. */
    public List<UnhandledException> unhandledExceptions() {
        return Collections.unmodifiableList(unhandledExceptions);
    }

    /** The clock-skew alarms raised so far (clocks of alive nodes further apart than the bound). */
    public List<ClockSkewMonitor.Alarm> clockSkewAlarms() {
        return skewMonitor.alarms();
    }

    /** Largest difference between the clocks of alive nodes right now, in microseconds. */
    public long clockSkewMicros() {
        return skewMonitor.currentSkewMicros();
    }

    public void addListener(SimListener listener) {
        listeners.add(listener);
        network.addListener(listener);
    }

    private SimNode simNode(NodeId id) {
        SimNode simNode = nodes.get(id);
        if (simNode == null) {
            throw new IllegalArgumentException("unknown node " + id + "; the cluster has " + nodeIds);
        }
        return simNode;
    }

    Iterable<SimNode> simNodes() {
        return nodes.values();
    }

    // ---- client operations -------------------------------------------------------------------

    /** Writes {@code value} under {@code key} through {@code coordinator}, stamped by the coordinator. */
    public SimFuture<ClientResult> put(NodeId coordinator, byte[] key, byte[] value, ConsistencyLevel cl) {
        return request(coordinator, (node, done) -> node.put(key, value, cl, Node.COORDINATOR_TIMESTAMP, done));
    }

    public SimFuture<ClientResult> put(NodeId coordinator, String key, String value, ConsistencyLevel cl) {
        return put(coordinator, utf8(key), utf8(value), cl);
    }

    public SimFuture<ClientResult> delete(NodeId coordinator, byte[] key, ConsistencyLevel cl) {
        return request(coordinator, (node, done) -> node.delete(key, cl, Node.COORDINATOR_TIMESTAMP, done));
    }

    public SimFuture<ClientResult> delete(NodeId coordinator, String key, ConsistencyLevel cl) {
        return delete(coordinator, utf8(key), cl);
    }

    public SimFuture<ClientResult> get(NodeId coordinator, byte[] key, ConsistencyLevel cl) {
        return request(coordinator, (node, done) -> node.get(key, cl, done));
    }

    public SimFuture<ClientResult> get(NodeId coordinator, String key, ConsistencyLevel cl) {
        return get(coordinator, utf8(key), cl);
    }

    /** Runs the node's repair: it synchronises every range it replicates from the other replicas. */
    public SimFuture<ClientResult> repair(NodeId id) {
        return request(id, Node::repair);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private interface Request {
        void start(Node node, Consumer<ClientResult> done);
    }

    private SimFuture<ClientResult> request(NodeId coordinator, Request request) {
        SimNode simNode = simNode(coordinator);
        SimFuture<ClientResult> future = new SimFuture<>();
        if (!simNode.isAlive()) {
            future.complete(new ClientResult.Failed(coordinator + " is down"), scheduler.nowMicros());
            return future;
        }
        simNode.pending.add(future);
        int incarnation = simNode.incarnation;
        try {
            request.start(simNode.node, result -> {
                if (simNode.incarnation == incarnation) {
                    simNode.pending.remove(future);
                    future.complete(result, scheduler.nowMicros());
                }
            });
        } catch (RuntimeException | AssertionError e) {
            recordUnhandled(coordinator, e);
            simNode.pending.remove(future);
            future.complete(new ClientResult.Failed(coordinator + " threw while starting the request: " + e),
                    scheduler.nowMicros());
        }
        return future;
    }

    // ---- running -----------------------------------------------------------------------------

    /** Runs the next event; false when nothing is left to run. */
    public boolean step() {
        return scheduler.step();
    }

    /** Runs {@code micros} of simulated time. */
    public void runFor(long micros) {
        scheduler.runUntil(scheduler.nowMicros() + micros);
    }

    /**
     * Runs until {@code future} completes and returns its result; throws
     * {@link IllegalStateException} if it has not completed after {@code maxMicros} of simulated time.
     */
    public <T> T runUntil(SimFuture<T> future, long maxMicros) {
        long deadline = scheduler.nowMicros() + maxMicros;
        while (!future.isDone() && scheduler.nextEventMicros() <= deadline) {
            scheduler.step();
        }
        if (!future.isDone()) {
            scheduler.runUntil(deadline);
            throw new IllegalStateException("operation did not complete within " + maxMicros
                    + " us of simulated time (seed " + seed + ")");
        }
        return future.get();
    }

    /** Runs until {@code condition} holds, checked after each event; false if {@code maxMicros} passed first. */
    public boolean runUntil(java.util.function.BooleanSupplier condition, long maxMicros) {
        long deadline = scheduler.nowMicros() + maxMicros;
        while (!condition.getAsBoolean()) {
            if (scheduler.nextEventMicros() > deadline) {
                scheduler.runUntil(deadline);
                return condition.getAsBoolean();
            }
            scheduler.step();
        }
        return true;
    }

    // ---- membership changes ------------------------------------------------------------------

    /**
     * Adds a node (the next "nodeN") that bootstraps into the running cluster: it learns the ring
     * from the seeds, chooses tokens (the cluster's token allocation), announces itself as joining
     * and streams its ranges before it turns NORMAL. Returns its id at once; watch
     * {@code node(id).status().state()} or {@link #isNormal} for the end of the join.
     */
    public NodeId addNode() {
        List<NodeId> seeds = liveSeeds();
        SimNode simNode = createNode();
        simNode.configAdjust = config -> config.autoBootstrap(true).seeds(seeds);
        start(simNode);
        return simNode.id;
    }

    /**
     * Adds a node that takes over the tokens of the dead node {@code dead} and streams its ranges
     * from the surviving replicas. {@code dead} must be down; it can never be recovered afterwards.
     */
    public NodeId replaceNode(NodeId dead) {
        SimNode deadNode = simNode(dead);
        if (deadNode.isAlive()) {
            throw new IllegalStateException("cannot replace " + dead + ": it is alive; fail it first or decommission it");
        }
        deadNode.retiredReason = "it was replaced";
        SimNode simNode = createNode();
        List<NodeId> seeds = liveSeeds();
        simNode.configAdjust = config -> config.autoBootstrap(true).replaceNode(dead).seeds(seeds);
        start(simNode);
        return simNode.id;
    }

    /** Whether {@code id} left the ring for good (decommissioned, removed or replaced): it never comes back. */
    public boolean isRetired(NodeId id) {
        return simNode(id).retiredReason != null;
    }

    /**
     * Whether {@code id} was removed from the ring with {@link #removeNode} (removenode), as opposed
     * to decommissioned or replaced: the data only it held was never copied anywhere.
     */
    public boolean wasRemoved(NodeId id) {
        return simNode(id).removed;
    }

    /** Seeds for a node added now: the configured seeds that are up, then other live nodes; at most 3. */
    private List<NodeId> liveSeeds() {
        List<NodeId> seeds = new ArrayList<>();
        for (NodeId seed : nodeConfig().seeds()) {
            if (nodes.containsKey(seed) && isAlive(seed)) {
                seeds.add(seed);
            }
        }
        for (NodeId id : nodeIds) {
            if (seeds.size() < 3 && isAlive(id) && !seeds.contains(id)) {
                seeds.add(id);
            }
        }
        return seeds;
    }

    /** Whether {@code id} is up and NORMAL (a member serving reads). */
    public boolean isNormal(NodeId id) {
        return isAlive(id) && node(id).state() == ringdb.core.node.NodeState.NORMAL;
    }

    /**
     * Decommissions {@code id}: it streams its ranges to their new owners, leaves the ring and stops.
     * The future completes with {@link ClientResult.Completed} once it left (the node is then down
     * for good), or {@link ClientResult.Failed} with the reason it was refused.
     */
    public SimFuture<ClientResult> decommission(NodeId id) {
        SimNode simNode = simNode(id);
        return request(id, (node, done) -> node.decommission(result -> {
            if (result instanceof ClientResult.Completed) {
                simNode.retiredReason = "it left the ring";
                scheduler.scheduleAfter(0, () -> retire(simNode));
            }
            done.accept(result);
        }));
    }

    /** Removes the dead node {@code dead} through the live node {@code via} (removenode). */
    public SimFuture<ClientResult> removeNode(NodeId dead, NodeId via) {
        SimNode deadNode = simNode(dead);
        return request(via, (node, done) -> node.removeNode(dead, result -> {
            if (result instanceof ClientResult.Completed && deadNode.retiredReason == null) {
                deadNode.retiredReason = "it was removed from the ring";
                deadNode.removed = true;
            }
            done.accept(result);
        }));
    }

    /** Drops {@code id}'s data of ranges it no longer replicates. */
    public SimFuture<ClientResult> cleanup(NodeId id) {
        return request(id, Node::cleanup);
    }

    /** A node that stopped itself after leaving: its storage closes, its network endpoint goes away. */
    private void retire(SimNode simNode) {
        if (!simNode.isAlive()) {
            return;
        }
        simNode.timers.close();
        network.detach(simNode.id);
        simNode.storage.crash(false);
        simNode.node = null;
        simNode.data = null;
        simNode.hints = null;
    }

    // ---- faults ------------------------------------------------------------------------------

    /**
     * Crashes the node: it stops at once without telling anyone, its memory is lost and so is every
     * disk byte not yet synced. Requests it was coordinating complete with {@link ClientResult.Failed}
     * (their outcome is unknown to the client).
     */
    public void fail(NodeId id) {
        crash(id, false);
    }

    /**
     * Crashes the node like {@link #fail}, but each of its files keeps a random prefix of the bytes
     * written since its last sync (a torn write): recovery must cut a torn commit log tail off.
     */
    public void failTearingWrites(NodeId id) {
        crash(id, true);
    }

    private void crash(NodeId id, boolean tearUnsyncedWrites) {
        SimNode simNode = simNode(id);
        if (!simNode.isAlive()) {
            throw new IllegalStateException(id + " is already down");
        }
        simNode.timers.close();
        network.detach(id);
        simNode.storage.crash(tearUnsyncedWrites);
        simNode.node = null;
        simNode.data = null;
        simNode.hints = null;
        publish(new NodeEvent(simNode.clock.nowMicros(), id, NodeEvent.Kind.STOPPED, id,
                "crashed: memory and unsynced disk writes lost"));
        List<SimFuture<ClientResult>> orphans = new ArrayList<>(simNode.pending);
        simNode.pending.clear();
        for (SimFuture<ClientResult> future : orphans) {
            future.complete(new ClientResult.Failed("coordinator " + id + " crashed before answering"),
                    scheduler.nowMicros());
        }
    }

    /**
     * Restarts a crashed node: reopens its engines from its disk (tables, then commit log replay)
     * and starts a new {@link Node} with a new generation, which then catches up from its peers.
     */
    public void recover(NodeId id) {
        SimNode simNode = simNode(id);
        if (simNode.isAlive()) {
            throw new IllegalStateException(id + " is already up");
        }
        if (simNode.retiredReason != null) {
            throw new IllegalStateException(id + " cannot be recovered: " + simNode.retiredReason);
        }
        start(simNode);
    }

    private void start(SimNode simNode) {
        NodeId id = simNode.id;
        simNode.incarnation++;
        simNode.timers = new SimTimers(scheduler, task -> {
            trace.mix(scheduler.nowMicros());
            trace.mix(simNode.index);
            runOn(id, task);
        });
        simNode.random = new Random(random.nextLong());
        try {
            simNode.storage.open(simNode.clock, simNode.timers);
        } catch (RuntimeException e) {
            simNode.timers.close();
            recordUnhandled(id, new IllegalStateException(id + " could not reopen its storage; it stays down", e));
            return;
        }
        int incarnation = simNode.incarnation;
        simNode.data = new ObservedStore(simNode.storage.data(), durableWritesOf(simNode, incarnation));
        simNode.hints = simNode.storage.hints();
        network.attach(id, (from, message) -> simNode.node.receive(from, message));
        NodeConfig config = simNode.configAdjust.apply(nodeConfig().toBuilder()).build();
        simNode.node = new Node(id, config, simNode.clock, simNode.timers,
                network.endpointFor(id, () -> simNode.incarnation == incarnation && simNode.isAlive()),
                simNode.random, simNode.data, simNode.hints, event -> {
                    if (simNode.incarnation == incarnation) {
                        publish(event);
                    }
                });
        runOn(id, simNode.node::start);
    }

    /** Reports the writes {@code simNode}'s data engine made durable during this incarnation to the listeners. */
    private ObservedStore.DurableWrites durableWritesOf(SimNode simNode, int incarnation) {
        return new ObservedStore.DurableWrites() {
            @Override
            public boolean wanted() {
                return !listeners.isEmpty();
            }

            @Override
            public void durable(byte[] key, Cell cell) {
                if (simNode.incarnation != incarnation || !simNode.isAlive()) {
                    return; // a sync completing after the crash: its bytes are gone
                }
                for (SimListener listener : listeners) {
                    listener.onDurableWrite(scheduler.nowMicros(), simNode.id, key, cell);
                }
            }
        };
    }

    /** Small memtables and a 10 s flush period, so that simulations exercise flushes and compactions. */
    private StorageConfig defaultStorageConfig() {
        return StorageConfig.builder().memtableSizeBytesMax(256 * 1024).flushPeriodMicros(10_000_000)
                .commitLogSizes(4L << 20, 1L << 20).gcGraceMicros(nodeConfig().gcGraceMicros())
                .valueSizeBytesMax(nodeConfig().valueSizeBytesMax()).build();
    }

    /** The node's simulated disk (it survives crashes), for inspection and disk fault injection. */
    public SimDisk disk(NodeId id) {
        return simNode(id).storage.disk();
    }

    private NodeConfig nodeConfig() {
        NodeConfig.Builder base = NodeConfig.builder().seeds(List.of(NodeId.of("node1")));
        return settings.nodeConfig.apply(base).build();
    }

    /** The configuration every node runs with. */
    public NodeConfig config() {
        return nodeConfig();
    }

    // ---- events ------------------------------------------------------------------------------

    /** Runs a piece of {@code id}'s logic, attributing anything it throws to the node. */
    void runOn(NodeId id, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | AssertionError e) {
            recordUnhandled(id, e);
        }
    }

    private void recordUnhandled(NodeId id, Throwable error) {
        unhandledExceptions.add(new UnhandledException(scheduler.nowMicros(), id, error));
        for (SimListener listener : listeners) {
            listener.onUnhandledException(scheduler.nowMicros(), id, error);
        }
    }

    private void publish(NodeEvent event) {
        trace.mix(event.kind().ordinal());
        trace.mix(event.node().id());
        for (SimListener listener : listeners) {
            listener.onNodeEvent(event);
        }
    }

    void reportClockSkew(long atMicros, NodeId ahead, NodeId behind, long skewMicros) {
        for (SimListener listener : listeners) {
            listener.onClockSkew(atMicros, ahead, behind, skewMicros);
        }
    }

    /** Stops the simulation's nodes without running anything further. */
    @Override
    public void close() {
        for (SimNode simNode : nodes.values()) {
            if (simNode.timers != null) {
                simNode.timers.close();
            }
        }
    }

    /** An exception a node threw, with the simulated time and the node. */
    public record UnhandledException(long atMicros, NodeId node, Throwable error) {
        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("at " + atMicros + " us on " + node + ": " + error);
            StackTraceElement[] frames = error.getStackTrace();
            for (int i = 0; i < Math.min(3, frames.length); i++) {
                text.append("\n        at ").append(frames[i]);
            }
            return text.toString();
        }
    }

    /** Settings for a {@link SimCluster}. */
    public static final class Builder {
        private long seed = 1;
        private int nodes = 3;
        private UnaryOperator<NodeConfig.Builder> nodeConfig = UnaryOperator.identity();
        private long clockSkewBoundMicros = 500_000;
        private long diskSyncLatencyMicros = 500;
        private UnaryOperator<StorageConfig.Builder> storageConfig = UnaryOperator.identity();

        /** Adjusts every node's storage engine settings (defaults: GROUP sync, 256 KiB memtables). */
        public Builder storageConfig(UnaryOperator<StorageConfig.Builder> storageConfig) {
            this.storageConfig = storageConfig;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Number of nodes, 1..200. */
        public Builder nodes(int nodes) {
            if (nodes < 1 || nodes > 200) {
                throw new IllegalArgumentException("a simulated cluster has 1 to 200 nodes, got " + nodes);
            }
            this.nodes = nodes;
            return this;
        }

        /** Adjusts every node's configuration (starting from the defaults with node1 as the seed node). */
        public Builder nodeConfig(UnaryOperator<NodeConfig.Builder> nodeConfig) {
            this.nodeConfig = nodeConfig;
            return this;
        }

        /** Clocks of alive nodes further apart than this raise an alarm (default 500 ms). */
        public Builder clockSkewBoundMicros(long boundMicros) {
            if (boundMicros <= 0) {
                throw new IllegalArgumentException("clock skew bound must be positive, got " + boundMicros);
            }
            this.clockSkewBoundMicros = boundMicros;
            return this;
        }

        /** Simulated time an fsync takes (default 500 us); writes waiting meanwhile share it. */
        public Builder diskSyncLatencyMicros(long latencyMicros) {
            if (latencyMicros < 0) {
                throw new IllegalArgumentException("disk sync latency must be >= 0, got " + latencyMicros);
            }
            this.diskSyncLatencyMicros = latencyMicros;
            return this;
        }

        /** Builds the cluster and starts every node at simulated time zero. */
        public SimCluster build() {
            SimCluster cluster = new SimCluster(this);
            cluster.startAll();
            return cluster;
        }
    }
}
