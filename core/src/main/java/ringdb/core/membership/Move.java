package ringdb.core.membership;

import java.util.Arrays;
import java.util.Objects;
import ringdb.core.NodeId;

/**
 * One membership change in progress, as gossip shows it.
 *
 * <ul>
 *   <li>JOIN: {@code subject} bootstraps with {@code tokens}.</li>
 *   <li>LEAVE: {@code subject} decommissions; its ranges move to the nodes that will own them.</li>
 *   <li>REMOVE: {@code subject} is dead and an operator removes it; survivors re-replicate.</li>
 *   <li>REPLACE: {@code subject} takes over the tokens of the dead {@code replaced}.</li>
 * </ul>
 *
 * {@code generation} is the gossip generation of the node whose state announces the move (the
 * subject's): it makes {@link #id()} unique across restarts. {@code readsMoved}: a move that
 * reached its second step, where reads go to the replicas of the ring after the move (writes still
 * go to both): a join or replacement once it streamed, a leave or removal once its gainers did.
 * Immutable.
 */
public record Move(Kind kind, NodeId subject, NodeId replaced, long generation, long[] tokens, boolean readsMoved) {
    public enum Kind { JOIN, LEAVE, REMOVE, REPLACE }

    /** A move at its first step (reads from the replicas before it). */
    public Move(Kind kind, NodeId subject, NodeId replaced, long generation, long[] tokens) {
        this(kind, subject, replaced, generation, tokens, false);
    }

    public Move {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        tokens = tokens.clone();
        if (kind == Kind.REPLACE) {
            Objects.requireNonNull(replaced, "replaced");
        }
    }

    /** A stable name: "LEAVE:node3:1234", the unit nodes acknowledge through gossip. */
    public String id() {
        return kind + ":" + subject + ":" + generation;
    }

    /**
     * What a node acknowledges in MOVES_SEEN for this move at its current step: {@link #id()}, with
     * "+READS" once reads moved, so a progress barrier tells the steps apart.
     */
    public String stepId() {
        return readsMoved ? id() + "+READS" : id();
    }

    /** The node that goes away with this move and can no longer serve as a stream source, or null. */
    public NodeId departing() {
        return switch (kind) {
            case REMOVE -> subject;
            case REPLACE -> replaced;
            default -> null;
        };
    }

    /** What an operator reads: "node6 joining", "node3 leaving", "node4 being removed"... */
    public String describe() {
        return switch (kind) {
            case JOIN -> subject + " joining" + (readsMoved ? " (serving reads)" : "");
            case LEAVE -> subject + " leaving" + (readsMoved ? " (reads moved to the new replicas)" : "");
            case REMOVE -> subject + " being removed" + (readsMoved ? " (reads moved to the new replicas)" : "");
            case REPLACE -> subject + " replacing " + replaced + (readsMoved ? " (serving reads)" : "");
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Move m && m.kind == kind && m.subject.equals(subject)
                && Objects.equals(m.replaced, replaced)
                && m.generation == generation && Arrays.equals(m.tokens, tokens) && m.readsMoved == readsMoved;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, subject, replaced, generation, readsMoved) * 31 + Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return "Move[" + id() + (replaced == null ? "" : " replacing " + replaced) + ", " + tokens.length + " tokens"
                + (readsMoved ? ", reads moved" : "") + "]";
    }
}
