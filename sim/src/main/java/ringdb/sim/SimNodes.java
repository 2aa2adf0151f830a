package ringdb.sim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.data.Cell;
import ringdb.core.node.Node;
import ringdb.core.node.NodeConfig;
import ringdb.core.node.NodeEvent;
import ringdb.core.ring.StorageKeys;
import ringdb.storage.StorageConfig;

/**
 * The life of each simulated node: created with its clock and disk, started (storage reopened, a
 * new {@link Node} wired to the network), crashed, retired after leaving the ring, recovered; and
 * the client requests it coordinates, which die with its incarnation. Random draws happen in the
 * order nodes are created and started, so the cluster's seed fixes them. Simulation thread only.
 */
final class SimNodes {
    private final SimClusterBuilder settings;
    private final SimScheduler scheduler;
    private final TraceHash trace;
    private final Random random;
    private final SimNetwork network;
    private final SimEvents events;
    private final Map<NodeId, SimNode> nodes = new LinkedHashMap<>();
    private final List<NodeId> nodeIds = new ArrayList<>();

    SimNodes(SimClusterBuilder settings, SimScheduler scheduler, TraceHash trace, Random random,
             SimNetwork network, SimEvents events) {
        this.settings = settings;
        this.scheduler = scheduler;
        this.trace = trace;
        this.random = random;
        this.network = network;
        this.events = events;
    }

    /** Creates the next node ("nodeN"), not yet started. */
    SimNode create() {
        int index = nodeIds.size();
        NodeId id = NodeId.of("node" + (index + 1));
        SimStorage storage = new SimStorage(new Random(random.nextLong()),
                new SimTimers(scheduler, task -> events.runOn(id, task)), settings.diskSyncLatencyMicros(),
                settings.storageConfig().apply(defaultStorageConfig().toBuilder()).build());
        SimNode simNode = new SimNode(id, index, new SimClock(scheduler), storage);
        nodes.put(id, simNode);
        nodeIds.add(id);
        return simNode;
    }

    List<NodeId> ids() {
        return Collections.unmodifiableList(nodeIds);
    }

    Collection<SimNode> all() {
        return nodes.values();
    }

    boolean contains(NodeId id) {
        return nodes.containsKey(id);
    }

    SimNode get(NodeId id) {
        SimNode simNode = nodes.get(id);
        if (simNode == null) {
            throw new IllegalArgumentException("unknown node " + id + "; the cluster has " + nodeIds);
        }
        return simNode;
    }

    /** The configuration every node runs with. */
    NodeConfig nodeConfig() {
        NodeConfig.Builder base = NodeConfig.builder().seeds(List.of(NodeId.of("node1")));
        return settings.nodeConfig().apply(base).build();
    }

    /** Small memtables and a 10 s flush period, so that simulations exercise flushes and compactions. */
    private StorageConfig defaultStorageConfig() {
        return StorageConfig.builder().memtableSizeBytesMax(256 * 1024).flushPeriodMicros(10_000_000)
                .commitLogSizes(4L << 20, 1L << 20).gcGraceMicros(nodeConfig().gcGraceMicros())
                .valueSizeBytesMax(nodeConfig().valueSizeBytesMax()).partitioner(nodeConfig().partitioner()).build();
    }

    // ---- client requests ---------------------------------------------------------------------

