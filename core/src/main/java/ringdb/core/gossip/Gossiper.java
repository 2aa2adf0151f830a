package ringdb.core.gossip;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import ringdb.core.Clock;
import ringdb.core.Network;
import ringdb.core.NodeId;
import ringdb.core.message.EndpointStateSnapshot;
import ringdb.core.message.GossipAck;
import ringdb.core.message.GossipAck2;
import ringdb.core.message.GossipDigest;
import ringdb.core.message.GossipShutdown;
import ringdb.core.message.GossipSyn;
import ringdb.core.message.Message;
import ringdb.core.message.VersionedValue;

/**
 * Cassandra-style gossip: every round the node bumps its heartbeat and sends a SYN (digests of all
 * it knows) to a random live peer, sometimes to an unreachable one and sometimes to a seed; the
 * peer answers with an ACK (states newer on its side, requests for states newer on ours) and we
 * close with an ACK2. A higher generation of an endpoint replaces its whole state.
 *
 * <p>Liveness comes from the phi accrual {@link FailureDetector}: a fresh heartbeat marks a peer
 * up, phi above the threshold (checked every round) or a shutdown announcement marks it down.
 * Not thread-safe: runs on the node's thread.
 */
public final class Gossiper implements Liveness {
    /** Callbacks into the node; run inline on the node's thread. */
    public interface Listener {
        /** Application states of {@code node} changed (or it was discovered). */
        void onStatesChanged(NodeId node);

        void onUp(NodeId node);

        void onDown(NodeId node, String reason);

        /** {@code node} came back with a new generation. */
        void onRestarted(NodeId node, long oldGeneration, long newGeneration);

        /** A state about {@code node} that {@code from} sent was refused (an implausible generation). */
        default void onRefused(NodeId from, NodeId node, String reason) {
        }

        /**
         * Other nodes hold an earlier generation of this node marked {@code status} (REMOVING or
         * REMOVED) by a removenode: this node was removed from the ring while it was down. Called once.
         */
        default void onRemovedWhileDown(long removedGeneration, String status) {
        }
    }

    /**
     * How far ahead of this node's clock a generation may be (a generation is its node's start
     * time): one year, as Cassandra's. A state of a later generation would take the node's place
     * for good (no real restart could ever replace it), so it is refused.
     */
    public static final long GENERATION_AHEAD_MAX_MICROS = 365L * 24 * 3600 * 1_000_000;

    private final NodeId self;
    private final List<NodeId> seeds;
    private final double phiConvictThreshold;
    private final Clock clock;
    private final Network network;
    private final Random random;
    private final Listener listener;
    private final FailureDetector failureDetector;
    private final TreeMap<NodeId, EndpointState> endpoints = new TreeMap<>();
    private final Set<NodeId> live = new HashSet<>();
    private final Map<NodeId, Long> downSinceMicros = new TreeMap<>();
    private final Set<NodeId> shutdownAnnounced = new HashSet<>();
    private final TreeMap<NodeId, RemoteStates> remoteStates = new TreeMap<>();
    /** Nodes this node's durable ring records show removed (or being removed): that state, by node. */
    private final TreeMap<NodeId, RemovedRecord> removedInRecords = new TreeMap<>();
    /** Peers this node's durable ring records show members: contacted until gossip brings their states. */
    private final TreeSet<NodeId> rememberedPeers = new TreeSet<>();
    /** Generations of removed nodes whose states were refused already (each reported once). */
    private final Set<String> refusalsReported = new HashSet<>();
    private boolean removedWhileDownReported;
    private EndpointState local;
    private long localVersion;
    private volatile long refusedStates; // written on the node thread; read by metrics

    public Gossiper(NodeId self, List<NodeId> seeds, long gossipIntervalMicros, double phiConvictThreshold,
                    Clock clock, Network network, Random random, Listener listener) {
        this.self = self;
        this.seeds = seeds.stream().filter(seed -> !seed.equals(self)).sorted().toList();
        this.phiConvictThreshold = phiConvictThreshold;
        this.clock = clock;
        this.network = network;
        this.random = random;
        this.listener = listener;
        this.failureDetector = new FailureDetector(2 * gossipIntervalMicros, 4 * gossipIntervalMicros);
    }

    /** Starts a new local generation with the given initial application states. */
    public void start(long generation, Map<String, String> initialStates) {
        localVersion = 0;
        local = new EndpointState(self, generation, ++localVersion);
        initialStates.forEach((name, value) -> local.put(new VersionedValue(name, value, ++localVersion)));
        endpoints.put(self, local);
    }

