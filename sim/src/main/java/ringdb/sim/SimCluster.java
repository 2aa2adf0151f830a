package ringdb.sim;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.node.Node;
import ringdb.core.node.NodeConfig;
import ringdb.core.node.NodeState;
import ringdb.core.store.LocalStore;
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
    private final SimScheduler scheduler = new SimScheduler();
    private final TraceHash trace = new TraceHash();
    private final Random random;
    private final SimNetwork network;
    private final SimEvents events = new SimEvents(scheduler, trace);
    private final SimNodes nodes;
    private final ClockSkewMonitor skewMonitor;

    private SimCluster(SimClusterBuilder builder) {
        this.seed = builder.seed();
        this.random = new Random(builder.seed());
        NodeConfig nodeConfig = builder.nodeConfig().apply(NodeConfig.builder()).build();
        this.network = new SimNetwork(scheduler, new Random(random.nextLong()), trace, nodeConfig.partitioner());
        this.nodes = new SimNodes(builder, scheduler, trace, random, network, events);
        this.skewMonitor = new ClockSkewMonitor(this, builder.clockSkewBoundMicros());
        for (int i = 1; i <= builder.nodes(); i++) {
            nodes.create();
        }
    }

    public static SimClusterBuilder builder() {
        return new SimClusterBuilder();
    }

    /** Builds the cluster {@code builder} describes and starts every node at simulated time zero. */
    static SimCluster start(SimClusterBuilder builder) {
        SimCluster cluster = new SimCluster(builder);
        for (NodeId id : cluster.nodes.ids()) {
            cluster.nodes.start(cluster.nodes.get(id));
        }
        cluster.skewMonitor.start();
        return cluster;
    }

    // ---- identity and state ------------------------------------------------------------------

    public long seed() {
        return seed;
    }

    /** The nodes, node1..nodeN, alive or not. */
    public List<NodeId> nodeIds() {
        return nodes.ids();
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
        return events.unhandledExceptions();
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
        events.addListener(listener);
        network.addListener(listener);
    }

    private SimNode simNode(NodeId id) {
        return nodes.get(id);
    }

    Iterable<SimNode> simNodes() {
        return nodes.all();
    }

    // ---- client operations -------------------------------------------------------------------

    /** Writes {@code value} under {@code key} through {@code coordinator}, stamped by the coordinator. */
    public SimFuture<ClientResult> put(NodeId coordinator, byte[] key, byte[] value, ConsistencyLevel cl) {
        return nodes.request(coordinator, (node, done) -> node.put(key, value, cl, Node.COORDINATOR_TIMESTAMP, done));
    }

    public SimFuture<ClientResult> put(NodeId coordinator, String key, String value, ConsistencyLevel cl) {
        return put(coordinator, utf8(key), utf8(value), cl);
    }

    public SimFuture<ClientResult> delete(NodeId coordinator, byte[] key, ConsistencyLevel cl) {
        return nodes.request(coordinator, (node, done) -> node.delete(key, cl, Node.COORDINATOR_TIMESTAMP, done));
    }

    public SimFuture<ClientResult> delete(NodeId coordinator, String key, ConsistencyLevel cl) {
        return delete(coordinator, utf8(key), cl);
    }

    public SimFuture<ClientResult> get(NodeId coordinator, byte[] key, ConsistencyLevel cl) {
        return nodes.request(coordinator, (node, done) -> node.get(key, cl, done));
    }

    public SimFuture<ClientResult> get(NodeId coordinator, String key, ConsistencyLevel cl) {
        return get(coordinator, utf8(key), cl);
    }

    /**
     * Starts any client request on {@code coordinator} (for example {@link Node#mutate} or
     * {@link Node#readSlice}); the future completes with its result, or with
     * {@link ClientResult.Failed} when the node is down, throws, or crashes before answering.
     */
    public SimFuture<ClientResult> request(NodeId coordinator, BiConsumer<Node, Consumer<ClientResult>> request) {
        return nodes.request(coordinator, request);
    }

    /** Runs the node's repair: it synchronises every range it replicates from the other replicas. */
    public SimFuture<ClientResult> repair(NodeId id) {
        return nodes.request(id, Node::repair);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
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
    public boolean runUntil(BooleanSupplier condition, long maxMicros) {
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
        List<NodeId> seeds = nodes.liveSeeds();
        SimNode simNode = nodes.create();
        simNode.configAdjust = config -> config.autoBootstrap(true).seeds(seeds);
        nodes.start(simNode);
        return simNode.id;
    }

    /**
     * Adds a node that takes over the tokens of the dead node {@code dead} and streams its ranges
     * from the surviving replicas. {@code dead} must be down; it can never be recovered afterwards.
     */
    public NodeId replaceNode(NodeId dead) {
        SimNode deadNode = simNode(dead);
        if (deadNode.isAlive()) {
            throw new IllegalStateException(
                    "cannot replace " + dead + ": it is alive; fail it first or decommission it");
        }
        deadNode.retiredReason = "it was replaced";
        SimNode simNode = nodes.create();
        List<NodeId> seeds = nodes.liveSeeds();
        simNode.configAdjust = config -> config.autoBootstrap(true).replaceNode(dead).seeds(seeds);
        nodes.start(simNode);
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

    /** Whether {@code id} is up and NORMAL (a member serving reads). */
    public boolean isNormal(NodeId id) {
        return isAlive(id) && node(id).state() == NodeState.NORMAL;
    }

    /**
     * Decommissions {@code id}: it streams its ranges to their new owners, leaves the ring and stops.
     * The future completes with {@link ClientResult.Completed} once it left (the node is then down
     * for good), or {@link ClientResult.Failed} with the reason it was refused.
     */
    public SimFuture<ClientResult> decommission(NodeId id) {
        SimNode simNode = simNode(id);
        return nodes.request(id, (node, done) -> node.decommission(result -> {
            if (result instanceof ClientResult.Completed) {
                simNode.retiredReason = "it left the ring";
                scheduler.scheduleAfter(0, () -> nodes.retire(simNode));
            }
            done.accept(result);
        }));
    }

    /** Removes the dead node {@code dead} through the live node {@code via} (removenode). */
    public SimFuture<ClientResult> removeNode(NodeId dead, NodeId via) {
        SimNode deadNode = simNode(dead);
        return nodes.request(via, (node, done) -> node.removeNode(dead, result -> {
            if (result instanceof ClientResult.Completed) {
                if (deadNode.retiredReason == null) {
                    deadNode.retiredReason = "it was removed from the ring";
                }
                deadNode.removed = true;
            }
            done.accept(result);
        }));
    }

    /** Drops {@code id}'s data of ranges it no longer replicates. */
    public SimFuture<ClientResult> cleanup(NodeId id) {
        return nodes.request(id, Node::cleanup);
    }

    // ---- faults ------------------------------------------------------------------------------

    /**
     * Crashes the node: it stops at once without telling anyone, its memory is lost and so is every
     * disk byte not yet synced. Requests it was coordinating complete with {@link ClientResult.Failed}
     * (their outcome is unknown to the client).
     */
    public void fail(NodeId id) {
        nodes.crash(id, false);
    }

    /**
     * Crashes the node like {@link #fail}, but each of its files keeps a random prefix of the bytes
     * written since its last sync (a torn write): recovery must cut a torn commit log tail off.
     */
    public void failTearingWrites(NodeId id) {
        nodes.crash(id, true);
    }

    /**
     * Restarts a crashed node: reopens its engines from its disk (tables, then commit log replay)
     * and starts a new {@link Node} with a new generation, which then catches up from its peers.
     */
    public void recover(NodeId id) {
        nodes.recover(id);
    }

    /** The node's simulated disk (it survives crashes), for inspection and disk fault injection. */
    public SimDisk disk(NodeId id) {
        return simNode(id).storage.disk();
    }

    /** The configuration every node runs with. */
    public NodeConfig config() {
        return nodes.nodeConfig();
    }

    // ---- events ------------------------------------------------------------------------------

    void reportClockSkew(long atMicros, NodeId ahead, NodeId behind, long skewMicros) {
        events.clockSkew(atMicros, ahead, behind, skewMicros);
    }

    /** Stops the simulation's nodes without running anything further. */
    @Override
    public void close() {
        nodes.close();
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
}
