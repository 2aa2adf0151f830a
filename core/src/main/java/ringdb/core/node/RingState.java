package ringdb.core.node;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import ringdb.core.NodeId;
import ringdb.core.gossip.ApplicationState;
import ringdb.core.gossip.EndpointState;
import ringdb.core.gossip.Gossiper;
import ringdb.core.membership.Member;
import ringdb.core.membership.MembershipView;
import ringdb.core.ring.Ring;
import ringdb.core.system.SystemStore;

/**
 * The ring members as gossip last showed them to this node, and the {@link MembershipView} built
 * from them: rebuilt lazily, once per batch of changes, each rebuild a new version. Peers' members
 * are remembered in the system store (as Cassandra keeps its peers table), so a restarted node
 * knows the ring before gossip told it anything.
 *
 * <p>It lives in the node package rather than in {@code membership}: it is the node's own mutable
 * state, glue between gossip, the system store and the membership values, while {@code membership}
 * stays a package of pure values that depends on neither. Not thread-safe: the node's thread only.
 */
final class RingState {
    private final NodeId self;
    private final int replicationFactor;
    private final SystemStore system;
    private final LongSupplier timestamps;
    private final NodeEvent.Sink events;
    private final Map<NodeId, String> inputs = new TreeMap<>();
    private final Map<NodeId, Member> members = new TreeMap<>();
    private MembershipView view = MembershipView.empty(1);
    private long version;
    private boolean dirty;

    /** {@code timestamps}: strictly increasing write timestamps for the remembered members. */
    RingState(NodeId self, int replicationFactor, SystemStore system, LongSupplier timestamps,
              NodeEvent.Sink events) {
        this.self = Objects.requireNonNull(self, "self");
        this.replicationFactor = replicationFactor;
        this.system = Objects.requireNonNull(system, "system");
        this.timestamps = Objects.requireNonNull(timestamps, "timestamps");
        this.events = Objects.requireNonNull(events, "events");
    }

    /** Forgets every member, before a start loads the remembered ones with {@link #loaded}. */
    void clear() {
        inputs.clear();
        members.clear();
    }

    /** A member remembered in the system store, at start. */
    void loaded(Member member) {
        members.put(member.node(), member);
    }

    /**
     * The peers whose remembered membership shows them removed or being removed (REMOVING, REMOVED):
     * gossip must not let a later generation of them back in (see Gossiper#rememberRemoved).
     */
    void forEachRemoved(Gossiper gossiper) {
        for (Member member : members.values()) {
            if (member.node().equals(self) || !Gossiper.marksRemoval(member.status())) {
                continue;
            }
            Map<String, String> states = new TreeMap<>();
            states.put(ApplicationState.STATUS, member.status());
            states.put(ApplicationState.TOKENS, ApplicationState.encodeTokens(member.tokens()));
            if (member.replacing() != null) {
                states.put(ApplicationState.REPLACING, member.replacing().id());
            }
            if (member.readsMoved()) {
                states.put(ApplicationState.JOIN_STEP, ApplicationState.JOIN_STEP_READS);
            }
            gossiper.rememberRemoved(member.node(), member.generation(), states);
        }
    }

    /**
     * The peers whose remembered membership shows them in the ring (not LEFT, not removed or being
     * removed): gossip contacts them even before it heard of them (see Gossiper#rememberPeer).
     */
    void forEachRemembered(Gossiper gossiper) {
        for (Member member : members.values()) {
            NodeState status = NodeState.fromGossip(member.status());
            if (status != NodeState.LEFT && !Gossiper.marksRemoval(member.status())) {
                gossiper.rememberPeer(member.node());
            }
        }
    }

    /** Forces a new version of the view at the next read (a new generation of this node). */
    void invalidate() {
        dirty = true;
    }

    /**
     * Notes {@code changed}'s membership as gossip reports it in {@code endpoint} (null: unknown,
     * nothing to note); the view is rebuilt at the next read if it changed.
     */
    void update(NodeId changed, EndpointState endpoint) {
        if (endpoint == null) {
            return;
        }
        String input = membershipInput(endpoint);
        if (input.equals(inputs.get(changed))) {
            return;
        }
        inputs.put(changed, input);
        if (input.isEmpty()) {
            if (members.remove(changed) != null) {
                remember(changed, null);
            }
        } else {
            String replaced = endpoint.get(ApplicationState.REPLACING);
            Member member = new Member(changed, endpoint.generation(), endpoint.get(ApplicationState.STATUS),
                    ApplicationState.decodeTokens(endpoint.get(ApplicationState.TOKENS)),
                    replaced == null || replaced.isEmpty() ? null : NodeId.of(replaced),
                    ApplicationState.JOIN_STEP_READS.equals(endpoint.get(ApplicationState.JOIN_STEP)));
            members.put(changed, member);
            remember(changed, member);
        }
        dirty = true;
    }

    /** Persists (or, with null, forgets) a peer's ring membership. */
    private void remember(NodeId node, Member member) {
        if (node.equals(self)) {
            return;
        }
        system.writeMember(node, member, timestamps.getAsLong(), error -> {
            if (error != null) {
                events.emit(NodeEvent.Kind.ERROR, node, "ring membership of " + node + " not durable: "
                        + error.getMessage());
            }
        });
    }

    /** The ring and the membership changes in progress. */
    MembershipView view() {
        if (dirty) {
            view = MembershipView.of(members.values(), replicationFactor, ++version);
            dirty = false;
        }
        return view;
    }

    /** The ring of the current view. */
    Ring ring() {
        return view().natural();
    }

    /** The version of the view last built (it grows with every rebuild). */
    long version() {
        return version;
    }

    /** "status|tokens|replacing|generation|join step" of an endpoint with tokens; "" when it has none. */
    private static String membershipInput(EndpointState endpoint) {
        String status = endpoint.get(ApplicationState.STATUS);
        String tokenList = endpoint.get(ApplicationState.TOKENS);
        if (status == null || tokenList == null || tokenList.isEmpty()) {
            return "";
        }
        return status + "|" + tokenList + "|" + endpoint.get(ApplicationState.REPLACING) + "|" + endpoint.generation()
                + "|" + endpoint.get(ApplicationState.JOIN_STEP);
    }
}
