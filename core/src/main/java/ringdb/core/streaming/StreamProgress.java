package ringdb.core.streaming;

/**
 * Where one stream session stands: {@code name} says what it is for ("bootstrap of node6"),
 * {@code moveId} which membership change; ranges count range copies (a range fetched from two
 * sources counts twice); {@code rangesResumed} of the ranges done were completed by an earlier run
 * of the same stream (before a restart of this node) and not fetched again. {@code state} is
 * RUNNING, WAITING (no source reachable), DONE or FAILED. {@code chunksReceived} counts the range
 * sync messages that brought the entries, {@code largestChunkEntries} and {@code largestChunkBytes}
 * the largest of them (each at most the range sync entry and byte limits, so a partition larger
 * than one message arrives in pieces). Immutable.
 */
public record StreamProgress(String name, String moveId, int rangesTotal, int rangesDone, int rangesResumed,
                             long bytesReceived, long entriesReceived, String state, long throughputBytesPerSecond,
                             long chunksReceived, int largestChunkEntries, long largestChunkBytes) {

    /** A progress without chunk counts (tools and tests that build one by hand). */
    public StreamProgress(String name, String moveId, int rangesTotal, int rangesDone, int rangesResumed,
                          long bytesReceived, long entriesReceived, String state, long throughputBytesPerSecond) {
        this(name, moveId, rangesTotal, rangesDone, rangesResumed, bytesReceived, entriesReceived, state,
                throughputBytesPerSecond, 0, 0, 0);
    }

    /** "bootstrap of node6: 12 of 40 ranges, 3.2 MiB, 1234 entries (RUNNING)". */
    public String describe() {
        return name + ": " + rangesDone + " of " + rangesTotal + " ranges"
                + (rangesResumed > 0 ? " (" + rangesResumed + " resumed)" : "")
                + ", " + formatBytes(bytesReceived) + ", " + entriesReceived + " entries (" + state + ")";
    }

    static String formatBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format("%.1f KiB", bytes / 1024.0);
        }
        return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
