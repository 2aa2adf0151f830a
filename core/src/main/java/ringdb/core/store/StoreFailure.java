package ringdb.core.store;

import java.util.Objects;

/**
 * A failure of the node's storage that the node must act on (its failure policies decide how):
 * reported by the store through the listener given to {@link LocalStore#onFailure}, on the node's
 * thread.
 *
 * @param kind   what failed
 * @param table  the table that could not be read (its path in the store), for {@link Kind#DATA_READ}
 *               failures that name one; null otherwise
 * @param detail a human-readable description of the failure (the error's message)
 */
public record StoreFailure(Kind kind, String table, String detail) {
    public StoreFailure {
        Objects.requireNonNull(kind, "kind");
        detail = detail == null ? "" : detail;
    }

    public enum Kind {
        /** A commit log append, segment creation or fsync failed: writes can no longer be made durable. */
        COMMIT_LOG,
        /** A flush or compaction could not write its table (a full disk, an I/O error). */
        DATA_WRITE,
        /** A table could not be read, or its checksum failed when read. */
        DATA_READ
    }

    /** "commit log failure: detail" and the like, for logs and refusals. */
    public String describe() {
        String what = switch (kind) {
            case COMMIT_LOG -> "commit log failure";
            case DATA_WRITE -> "data write failure";
            case DATA_READ -> table == null ? "data read failure" : "read failure of table " + table;
        };
        return what + ": " + detail;
    }
}