    /** Sets a local application state; it spreads with the next rounds. */
    public void setLocal(String name, String value) {
        if (!value.equals(local.get(name))) {
            local.put(new VersionedValue(name, value, ++localVersion));
            listener.onStatesChanged(self);
        }
    }

    /**
     * Sets an application state on another endpoint's state, with a version above any it has, so it
     * spreads like the endpoint's own states (used to mark a dead node REMOVING / REMOVED). Returns
     * false when the endpoint is unknown. Only for endpoints that cannot publish states themselves.
     *
     * <p>Other nodes may know a later heartbeat of that endpoint than this node does (this node just
     * started, or was cut off when the endpoint last spoke); a version they already passed would
     * never reach them, since digests compare the highest version only. So this node keeps the value
     * above the highest version it knows (every round, once a merge brought a higher one) until the
     * endpoint restarts or another node sets a different value.
     */
    public boolean setRemote(NodeId node, String name, String value) {
        EndpointState state = endpoints.get(node);
        if (state == null || node.equals(self)) {
            return false;
        }
        RemoteStates asserted = remoteStates.get(node);
        if (asserted == null || asserted.generation() != state.generation()) {
            asserted = new RemoteStates(state.generation(), new TreeMap<>());
            remoteStates.put(node, asserted);
        }
        asserted.values().put(name, value);
        if (!value.equals(state.get(name))) {
            state.put(new VersionedValue(name, value, state.maxVersion() + 1));
            listener.onStatesChanged(node);
        }
        return true;
    }

    /** Keeps every state set by {@link #setRemote} the newest of its endpoint (see there). */
    private void reassertRemoteStates() {
        for (NodeId node : new ArrayList<>(remoteStates.keySet())) {
            RemoteStates asserted = remoteStates.get(node);
            EndpointState state = endpoints.get(node);
            if (state == null || state.generation() != asserted.generation()) {
                remoteStates.remove(node); // the endpoint restarted: it speaks for itself again
                continue;
            }
            asserted.values().entrySet().removeIf(entry -> !entry.getValue().equals(state.get(entry.getKey())));
            for (Map.Entry<String, String> entry : asserted.values().entrySet()) {
                if (state.versionOf(entry.getKey()) < state.maxVersion()) {
                    state.put(new VersionedValue(entry.getKey(), entry.getValue(), state.maxVersion() + 1));
                }
            }
            if (asserted.values().isEmpty()) {
                remoteStates.remove(node);
            }
        }
    }

    /** States this node set on another endpoint of {@code generation} (name to value). */
    private record RemoteStates(long generation, TreeMap<String, String> values) {
    }

    /** One gossip round: heartbeat, SYN to a live peer, maybe to an unreachable one and a seed, then convictions. */
    public void round() {
        local.setHeartbeatVersion(++localVersion);
        reassertRemoteStates();
        GossipSyn syn = new GossipSyn(digests());
        List<NodeId> livePeers = sorted(live);
        List<NodeId> unreachable = unreachablePeers();
        NodeId liveTarget = pick(livePeers);
        if (liveTarget != null) {
            network.send(liveTarget, syn);
        }
        if (!unreachable.isEmpty() && random.nextDouble() < unreachable.size() / (livePeers.size() + 1.0)) {
            network.send(pick(unreachable), syn);
        }
        if (!seeds.isEmpty() && (liveTarget == null || !seeds.contains(liveTarget))) {
            boolean always = livePeers.size() < seeds.size();
            double probability = seeds.size() / (double) Math.max(1, livePeers.size() + unreachable.size());
            if (always || random.nextDouble() < probability) {
                network.send(pick(seeds), syn);
            }
        }
        checkConvictions();
    }

    /**
     * Opens a gossip exchange with {@code peer} now (a SYN outside the rounds): its ACK brings what
     * it knows newer, our ACK2 what we do. Used when a request shows that the two hold different rings.
     */
    public void exchangeWith(NodeId peer) {
        network.send(peer, new GossipSyn(digests()));
    }

    /** Announces a deliberate stop to every live peer. */
    public void announceShutdown() {
        setLocal(ApplicationState.SHUTDOWN, "true");
        for (NodeId peer : sorted(live)) {
            network.send(peer, new GossipShutdown(local.generation()));
        }
    }

