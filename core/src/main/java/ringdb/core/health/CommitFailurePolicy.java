package ringdb.core.health;

import java.util.Locale;

/**
 * What a node does when its commit log fails: an append, a new segment or an fsync (Cassandra's
 * {@code commit_failure_policy}). Whatever the policy, a write whose record is not durable is
 * never acknowledged, and the commit log refuses every later write until the node restarts.
 */
public enum CommitFailurePolicy {
    /** Stop serving clients and peers, announce the shutdown in gossip, stay up for operators. */
    STOP,
    /** End the process (the simulator crashes the node). */
    DIE,
    /** Refuse writes (as coordinator and as replica, so coordinators hint them) but keep serving reads. */
    STOP_COMMIT,
    /** Log the failure; the node stays up and its writes fail one by one. */
    IGNORE;

    /** The policy named {@code text} (stop, die, stop_commit, ignore; any case). */
    public static CommitFailurePolicy parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("commit_failure_policy must be stop, die, stop_commit or ignore, not '"
                    + text + "'", e);
        }
    }

    /** The name as configuration spells it (stop_commit). */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
