package ringdb.core.node;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import ringdb.core.Clock;
import ringdb.core.Invariants;
import ringdb.core.Network;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.coordinator.Coordinator;
import ringdb.core.coordinator.CoordinatorContext;
import ringdb.core.coordinator.RequestRegistry;
import ringdb.core.data.Cell;
import ringdb.core.data.InvalidRequestException;
import ringdb.core.data.Limits;
import ringdb.core.gossip.ApplicationState;
import ringdb.core.gossip.EndpointState;
import ringdb.core.gossip.Gossiper;
import ringdb.core.gossip.Liveness;
import ringdb.core.hints.Hints;
import ringdb.core.hints.HintsContext;
import ringdb.core.message.Message;
import ringdb.core.message.MutationRequest;
import ringdb.core.message.MutationResponse;
import ringdb.core.message.RangeDigestRequest;
import ringdb.core.message.RangeDigestResponse;
import ringdb.core.message.RangeSyncRequest;
import ringdb.core.message.RangeSyncResponse;
import ringdb.core.message.ReadRequest;
import ringdb.core.message.ReadResponse;
import ringdb.core.message.Response;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.membership.Member;
import ringdb.core.repair.RangeSyncServer;
import ringdb.core.repair.Repair;
import ringdb.core.repair.RepairContext;
import ringdb.core.membership.MembershipView;
import ringdb.core.ring.Partitioner;
import ringdb.core.ring.Ring;
import ringdb.core.streaming.StreamProgress;
import ringdb.core.streaming.StreamSession;
import ringdb.core.store.LocalStore;
import ringdb.core.system.SystemStore;

