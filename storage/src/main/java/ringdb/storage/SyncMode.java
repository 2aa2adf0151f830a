package ringdb.storage;

/** When a write is acknowledged relative to the commit log fsync. */
public enum SyncMode {
    /** Writers share one fsync (group commit); each is acknowledged only after the fsync covering it. */
    GROUP,
    /** Acknowledged at once; the commit log is fsynced every {@code periodicSyncMicros}. */
    PERIODIC,
    /** Each write is fsynced on its own before it is acknowledged. */
    BATCH
}