    /** Handles a gossip message; returns false when {@code message} is not a gossip message. */
    public boolean handle(NodeId from, Message message) {
        if (message instanceof GossipSyn syn) {
            onSyn(from, syn);
        } else if (message instanceof GossipAck ack) {
            List<NodeId> refused = applyAll(from, ack.states());
            List<EndpointStateSnapshot> answer = new ArrayList<>();
            for (NodeId node : refused) {
                EndpointState removed = endpoints.get(node);
                if (removed != null) {
                    answer.add(removed.snapshotAfter(0)); // teach the peer the removal it missed
                }
            }
            for (GossipDigest request : ack.requests()) {
                EndpointState state = endpoints.get(request.node());
                if (state != null) {
                    long after = state.generation() == request.generation() ? request.maxVersion() : 0;
                    answer.add(state.snapshotAfter(after));
                }
            }
            network.send(from, new GossipAck2(answer));
        } else if (message instanceof GossipAck2 ack2) {
            applyAll(from, ack2.states());
        } else if (message instanceof GossipShutdown shutdown) {
            onShutdown(from, shutdown.generation());
        } else {
            return false;
        }
        return true;
    }

    private void onSyn(NodeId from, GossipSyn syn) {
        List<GossipDigest> requests = new ArrayList<>();
        List<EndpointStateSnapshot> states = new ArrayList<>();
        Set<NodeId> mentioned = new HashSet<>();
        for (GossipDigest digest : syn.digests()) {
            mentioned.add(digest.node());
            EndpointState state = endpoints.get(digest.node());
            if (state != null && digest.generation() != state.generation()
                    && marksRemoval(state.get(ApplicationState.STATUS))) {
                // this node holds it removed: send the removal (it outranks the peer's generation) and
                // ask for the peer's in case that one is a later removal
                states.add(state.snapshotAfter(0));
                if (digest.generation() > state.generation()) {
                    requests.add(new GossipDigest(digest.node(), digest.generation(), 0));
                }
            } else if (state == null || digest.generation() > state.generation()) {
                requests.add(new GossipDigest(digest.node(), digest.generation(), 0));
            } else if (digest.generation() < state.generation()) {
                states.add(state.snapshotAfter(0));
            } else if (digest.maxVersion() > state.maxVersion()) {
                requests.add(new GossipDigest(digest.node(), digest.generation(), state.maxVersion()));
            } else if (digest.maxVersion() < state.maxVersion()) {
                states.add(state.snapshotAfter(digest.maxVersion()));
            }
        }
        for (EndpointState state : endpoints.values()) {
            if (!mentioned.contains(state.node())) {
                states.add(state.snapshotAfter(0));
            }
        }
        network.send(from, new GossipAck(requests, states));
    }

    /**
     * Applies the states {@code from} sent; returns the nodes whose state was refused because this
     * node holds them removed (their removal should be sent back, see {@link #removalOutranks}).
     */
    private List<NodeId> applyAll(NodeId from, List<EndpointStateSnapshot> snapshots) {
        List<NodeId> refusedAsRemoved = new ArrayList<>();
        for (EndpointStateSnapshot snapshot : snapshots) {
            if (snapshot.node().equals(self)) {
                noticeOwnRemoval(snapshot);
                continue;
            }
            long nowMicros = clock.nowMicros();
            if (snapshot.generation() - nowMicros > GENERATION_AHEAD_MAX_MICROS) {
                refusedStates++;
                listener.onRefused(from, snapshot.node(), "refused gossip from " + from + " about " + snapshot.node()
                        + ": generation " + snapshot.generation() + " is more than a year ahead of this node's clock ("
                        + nowMicros + " µs)");
                continue;
            }
            if (!apply(snapshot, snapshot.node().equals(from))) {
                restoreRemoval(snapshot.node());
                refusedAsRemoved.add(snapshot.node());
                reportRemovedRefusal(from, snapshot);
            }
        }
        return refusedAsRemoved;
    }

    /** States refused by this gossiper (generations implausibly far ahead). */
    public long refusedStates() {
        return refusedStates;
    }

