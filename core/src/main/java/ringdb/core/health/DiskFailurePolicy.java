package ringdb.core.health;

import java.util.Locale;

/**
 * What a node does when a data file fails: a flush or compaction cannot write, a table cannot be
 * read or fails its checksum (Cassandra's {@code disk_failure_policy}). Commit log failures follow
 * {@link CommitFailurePolicy}.
 */
public enum DiskFailurePolicy {
    /** Stop serving clients and peers, announce the shutdown in gossip, stay up for operators. */
    STOP,
    /** End the process (the simulator crashes the node). */
    DIE,
    /**
     * Quarantine a table that cannot be read and keep serving from the others, marking this node's
     * ranges for repair; a failed flush or compaction is logged and retried.
     */
    BEST_EFFORT,
    /** Log the failure and carry on (the failed operation still fails). */
    IGNORE;

    /** The policy named {@code text} (stop, die, best_effort, ignore; any case). */
    public static DiskFailurePolicy parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("disk_failure_policy must be stop, die, best_effort or ignore, not '"
                    + text + "'", e);
        }
    }

    /** The name as configuration spells it (best_effort). */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