/**
 * The node state machine: coordinator (any node takes any client request), replica, hinted
 * handoff, gossip with a phi accrual failure detector, and the recovery catch-up / repair range sync.
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

    private final NodeId id;
    private final NodeConfig config;
    private final Clock clock;
    private final Timers timers;
    private final Network network;
    private final Random random;
    private final LocalStore data;
    private final LocalStore hintsStore;
    private final SystemStore system;
    private final NodeListener listener;
    private final RequestRegistry requests = new RequestRegistry();
    private final Hints hints;
    private final Coordinator coordinator;
    private final Repair repair;
    private final RangeSyncServer rangeSyncServer;
    private final Liveness liveness = new CurrentGossip();
    private long[] tokens = new long[0];
    private final Membership membership = new Membership(this);
    private MembershipView view = MembershipView.empty(1);
    private final TreeMap<String, String> runtimeStates = new TreeMap<>();
    private final Map<NodeId, String> ringInputs = new TreeMap<>();
    private final Map<NodeId, Member> members = new TreeMap<>();
    private Gossiper gossiper;
    private Ring ring = Ring.empty();
    private long ringVersion;
    private boolean ringDirty;
    private NodeState state = NodeState.STARTING;
    private boolean running;
    private long generation;
    private Timers.Cancellable gossipTimer;

    public Node(NodeId id, NodeConfig config, Clock clock, Timers timers, Network network, Random random,
                LocalStore data, LocalStore hints, NodeListener listener) {
        this.id = Objects.requireNonNull(id, "id");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timers = Objects.requireNonNull(timers, "timers");
        this.network = Objects.requireNonNull(network, "network");
        this.random = Objects.requireNonNull(random, "random");
        this.data = Objects.requireNonNull(data, "data");
        this.hintsStore = Objects.requireNonNull(hints, "hints");
        this.listener = listener == null ? NodeListener.NONE : listener;
        this.hints = new Hints(new HintsContext(id, config, clock, timers, network, requests, hintsStore, liveness,
                this::isRunning, this::generation, this::emit));
        this.system = new SystemStore(hintsStore);
        this.coordinator = new Coordinator(new CoordinatorContext(id, config, clock, timers, network, requests, data,
                liveness, this::isRunning, this::state, this::currentView, this.hints::store));
        RepairContext repairContext = new RepairContext(id, config, timers, network, requests, data, liveness,
                this::isRunning, this::currentRing, this::emit);
        this.repair = new Repair(repairContext);
        this.rangeSyncServer = new RangeSyncServer(repairContext);
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
        generation = nextGeneration();
        ringInputs.clear();
        members.clear();
        hints.clearIndex();
        system.load(id, member -> members.put(member.node(), member), hints::index);
        gossiper = new Gossiper(id, config.seeds(), config.gossipIntervalMicros(), config.phiConvictThreshold(),
                clock, network, random, new GossipEvents());
        Membership.Startup startup = membership.load();
        state = startup.state();
        tokens = startup.tokens().clone();
        TreeMap<String, String> initial = new TreeMap<>(runtimeStates);
        initial.put(ApplicationState.STATUS, state.name());
        if (tokens.length > 0) {
            initial.put(ApplicationState.TOKENS, ApplicationState.encodeTokens(tokens));
        }
        if (startup.replacing() != null) {
            initial.put(ApplicationState.REPLACING, startup.replacing().id());
        }
        initial.put(ApplicationState.LOAD, Long.toString(data.stats().liveBytes()));
        gossiper.start(generation, initial);
        running = true;
        repair.resetRecovery();
        rebuildRingIfChanged(id);
        ringDirty = true;
        emit(NodeEvent.Kind.STARTED, id, "generation " + generation + ", " + tokens.length + " tokens, " + state);
        gossipTimer = timers.schedule(1 + boundedRandom(config.gossipIntervalMicros()), this::gossipRound);
        hints.start();
        if (state == NodeState.NORMAL) {
            repair.scheduleRecovery();
        } else if (state == NodeState.LEFT) {
            emit(NodeEvent.Kind.ERROR, id, id + " has left the ring; it serves no data (wipe its data to join again)");
        }
        membership.start();
    }

    /** A generation strictly greater than any this node's stores remember, from the clock if possible. */
    private long nextGeneration() {
        long last = system.lastGeneration();
        long next = Math.max(Math.max(clock.nowMicros(), last + 1), generation + 1);
        system.writeGeneration(next, error -> {
            if (error != null) {
                emit(NodeEvent.Kind.ERROR, id, "generation not durable: " + error.getMessage());
            }
        });
        return next;
    }

    private long boundedRandom(long bound) {
        return (long) (random.nextDouble() * bound);
    }

    /** Announces the shutdown through gossip, fails requests in flight, cancels timers. */
    public void stop() {
        if (!running) {
            return;
        }
        gossiper.announceShutdown();
        running = false;
        state = NodeState.DOWN;
        gossipTimer.cancel();
        hints.stop();
        membership.stop();
        requests.abortAll("node " + id + " stopped");
        repair.stop("node " + id + " stopped");
        emit(NodeEvent.Kind.STOPPED, id, "generation " + generation);
    }

    private void gossipRound() {
        if (!running) {
            return;
        }
        gossiper.setLocal(ApplicationState.LOAD, Long.toString(data.stats().liveBytes()));
        gossiper.round();
        gossipTimer = timers.schedule(config.gossipIntervalMicros(), this::gossipRound);
    }

    /** Sets an application state spread by gossip (e.g. "http" → "127.0.0.1:8081"); kept across restarts. */
    public void setLocalApplicationState(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.equals(ApplicationState.STATUS) || name.equals(ApplicationState.TOKENS)
                || name.equals(ApplicationState.REPLACING) || name.equals(ApplicationState.MOVES_DONE)
                || name.equals(ApplicationState.SHUTDOWN)) {
            throw new IllegalArgumentException("application state " + name + " is managed by the node itself");
        }
        runtimeStates.put(name, value);
        if (running) {
            gossiper.setLocal(name, value);
        }
    }

    // ---- inbound messages ----

    /** Every inbound message. Ignored before start and after stop. */
    public void receive(NodeId from, Message message) {
        if (!running || gossiper.handle(from, message)) {
            return;
        }
        if (message instanceof Response response) {
            requests.dispatch(from, response.requestId(), response);
        } else if (message instanceof MutationRequest mutation) {
            onMutation(from, mutation);
        } else if (message instanceof ReadRequest read) {
            onRead(from, read);
        } else if (message instanceof RangeSyncRequest sync) {
            rangeSyncServer.serveRangeSync(from, sync);
        } else if (message instanceof RangeDigestRequest digest) {
            rangeSyncServer.serveRangeDigest(from, digest);
        }
    }

    private void onMutation(NodeId from, MutationRequest mutation) {
        long requestId = mutation.requestId();
        applyLocally(mutation.key(), mutation.cell(), error -> {
            if (requestId != 0 && running) {
                network.send(from, new MutationResponse(requestId, error));
            }
        });
    }

    private void onRead(NodeId from, ReadRequest read) {
        try {
            Limits.checkKey(read.key());
        } catch (InvalidRequestException e) {
            emit(NodeEvent.Kind.ERROR, from, "refused a read from " + from + ": " + e.getMessage());
            return; // the coordinator times out; its own checks make this unreachable for real requests
        }
        network.send(from, new ReadResponse(read.requestId(), data.read(read.key())));
    }

    // ---- client requests (the coordinator) ----

    public void put(byte[] key, byte[] value, ConsistencyLevel cl, long timestampMicros, Consumer<ClientResult> done) {
        coordinator.put(key, value, cl, timestampMicros, done);
    }

    public void delete(byte[] key, ConsistencyLevel cl, long timestampMicros, Consumer<ClientResult> done) {
        coordinator.delete(key, cl, timestampMicros, done);
    }

    public void get(byte[] key, ConsistencyLevel cl, Consumer<ClientResult> done) {
        coordinator.get(key, cl, done);
    }

    // ---- repair and recovery ----

    /** Synchronises every range this node replicates from every other live replica; answers Repaired or Failed. */
    public void repair(Consumer<ClientResult> done) {
        repair.repair(done);
    }

    // ---- ring ----

    /** The current ring view, rebuilt from gossip when membership or tokens changed. */
    public Ring ring() {
        return currentRing();
    }

    /**
     * Notes a change of {@code changed}'s membership as gossip reports it; the ring is rebuilt
     * lazily, once per batch of changes. Members are also remembered in the hints store so that a
     * restarted node knows the ring before gossip has told it anything.
     */
    private void rebuildRingIfChanged(NodeId changed) {
        EndpointState endpoint = gossiper.state(changed);
        if (endpoint == null) {
            return;
        }
        String input = membershipInput(endpoint);
        if (input.equals(ringInputs.get(changed))) {
            return;
        }
        ringInputs.put(changed, input);
        if (input.isEmpty()) {
            if (members.remove(changed) != null) {
                rememberMember(changed, null);
            }
        } else {
            String replaced = endpoint.get(ApplicationState.REPLACING);
            Member member = new Member(changed, endpoint.generation(), endpoint.get(ApplicationState.STATUS),
                    ApplicationState.decodeTokens(endpoint.get(ApplicationState.TOKENS)),
                    replaced == null || replaced.isEmpty() ? null : NodeId.of(replaced));
            members.put(changed, member);
            rememberMember(changed, member);
        }
        ringDirty = true;
    }

    /**
     * Persists (or, with null, forgets) a peer's ring membership, so that a restarted node knows
     * the ring before gossip told it anything (as Cassandra keeps its peers table).
     */
    private void rememberMember(NodeId node, Member member) {
        if (node.equals(id)) {
            return;
        }
        system.writeMember(node, member, coordinator.nextTimestampMicros(), error -> {
            if (error != null) {
                emit(NodeEvent.Kind.ERROR, node, "ring membership of " + node + " not durable: " + error.getMessage());
            }
        });
    }

    private Ring currentRing() {
        return currentView().natural();
    }

    private MembershipView currentView() {
        if (ringDirty) {
            view = MembershipView.of(members.values(), config.replicationFactor(), ++ringVersion);
            ring = view.natural();
            ringDirty = false;
        }
        return view;
    }

    /** The ring and the membership changes in progress, as gossip shows them to this node. */
    public MembershipView membershipView() {
        return currentView();
    }

    /** "status|tokens|replacing|generation" of an endpoint with tokens; "" when it has none. */
    private static String membershipInput(EndpointState endpoint) {
        String status = endpoint.get(ApplicationState.STATUS);
        String tokenList = endpoint.get(ApplicationState.TOKENS);
        if (status == null || tokenList == null || tokenList.isEmpty()) {
            return "";
        }
        return status + "|" + tokenList + "|" + endpoint.get(ApplicationState.REPLACING) + "|" + endpoint.generation();
    }

    // ---- membership changes ----

    /**
     * Leaves the ring: announces LEAVING, waits until the nodes that gain its ranges streamed them,
     * announces LEFT, then stops. Answers {@link ClientResult.Completed} once left, or
     * {@link ClientResult.Failed} at once when refused (not NORMAL, the ring would drop below the
     * replication factor, a conflicting move is under way).
     */
    public void decommission(Consumer<ClientResult> done) {
        Objects.requireNonNull(done, "done");
        if (!running) {
            done.accept(new ClientResult.Failed("node " + id + " is not running"));
            return;
        }
        membership.decommission(done);
    }

    /**
     * Removes the dead node {@code dead} from the ring: its ranges are re-replicated from the
     * surviving replicas to the nodes that gain them, then it is marked REMOVED. Refused (Failed at
     * once) when {@code dead} is alive, unknown, this node, or the ring would drop below the
     * replication factor, or a conflicting move is under way. Running it again on another node
     * resumes a removal whose coordinator died.
     */
    public void removeNode(NodeId dead, Consumer<ClientResult> done) {
        Objects.requireNonNull(dead, "dead");
        Objects.requireNonNull(done, "done");
        if (!running) {
            done.accept(new ClientResult.Failed("node " + id + " is not running"));
            return;
        }
        membership.removeNode(dead, done);
    }

    /**
     * Drops the local data of ranges this node no longer replicates (after nodes joined). Refused
     * while membership changes are in progress. Synchronous in the store.
     */
    public void cleanup(Consumer<ClientResult> done) {
        Objects.requireNonNull(done, "done");
        if (!running) {
            done.accept(new ClientResult.Failed("node " + id + " is not running"));
            return;
        }
        membership.cleanup(done);
    }

    Random random() {
        return random;
    }

    /** This node's membership state (cheap; {@link #status()} has it too). */
    public NodeState state() {
        return state;
    }

    long[] tokens() {
        return tokens.clone();
    }

    SystemStore system() {
        return system;
    }

    LocalStore dataStore() {
        return data;
    }

    void markRecovered() {
        repair.markRecovered();
    }

    /** Publishes this node's membership state and tokens through gossip. */
    void announceMembership(NodeState newState, long[] newTokens, NodeId replacing) {
        state = newState;
        tokens = newTokens.clone();
        if (replacing != null) {
            gossiper.setLocal(ApplicationState.REPLACING, replacing.id());
        }
        if (tokens.length > 0) {
            gossiper.setLocal(ApplicationState.TOKENS, ApplicationState.encodeTokens(tokens));
        }
        gossiper.setLocal(ApplicationState.STATUS, newState.name());
    }

    StreamSession.Host streamHost() {
        return new StreamHost();
    }

    /** Lets stream sessions pull ranges with range sync requests through this node. */
    private final class StreamHost implements StreamSession.Host {
        @Override
        public NodeId self() {
            return id;
        }

        @Override
        public long nowMicros() {
            return clock.nowMicros();
        }

        @Override
        public Timers timers() {
            return timers;
        }

        @Override
        public boolean isAlive(NodeId node) {
            return running && gossiper.isAlive(node);
        }

        @Override
        public long request(NodeId to, long startTokenExclusive, long endTokenInclusive, byte[] afterKey,
                            int maxEntries, Consumer<RangeSyncResponse> onResponse) {
            long requestId = requests.register(new RequestRegistry.ResponseHandler() {
                @Override
                public void onResponse(NodeId from, Message message) {
                    if (message instanceof RangeSyncResponse response && from.equals(to)) {
                        onResponse.accept(response);
                    }
                }

                @Override
                public void abort(String reason) {
                    // the session is aborted by the membership logic when the node stops
                }
            });
            network.send(to, new RangeSyncRequest(requestId, startTokenExclusive, endTokenInclusive, afterKey,
                    maxEntries));
            return requestId;
        }

        @Override
        public void forget(long requestId) {
            requests.unregister(requestId);
        }

        @Override
        public void apply(byte[] key, Cell cell, Consumer<String> onDurable) {
            applyLocally(key, cell, onDurable);
        }

        @Override
        public void lostRanges(String message) {
            emit(NodeEvent.Kind.ERROR, id, message);
        }

        @Override
        public void progress(StreamProgress progress) {
            emit(NodeEvent.Kind.STREAM_PROGRESS, id, progress.describe());
        }

        @Override
        public void persistCompleted(String moveId, Set<String> completed) {
            membership.persistStreamProgress(moveId, completed);
        }
    }

    // ---- status ----

    public NodeStatus status() {
        Ring current = currentRing();
        long now = clock.nowMicros();
        List<PeerStatus> peers = new ArrayList<>();
        Map<String, String> localStates = Map.of();
        long heartbeat = 0;
        if (gossiper != null) {
            for (EndpointState endpoint : gossiper.endpoints().values()) {
                if (!endpoint.node().equals(id)) {
                    peers.add(peerStatus(endpoint, now));
                }
            }
            localStates = gossiper.local().values();
            heartbeat = gossiper.local().heartbeatVersion();
        }
        List<Long> tokenList = new ArrayList<>(tokens.length);
        for (long token : tokens) {
            tokenList.add(token);
        }
        return new NodeStatus(id, generation, heartbeat, state, tokenList, hints.pendingCount(), data.stats(), peers,
                ringVersion, current.digest(), repair.recoveryDone(), localStates, now, membership.streams(),
                currentView().describeMoves());
    }

    private PeerStatus peerStatus(EndpointState endpoint, long now) {
        NodeId peer = endpoint.node();
        long last = gossiper.failureDetector().lastArrivalMicros(peer);
        boolean stopped = gossiper.shutdownAnnounced(peer) || endpoint.get(ApplicationState.SHUTDOWN) != null;
        NodeState peerState = stopped ? NodeState.DOWN : NodeState.fromGossip(endpoint.get(ApplicationState.STATUS));
        String load = endpoint.get(ApplicationState.LOAD);
        long loadBytes;
        try {
            loadBytes = load == null ? 0 : Long.parseLong(load);
        } catch (NumberFormatException e) {
            loadBytes = 0;
        }
        return new PeerStatus(peer, peerState, gossiper.isAlive(peer), gossiper.failureDetector().phi(peer, now),
                endpoint.generation(), endpoint.heartbeatVersion(), last < 0 ? -1 : now - last,
                ApplicationState.decodeTokens(endpoint.get(ApplicationState.TOKENS)).length, endpoint.values(),
                loadBytes);
    }

    /** Extra replicas this node asked because the first ones were slow to answer a read. */
    public long speculativeReadCount() {
        return coordinator.speculativeReadCount();
    }

    /** Read repairs this node sent as a coordinator since it was built. */
    public long readRepairCount() {
        return coordinator.readRepairCount();
    }

    /** Hints delivered since this node was built. */
    public long hintsDeliveredCount() {
        return hints.deliveredCount();
    }

    /** Whether this node's failure detector holds {@code peer} up. */
    public boolean isAlive(NodeId peer) {
        return gossiper != null && running && gossiper.isAlive(peer);
    }

    // ---- package-private services for the handlers ----

    RequestRegistry requests() {
        return requests;
    }

    Timers timers() {
        return timers;
    }

    Clock clock() {
        return clock;
    }

    Gossiper gossiper() {
        return gossiper;
    }

    Hints hints() {
        return hints;
    }

    void send(NodeId to, Message message) {
        network.send(to, message);
    }

    /** Applies to the local store; {@code onDone} gets null once durable, or the error message. */
    void applyLocally(byte[] key, Cell cell, Consumer<String> onDone) {
        data.applyDescribingError(key, cell, onDone);
    }

    void emit(NodeEvent.Kind kind, NodeId subject, String detail) {
        listener.onEvent(new NodeEvent(clock.nowMicros(), id, kind, subject, detail));
    }

    /** The failure detector of the current generation's gossiper. */
    private final class CurrentGossip implements Liveness {
        @Override
        public boolean isAlive(NodeId node) {
            return gossiper.isAlive(node);
        }

        @Override
        public long downSinceMicros(NodeId node) {
            return gossiper.downSinceMicros(node);
        }

        @Override
        public List<NodeId> livePeers() {
            return gossiper.livePeers();
        }
    }

    private final class GossipEvents implements Gossiper.Listener {
        @Override
        public void onStatesChanged(NodeId node) {
            rebuildRingIfChanged(node);
        }

        @Override
        public void onUp(NodeId node) {
            emit(NodeEvent.Kind.PEER_UP, node, node + " is up");
            if (running) {
                hints.replay(node);
            }
        }

        @Override
        public void onDown(NodeId node, String reason) {
            emit(NodeEvent.Kind.PEER_DOWN, node, node + " is down: " + reason);
        }

        @Override
        public void onRestarted(NodeId node, long oldGeneration, long newGeneration) {
            emit(NodeEvent.Kind.PEER_RESTARTED, node, node + " restarted: generation " + oldGeneration + " -> "
                    + newGeneration);
        }
    }
}