    /** Applies one state; false when it was refused because this node holds its node removed. */
    private boolean apply(EndpointStateSnapshot snapshot, boolean direct) {
        NodeId node = snapshot.node();
        long now = clock.monotonicMicros();
        EndpointState known = endpoints.get(node);
        boolean replaces = known == null || snapshot.generation() != known.generation();
        if (replaces && !outranks(snapshot, known)) {
            return !heldRemoved(node, known) || marksRemoval(statusIn(snapshot));
        }
        if (replaces ? snapshot.afterVersion() != 0 : snapshot.afterVersion() > known.maxVersion()) {
            // a partial state that answers what an earlier incarnation of this node knew: applying it
            // would leave a permanent gap; the next exchange sends what is missing
            return true;
        }
        if (replaces) {
            EndpointState fresh = new EndpointState(node, snapshot.generation(), 0);
            fresh.merge(snapshot);
            endpoints.put(node, fresh);
            shutdownAnnounced.remove(node);
            failureDetector.remove(node);
            if (known != null && snapshot.generation() > known.generation()) {
                listener.onRestarted(node, known.generation(), snapshot.generation());
            }
            listener.onStatesChanged(node);
            if (known != null && snapshot.generation() < known.generation()) {
                // a removal outranked the later generation of a removed node that came back: it stays down
                markDown(node, "removed from the ring while it was down; its later generation is refused");
                downSinceMicros.putIfAbsent(node, now);
            } else if ((known != null || direct) && !marksRemoval(fresh.get(ApplicationState.STATUS))) {
                heartbeat(node, now);
            } else {
                // no sign of life: a node held up under its earlier generation is down now, since the
                // failure detector forgot that generation's heartbeats and would never convict it
                markDown(node, "its new generation is being removed from the ring");
                downSinceMicros.putIfAbsent(node, now);
            }
            return true;
        }
        int changed = known.merge(snapshot);
        if ((changed & EndpointState.STATES_CHANGED) != 0) {
            listener.onStatesChanged(node);
        }
        if ((changed & EndpointState.HEARTBEAT_CHANGED) != 0 && !marksRemoval(known.get(ApplicationState.STATUS))) {
            // a node being removed is dead: the heartbeats of its generation that still reach this node
            // second hand (from peers that heard it later than this node did) are no sign of life
            heartbeat(node, now);
        }
        return true;
    }

    /**
     * Whether a state of another generation than the one this node holds ({@code known}, null when
     * none) takes its place. States are ordered by (marked by a removal, generation): a state a
     * removenode marked REMOVING or REMOVED outranks any state not so marked, whatever their
     * generations, so a removed node that restarts cannot erase its removal with a new generation
     * (as Cassandra's gossiper quarantines removed endpoints). Only a full state can take a place.
     */
    private boolean outranks(EndpointStateSnapshot snapshot, EndpointState known) {
        boolean marked = marksRemoval(statusIn(snapshot));
        if (known == null) {
            return marked || !removedInRecords.containsKey(snapshot.node());
        }
        boolean knownMarked = marksRemoval(known.get(ApplicationState.STATUS));
        if (marked != knownMarked) {
            return marked && snapshot.afterVersion() == 0;
        }
        return snapshot.generation() > known.generation();
    }

    /** Whether this node holds {@code node} removed (or being removed), in gossip or in its records. */
    private boolean heldRemoved(NodeId node, EndpointState known) {
        return known == null ? removedInRecords.containsKey(node)
                : marksRemoval(known.get(ApplicationState.STATUS));
    }

    /** Whether {@code status} is one a removenode sets on a dead node's behalf (REMOVING, REMOVED). */
    public static boolean marksRemoval(String status) {
        return "REMOVING".equals(status) || "REMOVED".equals(status);
    }

    private static String statusIn(EndpointStateSnapshot snapshot) {
        for (VersionedValue value : snapshot.states()) {
            if (value.name().equals(ApplicationState.STATUS)) {
                return value.value();
            }
        }
        return null;
    }

    /**
     * Notes a node this node's durable ring records show removed or being removed (at start, before
     * any gossip), with the application states of that generation as recorded (STATUS, TOKENS...):
     * no state of it that is not marked removed is accepted; if one arrives (the removed node came
     * back) before any peer brought its removal, the recorded state is taken up again and spread, so
     * the removal outranks the node's new generation everywhere.
     */
    public void rememberRemoved(NodeId node, long generation, Map<String, String> states) {
        if (!node.equals(self)) {
            removedInRecords.put(node, new RemovedRecord(generation, Map.copyOf(states)));
        }
    }

    private record RemovedRecord(long generation, Map<String, String> states) {
    }

    /**
     * Notes a peer this node's durable ring records show a member of the ring (at start, before any
     * gossip). Until gossip brings a state of it, it is contacted like an unreachable peer, so a
     * restarted node finds the ring even when none of its seeds answers (a seed that left the ring,
     * or is down while the others restart), as Cassandra gossips with the endpoints its peers table
     * remembers.
     */
    public void rememberPeer(NodeId node) {
        if (!node.equals(self)) {
            rememberedPeers.add(node);
        }
    }

    /** Takes up the recorded removal of {@code node} as its gossip state (see {@link #rememberRemoved}). */
    private void restoreRemoval(NodeId node) {
        RemovedRecord record = removedInRecords.get(node);
        if (record == null || endpoints.containsKey(node)) {
            return;
        }
        EndpointState restored = new EndpointState(node, record.generation(), 0);
        long version = 0;
        for (Map.Entry<String, String> state : new TreeMap<>(record.states()).entrySet()) {
            restored.put(new VersionedValue(state.getKey(), state.getValue(), ++version));
        }
        endpoints.put(node, restored);
        downSinceMicros.putIfAbsent(node, clock.monotonicMicros());
        listener.onStatesChanged(node);
    }

