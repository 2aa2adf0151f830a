package ringdb.sim.rows;

import java.util.List;
import ringdb.core.NodeId;
import ringdb.core.coordinator.ClientResult;
import ringdb.core.coordinator.ConsistencyLevel;
import ringdb.core.coordinator.SliceQuery;
import ringdb.core.ring.DecoratedKey;
import ringdb.core.rows.ReadCommand;
import ringdb.core.store.LocalStore;

/**
 * One operation of the row workload: a write of one partition (its entries, as the coordinator
 * stamped them) or a read of a slice of one partition, with when it was invoked and completed and
 * its result. Simulation thread only.
 */
public final class RowOp {
    /** What the operation did. */
    public enum Kind { WRITE, READ }

    private final int id;
    private final int client;
    private final Kind kind;
    private final String what;
    private final ConsistencyLevel cl;
    private final NodeId coordinator;
    private final int partition;
    private final long invokedMicros;
    private List<LocalStore.Entry> entries = List.of();
    private SliceQuery query;
    private ReadCommand command;
    private boolean scan;
    private DecoratedKey scanAfter;
    private long completedMicros = -1;
    private long clockSecondsAtCompletion;
    private ClientResult result;

    RowOp(int id, int client, Kind kind, String what, ConsistencyLevel cl, NodeId coordinator, int partition,
          long invokedMicros) {
        this.id = id;
        this.client = client;
        this.kind = kind;
        this.what = what;
        this.cl = cl;
        this.coordinator = coordinator;
        this.partition = partition;
        this.invokedMicros = invokedMicros;
    }

    void written(List<LocalStore.Entry> stamped) {
        this.entries = List.copyOf(stamped);
    }

    void reading(SliceQuery slice, ReadCommand read) {
        this.query = slice;
        this.command = read;
    }

    void scanning(DecoratedKey after) {
        this.scan = true;
        this.scanAfter = after;
    }

    void complete(ClientResult outcome, long atMicros, long clockSeconds) {
        this.result = outcome;
        this.completedMicros = atMicros;
        this.clockSecondsAtCompletion = clockSeconds;
    }

    public int id() {
        return id;
    }

    public int client() {
        return client;
    }

    public Kind kind() {
        return kind;
    }

    public String what() {
        return what;
    }

    public ConsistencyLevel cl() {
        return cl;
    }

    public NodeId coordinator() {
        return coordinator;
    }

    public int partition() {
        return partition;
    }

    public long invokedMicros() {
        return invokedMicros;
    }

    public long completedMicros() {
        return completedMicros;
    }

    public boolean isDone() {
        return completedMicros >= 0;
    }

    /** The largest node clock, in seconds, when the operation completed. */
    public long clockSecondsAtCompletion() {
        return clockSecondsAtCompletion;
    }

    /** A write's entries as its coordinator built and stamped them (empty until it ran, or for a read). */
    public List<LocalStore.Entry> entries() {
        return entries;
    }

    public SliceQuery query() {
        return query;
    }

    public ReadCommand command() {
        return command;
    }

    /** Whether this read is a page of a scan of the whole table over the ring ({@code Node.scanTable}). */
    public boolean isScan() {
        return scan;
    }

    /** Where a scan's page starts (exclusive; null = the start of the ring). */
    public DecoratedKey scanAfter() {
        return scanAfter;
    }

    public ClientResult result() {
        return result;
    }

    /** A write its coordinator acknowledged at its consistency level. */
    public boolean acknowledged() {
        return kind == Kind.WRITE && result instanceof ClientResult.Written;
    }

    @Override
    public String toString() {
        return "#" + id + " client " + client + " " + what + " at " + cl + " via " + coordinator + " ["
                + invokedMicros + ".." + (completedMicros < 0 ? "pending" : completedMicros) + " us]"
                + (result == null ? "" : " -> " + result.getClass().getSimpleName());
    }
}
