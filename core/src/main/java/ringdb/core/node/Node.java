package ringdb.core.node;

import java.util.Random;
import java.util.function.Consumer;
import ringdb.core.Clock;
import ringdb.core.Network;
import ringdb.core.NodeId;
import ringdb.core.Timers;
import ringdb.core.message.Message;
import ringdb.core.ring.Ring;
import ringdb.core.store.LocalStore;

/**
 * The node state machine: coordinator, replica, hints, gossip, failure detector and recovery.
 *
 * <p>Threading: every method must be called on the node's own thread (the simulator's loop or the
 * real runtime's single node executor), as must the {@link Timers} tasks and {@link LocalStore}
 * completions. No locks; no I/O of its own.
 */
public final class Node {
    /** Pass as a timestamp to let the coordinator stamp the mutation. */
    public static final long COORDINATOR_TIMESTAMP = Long.MIN_VALUE;

    private final NodeId id;
    private final NodeConfig config;

    public Node(NodeId id, NodeConfig config, Clock clock, Timers timers, Network network, Random random,
                LocalStore data, LocalStore hints, NodeListener listener) {
        this.id = id;
        this.config = config;
    }

    public NodeId id() {
        return id;
    }

    public NodeConfig config() {
        return config;
    }

    /** Starts a new generation: gossip, the failure detector, hint replay and the recovery catch-up. */
    public void start() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Announces the shutdown through gossip, fails requests in flight, cancels timers. */
    public void stop() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Every inbound message. Ignored before start and after stop. */
    public void receive(NodeId from, Message message) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Sets an application state spread by gossip (e.g. "http" → "127.0.0.1:8081"). */
    public void setLocalApplicationState(String name, String value) {
        throw new UnsupportedOperationException("not yet");
    }

    public void put(byte[] key, byte[] value, ConsistencyLevel cl, long timestampMicros, Consumer<ClientResult> done) {
        throw new UnsupportedOperationException("not yet");
    }

    public void delete(byte[] key, ConsistencyLevel cl, long timestampMicros, Consumer<ClientResult> done) {
        throw new UnsupportedOperationException("not yet");
    }

    public void get(byte[] key, ConsistencyLevel cl, Consumer<ClientResult> done) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Synchronises every range this node replicates from every other live replica. */
    public void repair(Consumer<ClientResult> done) {
        throw new UnsupportedOperationException("not yet");
    }

    public Ring ring() {
        throw new UnsupportedOperationException("not yet");
    }

    public NodeStatus status() {
        throw new UnsupportedOperationException("not yet");
    }
}
