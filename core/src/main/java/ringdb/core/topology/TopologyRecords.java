package ringdb.core.topology;

import java.util.Set;
import java.util.function.Consumer;
import ringdb.core.NodeId;
import ringdb.core.data.Cell;
import ringdb.core.node.NodeEvent;
import ringdb.core.node.NodeState;
import ringdb.core.system.SystemStore;

/**
 * This node's durable topology records, kept in its system store: its membership record (status,
 * tokens, and the dead node it replaces or replaced) and the ranges an interrupted bootstrap
 * already streamed. Each write is stamped strictly after the previous one and after the newest
 * record {@link #load} found, so the last write wins however the clock moved.
 *
 * <p>Also carries the replaced node from one record to the next: a node that replaced another
 * keeps saying so when it later leaves. Not thread-safe: the node's thread only.
 */
final class TopologyRecords {
    /** The stored status of a node whose join was aborted: it starts REMOVED and says why. */
    static final String JOIN_ABORTED = "ABORTED";

    private final TopologyContext context;
    private long lastStampMicros = Long.MIN_VALUE;
    private NodeId replacing;

    /** What {@link #load} found; each record is null when it was never written or was cleared. */
    record Saved(SystemStore.MembershipRecord membership, SystemStore.StreamRecord stream) {
    }

    TopologyRecords(TopologyContext context) {
        this.context = context;
    }

    /** Reads both records (and the replaced node of the membership record, when there is one). */
    Saved load() {
        Cell saved = context.system().membershipCell();
        Cell stream = context.system().streamCell();
        lastStampMicros = Math.max(saved == null ? Long.MIN_VALUE : saved.timestampMicros(),
                stream == null ? Long.MIN_VALUE : stream.timestampMicros());
        SystemStore.StreamRecord streamRecord = null;
        if (stream != null && !stream.isTombstone()) {
            streamRecord = SystemStore.decodeStream(stream);
        }
        SystemStore.MembershipRecord membershipRecord = null;
        if (saved != null && !saved.isTombstone()) {
            membershipRecord = SystemStore.decodeMembership(saved);
            replacing = membershipRecord.replacing();
        }
        return new Saved(membershipRecord, streamRecord);
    }

    /** The dead node this node replaces or replaced, or null. */
    NodeId replacing() {
        return replacing;
    }

    /** Sets the node this node is to replace (from its configuration, before it has a record). */
    void replacing(NodeId dead) {
        replacing = dead;
    }

    /**
     * Writes the membership record. {@code onDurable} (may be null) then gets null, or the error's
     * message once a failure was reported as an ERROR event.
     */
    void persist(NodeState status, long[] tokens, NodeId replaced, Consumer<String> onDurable) {
        context.system().writeMembership(status.name(), tokens, replaced, context.id(), nextStampMicros(), error -> {
            if (error != null) {
                context.emit(NodeEvent.Kind.ERROR, context.id(), "membership state not durable: " + error.getMessage());
            }
            if (onDurable != null) {
                onDurable.accept(error == null ? null : String.valueOf(error.getMessage()));
            }
        });
    }

    /**
     * Writes the membership record of a node whose join was aborted (abort-bootstrap) while it was
     * down: status {@link #JOIN_ABORTED}, read back as REMOVED (it never serves again).
     */
    void persistJoinAborted(long[] tokens) {
        context.system().writeMembership(JOIN_ABORTED, tokens, replacing, context.id(), nextStampMicros(), error -> {
            if (error != null) {
                context.emit(NodeEvent.Kind.ERROR, context.id(), "membership state not durable: " + error.getMessage());
            }
        });
    }

    /** Records which ranges of the bootstrap move {@code moveKey} are complete, for a resume. */
    void writeStreamProgress(String moveKey, Set<String> completed) {
        context.system().writeStream(moveKey, completed, nextStampMicros(), error -> { });
    }

    /** Forgets the bootstrap stream progress (done, or stale). */
    void clearStreamProgress() {
        context.system().clearStream(nextStampMicros(), error -> { });
    }

    private long nextStampMicros() {
        long now = context.nowMicros();
        lastStampMicros = lastStampMicros == Long.MIN_VALUE ? now : Math.max(now, lastStampMicros + 1);
        return lastStampMicros;
    }
}