    /**
     * Starts a request on {@code coordinator}; the future completes with its result, or with
     * {@link ClientResult.Failed} when the node is down, throws, or crashes before answering.
     */
    SimFuture<ClientResult> request(NodeId coordinator, BiConsumer<Node, Consumer<ClientResult>> request) {
        SimNode simNode = get(coordinator);
        SimFuture<ClientResult> future = new SimFuture<>();
        if (!simNode.isAlive()) {
            future.complete(new ClientResult.Failed(coordinator + " is down"), scheduler.nowMicros());
            return future;
        }
        simNode.pending.add(future);
        int incarnation = simNode.incarnation;
        try {
            request.accept(simNode.node, result -> {
                if (simNode.incarnation == incarnation) {
                    simNode.pending.remove(future);
                    future.complete(result, scheduler.nowMicros());
                }
            });
        } catch (RuntimeException | AssertionError e) {
            events.recordUnhandled(coordinator, e);
            simNode.pending.remove(future);
            future.complete(new ClientResult.Failed(coordinator + " threw while starting the request: " + e),
                    scheduler.nowMicros());
        }
        return future;
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    /** Seeds for a node added now: the configured seeds that are up, then other live nodes; at most 3. */
    List<NodeId> liveSeeds() {
        List<NodeId> seeds = new ArrayList<>();
        for (NodeId seed : nodeConfig().seeds()) {
            if (nodes.containsKey(seed) && get(seed).isAlive()) {
                seeds.add(seed);
            }
        }
        for (NodeId id : nodeIds) {
            if (seeds.size() < 3 && get(id).isAlive() && !seeds.contains(id)) {
                seeds.add(id);
            }
        }
        return seeds;
    }

    void start(SimNode simNode) {
        NodeId id = simNode.id;
        simNode.incarnation++;
        simNode.timers = new SimTimers(scheduler, task -> {
            trace.mix(scheduler.nowMicros());
            trace.mix(simNode.index);
            events.runOn(id, task);
        });
        simNode.random = new Random(random.nextLong());
        try {
            simNode.storage.open(simNode.clock, simNode.timers);
        } catch (RuntimeException e) {
            simNode.timers.close();
            events.recordUnhandled(id,
                    new IllegalStateException(id + " could not reopen its storage; it stays down", e));
            return;
        }
        int incarnation = simNode.incarnation;
        simNode.data = new ObservedStore(simNode.storage.data(), durableWritesOf(simNode, incarnation));
        simNode.hints = simNode.storage.hints();
        network.attach(id, (from, message) -> events.runOn(id, () -> simNode.node.receive(from, message)));
        NodeConfig config = simNode.configAdjust.apply(nodeConfig().toBuilder()).build();
        simNode.node = new Node(id, config, simNode.clock, simNode.timers,
                network.endpointFor(id, () -> simNode.incarnation == incarnation && simNode.isAlive()),
                simNode.random, simNode.data, simNode.hints, event -> {
                    if (simNode.incarnation == incarnation) {
                        events.publish(event);
                        if (event.kind() == NodeEvent.Kind.DIE) {
                            // a failure policy's die: the node crashes, as the real process halts
                            scheduler.scheduleAfter(0, () -> crashIfAlive(simNode, incarnation));
                        } else if (event.kind() == NodeEvent.Kind.REMOVED && id.equals(event.subject())
                                && id.equals(event.node())) {
                            // it learned it was removed from the ring while it was down: it refused to
                            // serve and stopped, as the real process ends; it never comes back under its id
                            simNode.retiredReason = "it was removed from the ring while it was down";
                            scheduler.scheduleAfter(0, () -> retire(simNode));
                        }
                    }
                });
        events.runOn(id, simNode.node::start);
    }

    /** Reports the writes {@code simNode}'s data engine made durable during this incarnation to the listeners. */
    private ObservedStore.DurableWrites durableWritesOf(SimNode simNode, int incarnation) {
        return new ObservedStore.DurableWrites() {
            @Override
            public boolean wanted() {
                return events.hasListeners();
            }

            @Override
            public void durable(byte[] key, Cell cell) {
                if (simNode.incarnation != incarnation || !simNode.isAlive()) {
                    return; // a sync completing after the crash: its bytes are gone
                }
                // the checkers speak of the key-value API's keys, as clients wrote them
                events.durableWrite(simNode.id, StorageKeys.isKv(key) ? StorageKeys.rawKv(key) : key, cell);
            }
        };
    }

    /** Crashes the node (see {@link SimCluster#fail} and {@link SimCluster#failTearingWrites}). */
    void crash(NodeId id, boolean tearUnsyncedWrites) {
        SimNode simNode = get(id);
        if (!simNode.isAlive()) {
            throw new IllegalStateException(id + " is already down");
        }
        simNode.timers.close();
        network.detach(id);
        simNode.storage.crash(tearUnsyncedWrites);
        simNode.node = null;
        simNode.data = null;
        simNode.hints = null;
        events.publish(new NodeEvent(simNode.clock.nowMicros(), id, NodeEvent.Kind.STOPPED, id,
                "crashed: memory and unsynced disk writes lost"));
        failPending(simNode, "coordinator " + id + " crashed before answering");
    }

    /** The requests {@code simNode} coordinated and had not answered when it stopped: their clients see it fail. */
    private void failPending(SimNode simNode, String reason) {
        List<SimFuture<ClientResult>> orphans = new ArrayList<>(simNode.pending);
        simNode.pending.clear();
        for (SimFuture<ClientResult> future : orphans) {
            future.complete(new ClientResult.Failed(reason), scheduler.nowMicros());
        }
    }

    private void crashIfAlive(SimNode simNode, int incarnation) {
        if (simNode.incarnation == incarnation && simNode.isAlive()) {
            crash(simNode.id, false);
        }
    }

    /** Restarts a crashed node (see {@link SimCluster#recover}). */
    void recover(NodeId id) {
        SimNode simNode = get(id);
        if (simNode.isAlive()) {
            throw new IllegalStateException(id + " is already up");
        }
        if (simNode.retiredReason != null) {
            throw new IllegalStateException(id + " cannot be recovered: " + simNode.retiredReason);
        }
        start(simNode);
    }

    /** A node that stopped itself after leaving: its storage closes, its network endpoint goes away. */
    void retire(SimNode simNode) {
        if (!simNode.isAlive()) {
            return;
        }
        simNode.timers.close();
        network.detach(simNode.id);
        simNode.storage.crash(false);
        simNode.node = null;
        simNode.data = null;
        simNode.hints = null;
        // as the real process ends, its client connections close: a request it still coordinated fails
        failPending(simNode, "coordinator " + simNode.id + " stopped before answering: " + simNode.retiredReason);
    }

    /** Stops every node's timers without running anything further. */
    void close() {
        for (SimNode simNode : nodes.values()) {
            if (simNode.timers != null) {
                simNode.timers.close();
            }
        }
    }
}