    /** A state of this very node from a peer: one of an earlier generation marked removed means this node was. */
    private void noticeOwnRemoval(EndpointStateSnapshot snapshot) {
        String status = statusIn(snapshot);
        if (snapshot.generation() < local.generation() && marksRemoval(status) && !removedWhileDownReported) {
            removedWhileDownReported = true;
            listener.onRemovedWhileDown(snapshot.generation(), status);
        }
    }

    private void reportRemovedRefusal(NodeId from, EndpointStateSnapshot snapshot) {
        if (refusalsReported.add(snapshot.node() + "@" + snapshot.generation())) {
            refusedStates++;
            listener.onRefused(from, snapshot.node(), "refused gossip from " + from + " about " + snapshot.node()
                    + " generation " + snapshot.generation() + ": " + snapshot.node()
                    + " was removed from the ring (removenode); a removed node cannot rejoin under its id");
        }
    }

    private void heartbeat(NodeId node, long now) {
        if (shutdownAnnounced.contains(node)) {
            return;
        }
        failureDetector.report(node, now);
        if (live.add(node)) {
            downSinceMicros.remove(node);
            listener.onUp(node);
        }
    }

    private void onShutdown(NodeId from, long generation) {
        EndpointState state = endpoints.get(from);
        if (state == null || state.generation() != generation) {
            return;
        }
        shutdownAnnounced.add(from);
        markDown(from, "announced shutdown");
    }

    private void checkConvictions() {
        long now = clock.monotonicMicros();
        for (NodeId peer : sorted(live)) {
            double phi = failureDetector.phi(peer, now);
            if (phi > phiConvictThreshold) {
                markDown(peer, String.format("phi %.1f above %.1f", phi, phiConvictThreshold));
            }
        }
    }

    private void markDown(NodeId peer, String reason) {
        if (live.remove(peer)) {
            downSinceMicros.put(peer, clock.monotonicMicros());
            listener.onDown(peer, reason);
        }
    }

    private List<GossipDigest> digests() {
        List<GossipDigest> out = new ArrayList<>(endpoints.size());
        for (EndpointState state : endpoints.values()) {
            out.add(state.digest());
        }
        Collections.shuffle(out, random);
        return out;
    }

    /** Peers not held up and not stopped, with the remembered peers gossip told nothing of yet, in id order. */
    private List<NodeId> unreachablePeers() {
        TreeSet<NodeId> candidates = new TreeSet<>(endpoints.keySet());
        candidates.addAll(rememberedPeers);
        List<NodeId> out = new ArrayList<>();
        for (NodeId node : candidates) {
            EndpointState state = endpoints.get(node);
            boolean stopped = state != null && (state.get(ApplicationState.SHUTDOWN) != null
                    || ApplicationState.SHUTDOWN.equals(state.get(ApplicationState.STATUS)));
            if (!node.equals(self) && !live.contains(node) && !stopped) {
                out.add(node);
            }
        }
        return out;
    }

    private NodeId pick(List<NodeId> nodes) {
        return nodes.isEmpty() ? null : nodes.get(random.nextInt(nodes.size()));
    }

    private static List<NodeId> sorted(Set<NodeId> nodes) {
        List<NodeId> out = new ArrayList<>(nodes);
        Collections.sort(out);
        return out;
    }

    // ---- queries ----

    /** Whether the failure detector holds {@code node} up (always true for this node). */
    @Override
    public boolean isAlive(NodeId node) {
        return node.equals(self) || live.contains(node);
    }

    /** Since when {@code node} has been down on this node's monotonic clock, or -1 when it is up. */
    @Override
    public long downSinceMicros(NodeId node) {
        Long since = downSinceMicros.get(node);
        return since == null ? -1 : since;
    }

    public EndpointState state(NodeId node) {
        return endpoints.get(node);
    }

    public EndpointState local() {
        return local;
    }

    /** Every endpoint known, this node included, in id order (read-only). */
    public Map<NodeId, EndpointState> endpoints() {
        return Collections.unmodifiableMap(endpoints);
    }

    public boolean shutdownAnnounced(NodeId node) {
        return shutdownAnnounced.contains(node);
    }

    public FailureDetector failureDetector() {
        return failureDetector;
    }

    /** Live peers (not this node), in id order. */
    @Override
    public List<NodeId> livePeers() {
        return sorted(live);
    }
}
