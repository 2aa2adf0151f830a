package ringdb.core.topology;

import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.gossip.EndpointState;
import ringdb.core.hints.Hints;
import ringdb.core.membership.MembershipView;
import ringdb.core.node.NodeConfig;
import ringdb.core.node.NodeEvent;
import ringdb.core.node.NodeState;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.store.LocalStore;
import ringdb.core.streaming.StreamSession;
import ringdb.core.system.SystemStore;

/**
 * Everything the topology state machines (join, replace, decommission, removenode, cleanup and the
 * gains from other nodes' moves) may ask of their node, and nothing more. The node implements it
 * (an adapter in {@code Node}); a test may implement it with fakes.
 *
 * <p>Threading: every method is called on the node's thread only, as are the timer tasks and store
 * completions it leads to. Nothing here blocks or does I/O of its own; effects go through the node
 * in the order they are called (the order is part of the simulator's trace).
 */
public interface TopologyContext {

    // ---- this node ----

    NodeId id();

    /** Read through its accessors only. */
    NodeConfig config();

    /** The gossip generation of this node's current run. */
    long generation();

    /** False before the node started and once it stopped; a late timer or completion checks it. */
    boolean isRunning();

    /** This node's membership state as it gossips it. */
    NodeState state();

    /** This node's tokens (a copy; empty before it chose them). */
    long[] tokens();

    /**
     * Makes {@code state} and {@code tokens} this node's own and publishes them through gossip (with
     * REPLACING when {@code replacing} is not null). Does not persist them: the caller does that.
     */
    void announceMembership(NodeState state, long[] tokens, NodeId replacing);

    /** This node holds its ranges' data (a join streamed them): no recovery catch-up is needed. */
    void markRecovered();

    /** Stops the node (it left the ring). */
    void stop();

    /** The ring and the moves in progress, as gossip shows them to this node now. */
    MembershipView membershipView();

    /**
     * The replication factors keys are placed with, ascending, the cluster's last (just the cluster's
     * while no keyspace asks for fewer): moves gain, stream and wait for the replicas of each.
     */
    List<Integer> replicationFactors();

    /**
     * The replication factor of each data store key as the schema stands now (its keyspace's, at most
     * the cluster's), fixed and safe to call from any thread.
     */
    ToIntFunction<byte[]> keyFactors();

    /** Reports what the node did or noticed (events, the dashboard, the simulator's trace). */
    void emit(NodeEvent.Kind kind, NodeId subject, String detail);

    // ---- time and randomness ----

    /** The node's wall clock, in microseconds since the epoch: for timestamps of records only. */
    long nowMicros();

    /** The node's monotonic clock, in microseconds: for every phase timing and delay. */
    long monotonicMicros();

    Timers timers();

    /** The node's seeded random source: every draw is part of the simulator's trace. */
    Random random();

    // ---- gossip ----

    /** What gossip knows of {@code node} (this node included), or null when it never heard of it. */
    EndpointState gossipState(NodeId node);

    /** Whether the failure detector holds {@code node} up. */
    boolean isAlive(NodeId node);

    /** Whether the failure detector holds any peer up. */
    boolean hasLivePeers();

    /** Publishes the ids of the moves whose gains this node finished streaming (MOVES_DONE). */
    void publishMovesDone(String moveIds);

    /** Publishes the ids of the moves this node's ring shows in progress (MOVES_SEEN). */
    void publishMovesSeen(String moveIds);

    /** Publishes the step this node's move reached (JOIN_STEP: "READS" once reads moved, "" to clear it). */
    void publishJoinStep(String step);

    /** Sets the gossiped STATUS of the dead node {@code node} on its behalf (REMOVING, REMOVED). */
    void setRemoteStatus(NodeId node, NodeState status);

    /** Sets the step of the removal of the dead node {@code node} on its behalf (JOIN_STEP, see there). */
    void setRemoteJoinStep(NodeId node, String step);

    /** Names {@code runner} as the node running the removal of the dead node {@code node} (REMOVAL_RUNNER). */
    void setRemovalRunner(NodeId node, NodeId runner);

    // ---- stores and streams ----

    /** The node's own durable records (membership state, stream progress). */
    SystemStore system();

    /**
     * Removes from the data store every entry whose token {@code keep} rejects, without waiting (the
     * store rewrites its tables off the node's thread); {@code done} gets how many were removed, or
     * the failure, on the node's thread (see {@link LocalStore#purgeAsync}).
     */
    void purgeData(Predicate<DecoratedKey> keep, LocalStore.Completion<Long> done);

    /** What a stream session pulling ranges into this node runs on. */
    StreamSession.Host streamHost();

    // ---- hints this node holds ----

    /** Nodes this node holds hints for, in id order. */
    List<NodeId> hintTargets();

    /**
     * Hands the hints held for {@code target} (it is gone for good) over to the current replicas of
     * their keys; says how many were handed over and how many dropped (no new owner could take them).
     */
    Hints.HandOver handOverHints(NodeId target);

    long hintsPendingFor(NodeId target);

    long hintsPending();

    /** Starts replaying the hints held for every live target. */
    void replayHintsToLiveTargets();
}
