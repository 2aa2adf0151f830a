package ringdb.sim.check;

import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;

/**
 * One client operation in a {@link History}: invoked at {@code invokeMicros} on
 * {@code coordinator}, completed at {@code completeMicros} with {@code result} (-1 and null while
 * pending). Times are simulated microseconds. {@code value} is the written value for a PUT, null
 * otherwise. {@code coordinatorIncarnation} counts the coordinator's restarts.
 */
public final class Operation {
    public enum Kind { PUT, DELETE, GET }

    private final long id;
    private final Kind kind;
    private final String key;
    private final String value;
    private final ConsistencyLevel cl;
    private final NodeId coordinator;
    private final int coordinatorIncarnation;
    private final long invokeMicros;
    private long completeMicros = -1;
    private ClientResult result;

    Operation(long id, Kind kind, String key, String value, ConsistencyLevel cl, NodeId coordinator,
              int coordinatorIncarnation, long invokeMicros) {
        this.id = id;
        this.kind = kind;
        this.key = key;
        this.value = value;
        this.cl = cl;
        this.coordinator = coordinator;
        this.coordinatorIncarnation = coordinatorIncarnation;
        this.invokeMicros = invokeMicros;
    }

    void complete(ClientResult result, long atMicros) {
        this.result = result;
        this.completeMicros = atMicros;
    }

    public long id() {
        return id;
    }

    public Kind kind() {
        return kind;
    }

    public String key() {
        return key;
    }

    public String value() {
        return value;
    }

    public ConsistencyLevel cl() {
        return cl;
    }

    public NodeId coordinator() {
        return coordinator;
    }

    public int coordinatorIncarnation() {
        return coordinatorIncarnation;
    }

    public long invokeMicros() {
        return invokeMicros;
    }

    public long completeMicros() {
        return completeMicros;
    }

    public ClientResult result() {
        return result;
    }

    public boolean isPending() {
        return result == null;
    }

    /** A write (put or delete) the cluster acknowledged. */
    public boolean isAcknowledgedWrite() {
        return kind != Kind.GET && result instanceof ClientResult.Written;
    }

    /** The timestamp an acknowledged write was stamped with. */
    public long writtenTimestampMicros() {
        return ((ClientResult.Written) result).timestampMicros();
    }

    /** At least a quorum of replicas held the write durably when it was acknowledged. */
    public boolean isQuorumAcknowledged() {
        return isAcknowledgedWrite() && cl != ConsistencyLevel.ONE;
    }

    @Override
    public String toString() {
        String what = kind == Kind.PUT ? "PUT " + key + "=" + value : kind + " " + key;
        return "#" + id + " " + what + " @" + cl + " via " + coordinator + " [" + invokeMicros + ".."
                + (completeMicros < 0 ? "pending" : completeMicros) + "] -> " + (result == null ? "pending" : result);
    }
}
